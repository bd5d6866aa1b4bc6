package tfgate.test.aws.tags

import rego.v1

import data.tfgate.aws.tags
import data.tfgate.fixtures as fx

full := {"Project": "saprism", "Environment": "production", "ManagedBy": "terraform"}

test_default_tags_through_tags_all if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags": null, "tags_all": full})
	count(tags.required_tags) == 0 with input as fx.plan([r])
}

test_missing_tags if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags_all": {"Project": "saprism"}})
	some f in tags.required_tags with input as fx.plan([r])
	f.id == "TAG-001"
	contains(f.message, "Environment, ManagedBy")
}

test_tags_without_tags_all if {
	r := fx.rc("aws_sns_topic", "alerts", {"tags": {"Project": "x"}})
	some f in tags.required_tags with input as fx.plan([r])
	contains(f.message, "Environment")
}

test_untaggable_resource_ignored if {
	count(tags.required_tags) == 0 with input as fx.plan([fx.rc("aws_s3_bucket_policy", "p", {"policy": "{}"})])
}

test_tags_unknown if {
	p := fx.plan([fx.rc_unknown("aws_sns_topic", "alerts", {"tags_all": {}}, {"tags_all": true})])
	some f in tags.required_tags with input as p
	f.unknown
}
