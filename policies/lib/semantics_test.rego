# Linking through locals, module variables and module outputs, policy
# documents from the configuration, and what is never evidence that a
# resource exists: in the shapes registry modules and for_each produce.
package tfgate.test.semantics

import rego.v1

import data.tfgate.aws.iam
import data.tfgate.aws.network
import data.tfgate.aws.s3
import data.tfgate.aws.sqs
import data.tfgate.aws.waf
import data.tfgate.fixtures as fx
import data.tfgate.lib

vpc_in(mod) := object.union(fx.rc_unknown("aws_vpc", "this", {"cidr_block": "10.0.0.0/16"}, {"id": true}), {
	"address": sprintf("%s.aws_vpc.this[0]", [mod]),
	"module_address": mod,
	"index": 0,
})

flow_log(mod, name) := object.union(fx.rc_unknown("aws_flow_log", name, {"traffic_type": "ALL"}, {"vpc_id": true}), {
	"address": concat(".", [x | some x in [mod, sprintf("aws_flow_log.%s", [name])]; x != ""]),
	"module_address": mod,
})

cfg_flow_log(name, refs) := {"address": sprintf("aws_flow_log.%s", [name]), "mode": "managed", "type": "aws_flow_log", "name": name, "expressions": {"vpc_id": {"references": refs}}}

network_module := {"outputs": {"vpc_id": {"expression": {"references": ["aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"]}}}, "resources": [{"address": "aws_vpc.this", "mode": "managed", "type": "aws_vpc", "name": "this"}]}

# module.network (registry style, count inside) outputs vpc_id; the root's
# flow log points at module.network.vpc_id.
test_flow_log_through_module_output if {
	p := {
		"resource_changes": [vpc_in("module.network"), flow_log("", "main")],
		"configuration": {"root_module": {
			"resources": [cfg_flow_log("main", ["module.network.vpc_id", "module.network"])],
			"module_calls": {"network": {"module": network_module}},
		}},
	}
	count(network.flow_logs) == 0 with input as p
}

# The flow log sits in a for_each module instance and gets the VPC id
# through a module variable from the root.
test_flow_log_through_module_variable if {
	vpc := fx.rc_unknown("aws_vpc", "main", {}, {"id": true})
	p := {
		"resource_changes": [vpc, flow_log("module.logs[\"a\"]", "this")],
		"configuration": {"root_module": {
			"resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main"}],
			"module_calls": {"logs": {
				"expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}},
				"module": {"resources": [cfg_flow_log("this", ["var.vpc_id"])]},
			}},
		}},
	}
	count(network.flow_logs) == 0 with input as p
}

# vpc_id = local.vpc_id: the plan JSON has no locals; the gate passes them
# (input.tfgate.locals, read from the configuration source).
test_flow_log_through_local if {
	vpc := fx.rc_unknown("aws_vpc", "main", {}, {"id": true})
	p := {
		"resource_changes": [vpc, flow_log("", "main")],
		"configuration": {"root_module": {
			"resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main"}, cfg_flow_log("main", ["local.vpc_id"])],
		}},
		"tfgate": {"locals": {"": {"vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]}}},
	}
	count(network.flow_logs) == 0 with input as p
}

# Without the locals the link cannot be resolved: unknown, never "missing".
test_flow_log_through_unknown_local_is_unknown if {
	vpc := fx.rc_unknown("aws_vpc", "main", {}, {"id": true})
	p := {
		"resource_changes": [vpc, flow_log("", "main")],
		"configuration": {"root_module": {"resources": [cfg_flow_log("main", ["local.vpc_id"])]}},
	}
	some f in network.flow_logs with input as p
	f.unknown
}

# A flow log only in the configuration (count = 0) is no evidence.
test_count_zero_flow_log_is_not_evidence if {
	vpc := fx.rc_unknown("aws_vpc", "main", {}, {"id": true})
	p := {
		"resource_changes": [vpc],
		"configuration": {"root_module": {"resources": [
			{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main"},
			object.union(cfg_flow_log("main", ["aws_vpc.main.id", "aws_vpc.main"]), {"count_expression": {"constant_value": 0}}),
		]}},
	}
	some f in network.flow_logs with input as p
	not f.unknown
}

# A data source read in the plan is no evidence either.
test_data_flow_log_is_not_evidence if {
	vpc := fx.rc("aws_vpc", "main", {"id": "vpc-1"})
	d := object.union(fx.rc("aws_flow_log", "old", {"vpc_id": "vpc-1"}), {"mode": "data", "change": {"actions": ["read"], "after": {"vpc_id": "vpc-1"}}})
	some f in network.flow_logs with input as fx.plan([vpc, d])
	not f.unknown
}

test_module_parts if {
	lib.module_parts("module.a[\"x\"].module.b") == [["module.a[\"x\"]", "a"], ["module.b", "b"]]
	lib.parent_module("module.a[\"x\"].module.b") == "module.a[\"x\"]"
	lib.parent_module("module.a") == ""
	lib.join_module("", "module.b") == "module.b"
	lib.join_module("module.a", "module.b") == "module.a.module.b"
}

# internal unknown until apply, or not set, is internet-facing.
test_internal_unknown_is_internet_facing if {
	lb := fx.rc_unknown("aws_lb", "web", {"load_balancer_type": "application"}, {"internal": true})
	some f in waf.association with input as fx.plan([lb])
	f.id == "WAF-001"
	not f.unknown
}

test_internal_null_is_internet_facing if {
	some f in waf.association with input as fx.plan([fx.rc("aws_lb", "web", {"internal": null})])
	f.id == "WAF-001"
}

test_internal_true_is_not if {
	count(waf.association) == 0 with input as fx.plan([fx.rc("aws_lb", "web", {"internal": true})])
}

# --- policy documents from the configuration ---

doc_block(stmts) := {"address": "data.aws_iam_policy_document.p", "mode": "data", "type": "aws_iam_policy_document", "name": "p", "expressions": {"statement": stmts}}

policy_with_doc(t, stmts) := fx.with_config(
	[fx.rc_unknown(t, "x", {}, {"policy": true})],
	[fx.ref_config(t, "x", "policy", ["data.aws_iam_policy_document.p.json", "data.aws_iam_policy_document.p"]), doc_block(stmts)],
)

test_admin_policy_from_document if {
	p := policy_with_doc("aws_iam_role_policy", [{"actions": {"constant_value": ["*"]}, "resources": {"constant_value": ["*"]}}])
	some f in iam.full_admin with input as p
	not f.unknown
}

test_scoped_policy_from_document_passes if {
	p := policy_with_doc("aws_iam_role_policy", [{"actions": {"constant_value": ["s3:GetObject"]}, "resources": {"references": ["aws_s3_bucket.b.arn"]}}])
	count(iam.full_admin) == 0 with input as p
	count(iam.wildcard_actions) == 0 with input as p
}

test_star_action_on_unknown_resources_is_unknown if {
	p := policy_with_doc("aws_iam_role_policy", [{"actions": {"constant_value": ["*"]}, "resources": {"references": ["aws_s3_bucket.b.arn"]}}])
	some f in iam.full_admin with input as p
	f.unknown
}

test_actions_from_variable_are_unknown if {
	p := policy_with_doc("aws_iam_policy", [{"actions": {"references": ["var.actions"]}, "resources": {"constant_value": ["*"]}}])
	some f in iam.wildcard_actions with input as p
	f.unknown
}

test_wildcard_from_document if {
	p := policy_with_doc("aws_iam_policy", [{"actions": {"constant_value": ["s3:*"]}}])
	some f in iam.wildcard_actions with input as p
	not f.unknown
}

test_public_topic_policy_from_document if {
	p := policy_with_doc("aws_sns_topic_policy", [{"principals": [{"type": {"constant_value": "*"}, "identifiers": {"constant_value": ["*"]}}]}])
	some f in sqs.public_policy with input as p
	not f.unknown
}

test_deny_star_and_conditioned_allow_are_not_public if {
	p := policy_with_doc("aws_sqs_queue_policy", [
		{"effect": {"constant_value": "Deny"}, "principals": [{"identifiers": {"constant_value": ["*"]}}]},
		{"principals": [{"identifiers": {"constant_value": ["*"]}}], "condition": [{"test": {"constant_value": "ArnEquals"}}]},
		{"principals": [{"identifiers": {"references": ["local.account_id"]}}]},
	])
	count(sqs.public_policy) == 0 with input as p
}

test_queue_inline_policy_public if {
	q := fx.rc("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": true, "policy": json.marshal({"Statement": {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sqs:*"}})})
	some f in sqs.public_policy with input as fx.plan([q])
	f.address == "aws_sqs_queue.q"
}

test_queue_kms_key_from_new_key_is_set if {
	p := fx.with_config([fx.rc_unknown("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": false}, {"kms_master_key_id": true})], [fx.ref_config("aws_sqs_queue", "q", "kms_master_key_id", ["aws_kms_key.k.arn", "aws_kms_key.k"])])
	count(sqs.encryption) == 0 with input as p
}

test_queue_sse_unknown if {
	some f in sqs.encryption with input as fx.plan([fx.rc_unknown("aws_sqs_queue", "q", {"kms_master_key_id": null}, {"sqs_managed_sse_enabled": true})])
	f.unknown
}

# --- jsonencode objects of the configuration (input.tfgate.documents) ---

documents(t, doc) := object.union(
	fx.with_config([fx.rc_unknown(t, "x", {}, {"policy": true})], [fx.ref_config(t, "x", "policy", ["aws_s3_bucket.b.arn"])]),
	{"tfgate": {"documents": {"": {sprintf("%s.x", [t]): {"policy": doc}}}}},
)

test_admin_policy_from_jsonencode if {
	p := documents("aws_iam_policy", {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
	some f in iam.full_admin with input as p
	not f.unknown
}

test_unknown_resources_in_jsonencode if {
	p := documents("aws_iam_policy", {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [null]}]})
	count(iam.full_admin) == 0 with input as p
	count(iam.wildcard_actions) == 0 with input as p
}

test_public_queue_policy_from_jsonencode if {
	p := documents("aws_sqs_queue_policy", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"}]})
	some f in sqs.public_policy with input as p
	not f.unknown
}

test_unknown_principal_in_jsonencode if {
	p := documents("aws_sqs_queue_policy", {"Statement": [{"Effect": "Allow", "Principal": null, "Action": "sqs:SendMessage"}]})
	some f in sqs.public_policy with input as p
	f.unknown
}

# for_each: the versioning of one bucket instance is not evidence for the
# other instances of the same block.
bucket_inst(key) := object.union(fx.rc_unknown("aws_s3_bucket", "data", {}, {"id": true, "bucket": true}), {"address": sprintf("aws_s3_bucket.data[%q]", [key]), "index": key})

versioning_inst(key) := object.union(fx.rc_unknown("aws_s3_bucket_versioning", "this", {"versioning_configuration": [{"status": "Enabled"}]}, {"bucket": true}), {"address": sprintf("aws_s3_bucket_versioning.this[%q]", [key]), "index": key})

test_for_each_links_by_instance_key if {
	p := fx.with_config([bucket_inst("logs"), bucket_inst("assets"), versioning_inst("assets")], [
		{"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data"},
		fx.ref_config("aws_s3_bucket_versioning", "this", "bucket", ["aws_s3_bucket.data", "each.key"]),
	])
	[f.address | some f in s3.versioning] == ["aws_s3_bucket.data[\"logs\"]"] with input as p
}

test_literal_index_links_one_instance if {
	v := object.union(fx.rc_unknown("aws_s3_bucket_versioning", "logs", {"versioning_configuration": [{"status": "Enabled"}]}, {"bucket": true}), {})
	p := fx.with_config([bucket_inst("logs"), bucket_inst("assets"), v], [
		fx.ref_config("aws_s3_bucket_versioning", "logs", "bucket", ["aws_s3_bucket.data[\"logs\"].id", "aws_s3_bucket.data[\"logs\"]", "aws_s3_bucket.data"]),
	])
	[f.address | some f in s3.versioning] == ["aws_s3_bucket.data[\"assets\"]"] with input as p
}
