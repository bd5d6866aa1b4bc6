package tfgate.test.aws.tags

import rego.v1

import data.tfgate.aws.tags
import data.tfgate.fixtures as fx

full := {"Project": "saprism", "Environment": "production", "ManagedBy": "terraform"}

req(rcs) := fx.with_gate(fx.plan(rcs), {"required_tags": ["Project", "Environment", "ManagedBy"]})

test_default_tags_through_tags_all if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags": null, "tags_all": full})
	count(tags.required_tags) == 0 with input as req([r])
}

test_missing_tags if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags_all": {"Project": "saprism"}})
	some f in tags.required_tags with input as req([r])
	f.id == "TAG-001"
	contains(f.message, "Environment, ManagedBy")
}

test_tags_without_tags_all if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags": {"Project": "x"}})
	some f in tags.required_tags with input as req([r])
	contains(f.message, "Environment")
}

test_untaggable_resource_ignored if {
	count(tags.required_tags) == 0 with input as req([fx.rc("aws_s3_bucket_policy", "p", {"policy": "{}"})])
}

# Conventions are configuration: without required_tags the rule is silent.
test_no_required_tags_no_rule if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags_all": {}})
	count(tags.required_tags) == 0 with input as fx.plan([r])
}

# No default_tags anywhere: tags_all is computed, the resource has no tags
# at all. That is a violation, not an unknown.
test_no_tags_at_all_is_a_violation if {
	r := fx.rc_unknown("aws_sns_topic", "alerts", {"tags": null}, {"tags_all": true})
	some f in tags.required_tags with input as req([r])
	not f.unknown
	contains(f.message, "no tags at all")
}

test_constant_default_tags_count if {
	r := fx.rc_unknown("aws_sns_topic", "alerts", {"tags": {"Project": "p"}}, {"tags_all": true})
	p := object.union(req([r]), {"configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"default_tags": [{"tags": {"constant_value": {"Environment": "x", "ManagedBy": "tf"}}}]}}}}})
	count(tags.required_tags) == 0 with input as p
}

test_tags_unknown if {
	p := req([fx.rc_unknown("aws_sns_topic", "alerts", {}, {"tags_all": true, "tags": true})])
	some f in tags.required_tags with input as p
	f.unknown
}

test_default_tags_from_variables_unknown if {
	r := fx.rc_unknown("aws_sns_topic", "alerts", {"tags": {"Project": "p"}}, {"tags_all": true})
	p := object.union(req([r]), {"configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"default_tags": [{"tags": {"references": ["var.tags"]}}]}}}}})
	some f in tags.required_tags with input as p
	f.unknown
}
