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
	"aws_s3_bucket_policy", "aws_s3_bucket_versioning", "aws_s3_bucket_logging",
	"aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_ownership_controls",
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

# The keys of every live bucket, once for all the rules that look them up
# (six settings, each over every bucket).
key_sets := [bucket_keys(b) | some b in buckets]

# has(t, i): buckets[i] has a live resource of type t configuring it.
has(t, i) if {
	keys := settings_keys
	some k in key_sets[i]
	[t, k] in keys
}

# unresolved(t): some resource of type t points at a bucket that cannot be
# determined before apply: a bucket without a resolved t is then unknown,
# not missing.
unresolved contains t if {
	some t in attach_types
	some r in lib.live(t)
	lib.unresolved_link(r, "bucket")
}

# missing(t, msg): buckets with no resource of type t, as violations (or
# unknown when a resource of type t cannot be linked before apply).
missing(t, msg) := {v |
	not t in unresolved
	some i, b in buckets
	not has(t, i)
	v := lib.violation(b, "bucket", sprintf("%s: %s", [b.address, msg]))
} | {v |
	t in unresolved
	some i, b in buckets
	not has(t, i)
	v := lib.unknown_violation(b, "bucket")
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
#   controls: ["S3.1", "S3.8", "CIS 2.1.4"]
#   severity: critical
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add an aws_s3_bucket_public_access_block for the bucket with all four flags true.
public_access_block contains f if {
	some v in public_access_block_violations
	f := lib.finding(rego.metadata.rule(), v)
}

public_access_block_violations contains v if {
	not account_pab_complete
	some v in missing("aws_s3_bucket_public_access_block", "bucket has no aws_s3_bucket_public_access_block")
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
#   controls: ["S3.4"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add an aws_s3_bucket_server_side_encryption_configuration for the bucket.
encryption contains f if {
	some v in encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

encryption_violations contains v if {
	some v in missing("aws_s3_bucket_server_side_encryption_configuration", "bucket has no server-side encryption configuration")
}

encryption_violations contains v if {
	some r in lib.live("aws_s3_bucket_server_side_encryption_configuration")
	lib.known(r, "rule")
	not sse_algorithm(r) in {"AES256", "aws:kms", "aws:kms:dsse"}
	v := lib.violation(r, "rule", sprintf("%s: no default encryption algorithm (sse_algorithm = %v)", [r.address, sse_algorithm(r)]))
}

encryption_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_s3_bucket_server_side_encryption_configuration"), "rule")
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

# The policy is jsonencode({...}) with ARNs unknown until apply: the gate
# passes the object written in the configuration.
tls_only(p) if {
	lib.unknown(p, "policy")
	some st in statements(lib.config_document(p, "policy"))
	deny_insecure(st)
}

# METADATA
# title: S3 TLS-only bucket policy
# description: Every bucket policy denies requests that do not use TLS (aws:SecureTransport = false).
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
# custom:
#   id: S3-003
#   controls: ["S3.5", "CIS 2.1.1"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Attach an aws_s3_bucket_policy with a Deny statement on aws:SecureTransport = false.
tls_only_policy contains f if {
	some v in tls_only_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

tls_only_policy_violations contains v if {
	some v in missing("aws_s3_bucket_policy", "bucket has no policy denying non-TLS requests")
}

tls_only_policy_violations contains v if {
	some p in lib.live("aws_s3_bucket_policy")
	not tls_only(p)
	lib.known(p, "policy")
	v := lib.violation(p, "policy", sprintf("%s: bucket policy does not deny aws:SecureTransport = false", [p.address]))
}

tls_only_policy_violations contains v if {
	some v in lib.unknown_violations([p | some p in lib.live("aws_s3_bucket_policy"); not tls_only(p)], "policy")
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
#   controls: ["S3.17"]
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
	not sse_algorithm(r) in {"aws:kms", "aws:kms:dsse"}
	some k in lib.link_keys(r, "bucket")
	k in keys
	v := lib.violation(r, "rule", sprintf("%s: the artifacts bucket must use SSE-KMS (sse_algorithm = %v)", [r.address, sse_algorithm(r)]))
}

artifacts_kms_violations contains v if {
	keys := artifact_keys
	some v in lib.unknown_violations(
		[r |
			some r in lib.live("aws_s3_bucket_server_side_encryption_configuration")
			some k in lib.link_keys(r, "bucket")
			k in keys
		],
		"rule",
	)
}

# Keys of the artifacts buckets.
artifact_keys contains k if {
	some b in buckets
	artifact_bucket(b)
	some k in bucket_keys(b)
}

# METADATA
# title: S3 versioning
# description: Buckets keep object versions so an overwrite or delete can be undone; without them every overwritten object is lost, a data-loss risk of the same class as missing backups.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
# custom:
#   id: S3-005
#   severity: high
#   controls: ["S3.14"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }.
versioning contains f if {
	some v in versioning_violations
	f := lib.finding(rego.metadata.rule(), v)
}

versioning_violations contains v if {
	some v in missing("aws_s3_bucket_versioning", "bucket versioning is not enabled")
}

# A versioning resource that exists but does not enable it.
versioning_violations contains v if {
	some r in lib.live("aws_s3_bucket_versioning")
	p := ["versioning_configuration", 0, "status"]
	lib.known(r, p)
	lib.after(r, p) != "Enabled"
	v := lib.violation(r, "versioning_configuration.status", sprintf("%s: versioning must be Enabled (status = %v)", [r.address, lib.after(r, p)]))
}

versioning_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_s3_bucket_versioning"), ["versioning_configuration", 0, "status"])
}

# METADATA
# title: S3 server access logging
# description: Requests to a bucket are logged to another bucket for audits and incident response.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
# custom:
#   id: S3-006
#   severity: low
#   controls: ["S3.9"]
#   remediation: Add an aws_s3_bucket_logging pointing at a log bucket.
access_logging contains f if {
	some v in access_logging_violations
	f := lib.finding(rego.metadata.rule(), v)
}

# A bucket that is itself a log target does not log into itself.
access_logging_violations contains v if {
	some v in missing("aws_s3_bucket_logging", "bucket has no server access logging")
	not v.address in log_targets
}

# Addresses of the buckets other resources write logs to (a set built
# once: looking each violation's bucket up again would be quadratic).
log_targets contains b.address if {
	keys := log_target_keys
	some b in buckets
	some k in bucket_keys(b)
	k in keys
}

log_target_keys contains k if {
	some r in lib.live("aws_s3_bucket_logging")
	some k in lib.link_keys(r, "target_bucket")
}

log_target_keys contains k if {
	some lb in lib.resources(["aws_lb", "aws_alb"])
	some k in lib.link_keys(lb, ["access_logs", 0, "bucket"])
}

# METADATA
# title: S3 lifecycle configuration
# description: Buckets expire or transition old objects and noncurrent versions, so versioning does not grow storage forever.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
# custom:
#   id: S3-007
#   severity: low
#   controls: ["S3.10", "S3.13"]
#   remediation: Add an aws_s3_bucket_lifecycle_configuration (noncurrent_version_expiration at least).
lifecycle contains f if {
	some v in lifecycle_violations
	f := lib.finding(rego.metadata.rule(), v)
}

lifecycle_violations contains v if {
	some v in missing("aws_s3_bucket_lifecycle_configuration", "bucket has no lifecycle configuration")
}

public_acls := {"public-read", "public-read-write", "authenticated-read"}

# METADATA
# title: S3 bucket ACL not public
# description: No bucket grants read or write to everyone (or every AWS account) through a canned ACL or a grant.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
# custom:
#   id: S3-008
#   severity: critical
#   controls: ["S3.2", "S3.3"]
#   enforcement: {dev: deny, staging: deny, production: deny}
#   remediation: Remove the public ACL; keep object ownership BucketOwnerEnforced and share through CloudFront or a bucket policy.
public_acl contains f if {
	some v in public_acl_violations
	f := lib.finding(rego.metadata.rule(), v)
}

acl_types := ["aws_s3_bucket_acl", "aws_s3_bucket"]

public_acl_violations contains v if {
	some rc in lib.resources(acl_types)
	lib.known(rc, "acl")
	acl := lib.after(rc, "acl")
	acl in public_acls
	v := lib.violation(rc, "acl", sprintf("%s: canned ACL %s makes the bucket public", [rc.address, acl]))
}

all_users_uris := {"http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}

public_acl_violations contains v if {
	some rc in lib.live("aws_s3_bucket_acl")
	lib.known(rc, "access_control_policy")
	some acp in lib.list(lib.after(rc, "access_control_policy"))
	some g in lib.list(acp.grant)
	some grantee in lib.list(g.grantee)
	grantee.uri in all_users_uris
	v := lib.violation(rc, "access_control_policy", sprintf("%s: grants %s to %s", [rc.address, g.permission, grantee.uri]))
}

public_acl_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_s3_bucket_acl"), "acl")
}

# METADATA
# title: S3 ACLs disabled
# description: Object ownership is BucketOwnerEnforced, so ACLs (a second, easily overlooked permission system) play no part.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
# custom:
#   id: S3-009
#   severity: medium
#   controls: ["S3.12"]
#   remediation: Add an aws_s3_bucket_ownership_controls with rule { object_ownership = "BucketOwnerEnforced" }.
acls_disabled contains f if {
	some v in acls_disabled_violations
	f := lib.finding(rego.metadata.rule(), v)
}

# Buckets created since April 2023 default to BucketOwnerEnforced; only an
# ownership control that re-enables ACLs is a violation.
acls_disabled_violations contains v if {
	some r in lib.live("aws_s3_bucket_ownership_controls")
	p := ["rule", 0, "object_ownership"]
	lib.known(r, p)
	lib.after(r, p) != "BucketOwnerEnforced"
	v := lib.violation(r, "rule.object_ownership", sprintf("%s: object ownership %v re-enables ACLs", [r.address, lib.after(r, p)]))
}

acls_disabled_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_s3_bucket_ownership_controls"), ["rule", 0, "object_ownership"])
}
