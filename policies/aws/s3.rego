# METADATA
# title: S3
# description: |
#   S3 buckets are private, encrypted and reachable over TLS only. Bucket
#   settings live in separate resources (public access block, encryption,
#   policy, versioning) that are linked to their bucket by value when the
#   bucket name is known, else through the configuration references.
package tfgate.aws.s3

import rego.v1

import data.tfgate.lib

buckets := lib.live("aws_s3_bucket")

attach_types := {
	"aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration",
	"aws_s3_bucket_policy", "aws_s3_bucket_versioning",
}

# [type, bucket key] for every bucket settings resource: which buckets have
# a public access block, an encryption configuration, a policy. A flat set
# (not an object of sets) so building it stays linear on large plans.
settings_keys contains [t, k] if {
	some t in attach_types
	some r in lib.live(t)
	some k in lib.link_keys(r, "bucket")
}

bucket_keys(b) := lib.target_keys(b, ["bucket", "id"])

# has(t, b): bucket b has a live resource of type t configuring it.
has(t, b) if {
	keys := settings_keys
	some k in bucket_keys(b)
	[t, k] in keys
}

pab_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

account_pab_complete if {
	some a in lib.live("aws_s3_account_public_access_block")
	every flag in pab_flags {
		lib.after(a, flag) == true
	}
}

# METADATA
# title: S3 public access block
# description: Every bucket has a public access block with all four settings on (or the account-level block does).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
# custom:
#   id: S3-001
#   severity: critical
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add an aws_s3_bucket_public_access_block for the bucket with all four flags true.
public_access_block contains f if {
	some v in public_access_block_violations
	f := lib.finding(rego.metadata.rule(), v)
}

public_access_block_violations contains v if {
	not account_pab_complete
	some b in buckets
	not has("aws_s3_bucket_public_access_block", b)
	v := lib.violation(b, "bucket", sprintf("%s: bucket has no aws_s3_bucket_public_access_block", [b.address]))
}

public_access_block_violations contains v if {
	some flag in pab_flags
	some v in lib.require(["aws_s3_bucket_public_access_block"], flag, true, "public access must be blocked")
}

sse_algorithm(r) := lib.after(r, ["rule", 0, "apply_server_side_encryption_by_default", 0, "sse_algorithm"])

# METADATA
# title: S3 encryption at rest
# description: Every bucket has an explicit server-side encryption configuration (SSE-S3 or SSE-KMS).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
# custom:
#   id: S3-002
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add an aws_s3_bucket_server_side_encryption_configuration for the bucket.
encryption contains f if {
	some v in encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

encryption_violations contains v if {
	some b in buckets
	not has("aws_s3_bucket_server_side_encryption_configuration", b)
	v := lib.violation(b, "bucket", sprintf("%s: bucket has no server-side encryption configuration", [b.address]))
}

encryption_violations contains v if {
	some r in lib.live("aws_s3_bucket_server_side_encryption_configuration")
	lib.known(r, "rule")
	not sse_algorithm(r) in {"AES256", "aws:kms", "aws:kms:dsse"}
	v := lib.violation(r, "rule", sprintf("%s: no default encryption algorithm (sse_algorithm = %v)", [r.address, sse_algorithm(r)]))
}

# --- TLS-only bucket policy ---

deny_insecure(st) if {
	st.Effect == "Deny"
	false_value(st.Condition.Bool["aws:SecureTransport"])
}

false_value(v) if v == false

false_value(v) if v == "false"

false_value(v) if "false" in v

statements(doc) := doc.Statement if is_array(doc.Statement)

statements(doc) := [doc.Statement] if is_object(doc.Statement)

tls_policy_value(p) if {
	doc := lib.json_attr(p, "policy")
	some st in statements(doc)
	deny_insecure(st)
}

# The policy is built by a data.aws_iam_policy_document: its statement
# blocks are constants in the configuration even when the ARNs are unknown.
tls_policy_document(p) if {
	some ref in lib.references(p, "policy")
	startswith(ref, "data.aws_iam_policy_document.")
	name := concat(".", array.slice(split(ref, "."), 0, 3))
	some st in lib.config_block(p, name).expressions.statement
	st.effect.constant_value == "Deny"
	some c in st.condition
	c.test.constant_value == "Bool"
	c.variable.constant_value == "aws:SecureTransport"
	"false" in c.values.constant_value
}

tls_only(p) if tls_policy_value(p)

tls_only(p) if tls_policy_document(p)

# METADATA
# title: S3 TLS-only bucket policy
# description: Every bucket policy denies requests that do not use TLS (aws:SecureTransport = false).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
# custom:
#   id: S3-003
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Attach an aws_s3_bucket_policy with a Deny statement on aws:SecureTransport = false.
tls_only_policy contains f if {
	some v in tls_only_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

tls_only_policy_violations contains v if {
	some b in buckets
	not has("aws_s3_bucket_policy", b)
	v := lib.violation(b, "bucket", sprintf("%s: bucket has no policy denying non-TLS requests", [b.address]))
}

tls_only_policy_violations contains v if {
	some p in lib.live("aws_s3_bucket_policy")
	not tls_only(p)
	lib.known(p, "policy")
	v := lib.violation(p, "policy", sprintf("%s: bucket policy does not deny aws:SecureTransport = false", [p.address]))
}

tls_only_policy_violations contains v if {
	some p in lib.live("aws_s3_bucket_policy")
	not tls_only(p)
	lib.unknown(p, "policy")
	v := lib.unknown_violation(p, "policy")
}

# --- artifacts bucket ---

artifact_bucket(b) if contains(lower(b.name), "artifact")

artifact_bucket(b) if {
	name := lib.after(b, "bucket")
	is_string(name)
	contains(lower(name), "artifact")
}

artifact_bucket(b) if {
	keys := pipeline_store_keys
	some k in lib.target_keys(b, ["bucket"])
	k in keys
}

pipeline_store_keys contains k if {
	some cp in lib.live("aws_codepipeline")
	some k in lib.link_keys(cp, ["artifact_store", 0, "location"])
}

# METADATA
# title: Artifacts bucket encrypted with KMS
# description: Build and pipeline artifacts (images, bundles, plans) are encrypted with a KMS key.
# related_resources:
#   - https://docs.aws.amazon.com/codepipeline/latest/userguide/S3-artifact-encryption.html
# custom:
#   id: S3-004
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Use sse_algorithm = "aws:kms" in the artifacts bucket's encryption configuration.
artifacts_kms contains f if {
	some v in artifacts_kms_violations
	f := lib.finding(rego.metadata.rule(), v)
}

artifacts_kms_violations contains v if {
	keys := artifact_keys
	some r in lib.live("aws_s3_bucket_server_side_encryption_configuration")
	lib.known(r, "rule")
	sse_algorithm(r) != "aws:kms"
	some k in lib.link_keys(r, "bucket")
	k in keys
	v := lib.violation(r, "rule", sprintf("%s: the artifacts bucket must use SSE-KMS (sse_algorithm = %v)", [r.address, sse_algorithm(r)]))
}

# Keys of the artifacts buckets.
artifact_keys contains k if {
	some b in buckets
	artifact_bucket(b)
	some k in bucket_keys(b)
}

# METADATA
# title: S3 versioning
# description: Buckets keep object versions so an overwrite or delete can be undone.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
# custom:
#   id: S3-005
#   severity: medium
#   remediation: Add an aws_s3_bucket_versioning with status = "Enabled".
versioning contains f if {
	some v in versioning_violations
	f := lib.finding(rego.metadata.rule(), v)
}

versioning_violations contains v if {
	some b in buckets
	not versioned(b)
	v := lib.violation(b, "bucket", sprintf("%s: bucket versioning is not enabled", [b.address]))
}

versioned(b) if {
	keys := enabled_versioning_keys
	some k in bucket_keys(b)
	k in keys
}

enabled_versioning_keys contains k if {
	some v in lib.live("aws_s3_bucket_versioning")
	lib.after(v, ["versioning_configuration", 0, "status"]) == "Enabled"
	some k in lib.link_keys(v, "bucket")
}
