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

test_module_path if {
	lib.module_path("module.a") == ["module_calls", "a", "module"]
	lib.module_path("module.a[0].module.b[\"x\"]") == ["module_calls", "a", "module", "module_calls", "b", "module"]
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

test_ref_with_index if {
	lib.ref_targets("aws_lb.main[0].arn", "aws_lb.main")
	not lib.ref_targets("aws_lb.main2.arn", "aws_lb.main")
}

test_tags_fallback if {
	lib.tags(fx.rc("aws_sns_topic", "a", {"tags": {"A": "1"}})) == {"A": "1"}
	lib.tags(fx.rc("aws_sns_topic", "a", {"tags": {"A": "1"}, "tags_all": {"A": "1", "B": "2"}})) == {"A": "1", "B": "2"}
}

test_list if {
	lib.list(null) == []
	lib.list([1]) == [1]
}
