# METADATA
# title: ECR
# description: Container images are scanned, encrypted and immutable.
package tfgate.aws.ecr

import rego.v1

import data.tfgate.lib

# METADATA
# title: ECR scan on push
# description: Images are scanned for known vulnerabilities when pushed.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html
# custom:
#   id: ECR-001
#   controls: ["ECR.1"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set image_scanning_configuration { scan_on_push = true }.
scan_on_push contains f if {
	some v in scan_on_push_violations
	f := lib.finding(rego.metadata.rule(), v)
}

scan_on_push_violations contains v if {
	some v in lib.require(["aws_ecr_repository"], ["image_scanning_configuration", 0, "scan_on_push"], true, "images must be scanned on push")
}

# METADATA
# title: ECR encryption at rest
# description: Repositories declare their encryption (AES256 or KMS) explicitly.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html
# custom:
#   id: ECR-002
#   controls: ["ECR.5"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set encryption_configuration { encryption_type = "KMS" } (or "AES256").
encryption contains f if {
	some v in encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

encryption_violations contains v if {
	some rc in lib.live("aws_ecr_repository")
	p := ["encryption_configuration", 0, "encryption_type"]
	lib.known(rc, p)
	not lib.after(rc, p) in {"AES256", "KMS"}
	v := lib.violation(rc, "encryption_configuration", sprintf("%s: repository must be encrypted at rest (encryption_type = %v)", [rc.address, lib.after(rc, p)]))
}

encryption_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_ecr_repository"), ["encryption_configuration", 0, "encryption_type"])
}

# METADATA
# title: ECR immutable tags
# description: A tag, once pushed, always names the same image, so a deployment is reproducible.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
# custom:
#   id: ECR-003
#   controls: ["ECR.2"]
#   severity: low
#   remediation: Set image_tag_mutability = "IMMUTABLE".
immutable_tags contains f if {
	some v in immutable_tags_violations
	f := lib.finding(rego.metadata.rule(), v)
}

immutable_tags_violations contains v if {
	some v in lib.require(["aws_ecr_repository"], "image_tag_mutability", "IMMUTABLE", "tags should be immutable")
}

repos := lib.live("aws_ecr_repository")

lifecycle_keys contains k if {
	some lp in lib.live("aws_ecr_lifecycle_policy")
	some k in lib.link_keys(lp, "repository")
}

lifecycle_unresolved if {
	some lp in lib.live("aws_ecr_lifecycle_policy")
	lib.unresolved_link(lp, "repository")
}

has_lifecycle(r) if {
	keys := lifecycle_keys
	some k in lib.target_keys(r, ["name"])
	k in keys
}

# METADATA
# title: ECR lifecycle policy
# description: Repositories expire old and untagged images, so storage (and the set of vulnerable images) does not grow forever.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html
# custom:
#   id: ECR-004
#   severity: low
#   controls: ["ECR.3"]
#   remediation: Add an aws_ecr_lifecycle_policy for the repository.
lifecycle contains f if {
	some v in lifecycle_violations
	f := lib.finding(rego.metadata.rule(), v)
}

lifecycle_violations contains v if {
	not lifecycle_unresolved
	some r in repos
	not has_lifecycle(r)
	v := lib.violation(r, "name", sprintf("%s: repository has no lifecycle policy", [r.address]))
}

lifecycle_violations contains v if {
	lifecycle_unresolved
	some r in repos
	not has_lifecycle(r)
	v := lib.unknown_violation(r, "name")
}
