package tfgate.test.lib

import rego.v1

import data.tfgate.fixtures as fx
import data.tfgate.lib

test_by_type_derived_from_resource_changes if {
	p := fx.plan([fx.rc("aws_sns_topic", "a", {}), fx.rc("aws_sns_topic", "b", {}), fx.rc("aws_kms_key", "k", {})])
	count(lib.by_type.aws_sns_topic) == 2 with input as p
	count(lib.by_type.aws_kms_key) == 1 with input as p
}

test_by_type_precomputed_wins if {
	r := fx.rc("aws_sns_topic", "a", {})
	lib.by_type == {"aws_sns_topic": [r]} with input as {"resources_by_type": {"aws_sns_topic": [r]}, "resource_changes": []}
}

test_actions if {
	lib.action({"change": {"actions": ["delete", "create"]}}) == "replace"
	lib.action({"change": {"actions": ["create", "delete"]}}) == "replace"
	lib.action({"change": {"actions": ["no-op"]}}) == "no-op"
	lib.action({"action": "update", "change": {"actions": ["update"]}}) == "update"
}

test_live_skips_data_sources_and_deletes if {
	d := object.union(fx.rc("aws_s3_bucket", "d", {}), {"mode": "data", "change": {"actions": ["read"]}})
	gone := object.union(fx.rc("aws_s3_bucket", "gone", {}), {"change": {"actions": ["delete"], "after": null}})
	[r.name | some r in lib.live("aws_s3_bucket")] == ["kept"] with input as fx.plan([d, gone, fx.rc("aws_s3_bucket", "kept", {})])
}

test_environment_from_gate if {
	lib.environment == "dev" with input as {"tfgate": {"environment": "dev"}, "variables": {"environment": {"value": "production"}}}
}

test_environment_from_plan_variable if {
	lib.environment == "staging" with input as {"variables": {"environment": {"value": "staging"}}}
}

test_environment_defaults_to_production if {
	lib.environment == "production" with input as {}
}

test_empty_values if {
	every x in [null, "", [], {}] {
		lib.empty(x)
	}
	not lib.empty("x")
}

test_unknown_parent_block if {
	r := fx.rc_unknown("aws_ecr_repository", "r", {}, {"image_scanning_configuration": true})
	lib.unknown(r, ["image_scanning_configuration", 0, "scan_on_push"])
	not lib.known(r, ["image_scanning_configuration", 0, "scan_on_push"])
}

test_module_key if {
	lib.module_key({"module_address": "module.a[0].module.b[\"x\"]"}) == "module.a.module.b"
	lib.module_key({}) == ""
}

nested_config := {"configuration": {"root_module": {"module_calls": {"a": {"module": {
	"resources": [{"address": "aws_s3_bucket.one"}],
	"module_calls": {"b": {"module": {
		"resources": [{"address": "aws_s3_bucket.two"}],
		"module_calls": {"c": {"module": {"resources": [{"address": "aws_s3_bucket.three"}]}}},
	}}},
}}}}}}

test_config_blocks_nested_modules if {
	blocks := lib.config_blocks with input as nested_config
	blocks[["module.a", "aws_s3_bucket.one"]]
	blocks[["module.a.module.b", "aws_s3_bucket.two"]]
	blocks[["module.a.module.b.module.c", "aws_s3_bucket.three"]]
}

test_data_config_address if {
	lib.config_address({"mode": "data", "type": "aws_iam_policy_document", "name": "x"}) == "data.aws_iam_policy_document.x"
}

test_references_missing_config if {
	lib.references(fx.rc("aws_s3_bucket", "x", {}), "bucket") == [] with input as fx.plan([])
}

test_links_by_known_list if {
	a := fx.rc("aws_lb", "main", {"security_groups": ["sg-1", "sg-2"]})
	b := fx.rc("aws_security_group", "web", {"id": "sg-2"})
	lib.links(a, "security_groups", b, "id")
}

test_ref_address if {
	lib.ref_address("aws_lb.main[0].arn") == "aws_lb.main"
	lib.ref_address("aws_lb.main") == "aws_lb.main"
	lib.ref_address("data.aws_iam_policy_document.x.json") == "data.aws_iam_policy_document.x"
	not lib.ref_address("var.bucket_name")
	not lib.ref_address("module.storage.bucket_id")
}

test_links_unknown_value_is_not_a_link if {
	a := fx.rc_unknown("aws_flow_log", "f", {"vpc_id": "vpc-1"}, {"vpc_id": true})
	b := fx.rc("aws_vpc", "main", {"id": "vpc-1"})
	not lib.links(a, "vpc_id", b, "id") with input as fx.plan([a, b])
}

test_tags_fallback if {
	lib.tags(fx.rc("aws_sns_topic", "a", {"tags": {"A": "1"}})) == {"A": "1"}
	lib.tags(fx.rc("aws_sns_topic", "a", {"tags": {"A": "1"}, "tags_all": {"A": "1", "B": "2"}})) == {"A": "1", "B": "2"}
}

test_list if {
	lib.list(null) == []
	lib.list([1]) == [1]
}
