package tfgate.test.aws.s3

import rego.v1

import data.tfgate.aws.s3
import data.tfgate.fixtures as fx

bucket(name) := fx.rc("aws_s3_bucket", name, {"bucket": sprintf("app-%s", [name]), "tags_all": {}})

pab(name, bucket_name, on) := fx.rc("aws_s3_bucket_public_access_block", name, {
	"bucket": bucket_name, "block_public_acls": on, "block_public_policy": on,
	"ignore_public_acls": on, "restrict_public_buckets": on,
})

sse(name, bucket_name, alg) := fx.rc("aws_s3_bucket_server_side_encryption_configuration", name, {
	"bucket": bucket_name,
	"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": alg, "kms_master_key_id": null}]}],
})

tls_doc := json.marshal({"Version": "2012-10-17", "Statement": [{
	"Effect": "Deny", "Principal": "*", "Action": "s3:*",
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}]})

policy(name, bucket_name, doc) := fx.rc("aws_s3_bucket_policy", name, {"bucket": bucket_name, "policy": doc})

versioning(name, bucket_name, status) := fx.rc("aws_s3_bucket_versioning", name, {"bucket": bucket_name, "versioning_configuration": [{"status": status}]})

complete := fx.plan([
	bucket("assets"),
	pab("assets", "app-assets", true),
	sse("assets", "app-assets", "AES256"),
	policy("assets", "app-assets", tls_doc),
	versioning("assets", "app-assets", "Enabled"),
])

all_findings := (((s3.public_access_block | s3.encryption) | s3.tls_only_policy) | s3.artifacts_kms) | s3.versioning

test_complete_bucket_passes if {
	count(all_findings) == 0 with input as complete
}

test_missing_public_access_block if {
	some f in s3.public_access_block with input as fx.plan([bucket("assets")])
	f.id == "S3-001"
	f.address == "aws_s3_bucket.assets"
}

test_account_public_access_block_counts if {
	acct := fx.rc("aws_s3_account_public_access_block", "this", {
		"block_public_acls": true, "block_public_policy": true,
		"ignore_public_acls": true, "restrict_public_buckets": true,
	})
	count(s3.public_access_block) == 0 with input as fx.plan([bucket("assets"), acct])
}

test_public_access_block_flag_off if {
	some f in s3.public_access_block with input as fx.plan([bucket("assets"), pab("assets", "app-assets", false)])
	f.address == "aws_s3_bucket_public_access_block.assets"
	f.attribute == "block_public_acls"
}

# Bucket name unknown (bucket_prefix): linked through configuration references.
test_public_access_block_linked_by_reference if {
	b := fx.rc_unknown("aws_s3_bucket", "assets", {}, {"bucket": true, "id": true})
	p := fx.rc_unknown(
		"aws_s3_bucket_public_access_block", "assets", {
			"block_public_acls": true, "block_public_policy": true,
			"ignore_public_acls": true, "restrict_public_buckets": true,
		},
		{"bucket": true},
	)
	cfg := [{
		"address": "aws_s3_bucket_public_access_block.assets",
		"expressions": {"bucket": {"references": ["aws_s3_bucket.assets.id", "aws_s3_bucket.assets"]}},
	}]
	count(s3.public_access_block) == 0 with input as fx.with_config([b, p], cfg)
}

test_public_access_block_unrelated_reference if {
	b := fx.rc_unknown("aws_s3_bucket", "assets", {}, {"bucket": true, "id": true})
	p := fx.rc_unknown("aws_s3_bucket_public_access_block", "logs", {}, {"bucket": true})
	cfg := [{
		"address": "aws_s3_bucket_public_access_block.logs",
		"expressions": {"bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}},
	}]
	some f in s3.public_access_block with input as fx.with_config([b, p], cfg)
	f.address == "aws_s3_bucket.assets"
}

test_missing_encryption if {
	some f in s3.encryption with input as fx.plan([bucket("assets")])
	f.id == "S3-002"
}

test_encryption_without_algorithm if {
	some f in s3.encryption with input as fx.plan([bucket("assets"), sse("assets", "app-assets", "")])
	f.address == "aws_s3_bucket_server_side_encryption_configuration.assets"
}

test_missing_policy if {
	some f in s3.tls_only_policy with input as fx.plan([bucket("assets")])
	f.id == "S3-003"
	f.address == "aws_s3_bucket.assets"
}

test_policy_without_tls_statement if {
	doc := json.marshal({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}})
	some f in s3.tls_only_policy with input as fx.plan([bucket("assets"), policy("assets", "app-assets", doc)])
	f.address == "aws_s3_bucket_policy.assets"
	not f.unknown
}

test_tls_condition_boolean_false if {
	doc := json.marshal({"Statement": [{"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": false}}}]})
	count(s3.tls_only_policy) == 0 with input as fx.plan([bucket("assets"), policy("assets", "app-assets", doc)])
}

test_tls_condition_list if {
	doc := json.marshal({"Statement": [{"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}}]})
	count(s3.tls_only_policy) == 0 with input as fx.plan([bucket("assets"), policy("assets", "app-assets", doc)])
}

policy_doc_config(deny_effect) := [
	{
		"address": "aws_s3_bucket_policy.assets",
		"expressions": {
			"bucket": {"references": ["aws_s3_bucket.assets.id", "aws_s3_bucket.assets"]},
			"policy": {"references": ["data.aws_iam_policy_document.tls.json", "data.aws_iam_policy_document.tls"]},
		},
	},
	{
		"address": "data.aws_iam_policy_document.tls",
		"mode": "data",
		"expressions": {"statement": [{
			"effect": {"constant_value": deny_effect},
			"condition": [{
				"test": {"constant_value": "Bool"},
				"variable": {"constant_value": "aws:SecureTransport"},
				"values": {"constant_value": ["false"]},
			}],
		}]},
	},
]

# Policy unknown until apply (it embeds the new bucket's ARN): the statement
# of the referenced aws_iam_policy_document is read from the configuration.
test_tls_policy_document_by_reference if {
	b := fx.rc_unknown("aws_s3_bucket", "assets", {}, {"bucket": true, "id": true})
	p := fx.rc_unknown("aws_s3_bucket_policy", "assets", {}, {"bucket": true, "policy": true})
	count(s3.tls_only_policy) == 0 with input as fx.with_config([b, p], policy_doc_config("Deny"))
}

test_unknown_policy_without_tls_document if {
	b := fx.rc_unknown("aws_s3_bucket", "assets", {}, {"bucket": true, "id": true})
	p := fx.rc_unknown("aws_s3_bucket_policy", "assets", {}, {"bucket": true, "policy": true})
	some f in s3.tls_only_policy with input as fx.with_config([b, p], policy_doc_config("Allow"))
	f.unknown
	f.address == "aws_s3_bucket_policy.assets"
}

test_artifacts_bucket_needs_kms if {
	p := fx.plan([bucket("artifacts"), sse("artifacts", "app-artifacts", "AES256")])
	some f in s3.artifacts_kms with input as p
	f.id == "S3-004"
	f.address == "aws_s3_bucket_server_side_encryption_configuration.artifacts"
}

test_artifacts_bucket_with_kms if {
	count(s3.artifacts_kms) == 0 with input as fx.plan([bucket("artifacts"), sse("artifacts", "app-artifacts", "aws:kms")])
}

test_pipeline_artifact_store_is_artifacts_bucket if {
	b := fx.rc("aws_s3_bucket", "build", {"bucket": "app-build"})
	cp := fx.rc("aws_codepipeline", "main", {"artifact_store": [{"location": "app-build", "type": "S3"}]})
	some f in s3.artifacts_kms with input as fx.plan([b, cp, sse("build", "app-build", "AES256")])
	f.address == "aws_s3_bucket_server_side_encryption_configuration.build"
}

test_versioning_suspended if {
	some f in s3.versioning with input as fx.plan([bucket("assets"), versioning("assets", "app-assets", "Suspended")])
	f.id == "S3-005"
}

test_tls_policy_from_jsonencode if {
	b := fx.rc_unknown("aws_s3_bucket", "b", {}, {"bucket": true, "id": true})
	pol := fx.rc_unknown("aws_s3_bucket_policy", "p", {}, {"bucket": true, "policy": true})
	cfg := [fx.ref_config("aws_s3_bucket_policy", "p", "bucket", ["aws_s3_bucket.b.id", "aws_s3_bucket.b"])]
	doc := {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [null, null], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
	p := object.union(fx.with_config([b, pol], cfg), {"tfgate": {"documents": {"": {"aws_s3_bucket_policy.p": {"policy": doc}}}}})
	count(s3.tls_only_policy) == 0 with input as p
}

test_log_target_bucket_does_not_log_into_itself if {
	app := fx.rc("aws_s3_bucket", "app", {"bucket": "app"})
	logs := fx.rc("aws_s3_bucket", "logs", {"bucket": "logs"})
	l := fx.rc("aws_s3_bucket_logging", "app", {"bucket": "app", "target_bucket": "logs"})
	count(s3.access_logging) == 0 with input as fx.plan([app, logs, l])
}
