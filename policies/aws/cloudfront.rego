# METADATA
# title: CloudFront
# description: Distributions serve viewers over HTTPS only, with TLS 1.2+.
package tfgate.aws.cloudfront

import rego.v1

import data.tfgate.lib

distributions := lib.live("aws_cloudfront_distribution")

behaviors(rc) := array.concat(
	[["default_cache_behavior", b] | some b in lib.after(rc, "default_cache_behavior")],
	[["ordered_cache_behavior", b] | some b in lib.list(object.get(rc.change.after, "ordered_cache_behavior", []))],
)

# METADATA
# title: CloudFront viewers use HTTPS only
# description: Every cache behavior redirects HTTP to HTTPS or refuses it.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html
# custom:
#   id: CF-001
#   controls: ["CloudFront.3"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set viewer_protocol_policy = "redirect-to-https" (or "https-only") on every cache behavior.
viewer_https contains f if {
	some v in viewer_https_violations
	f := lib.finding(rego.metadata.rule(), v)
}

viewer_https_violations contains v if {
	some rc in distributions
	some [block, b] in behaviors(rc)
	is_string(b.viewer_protocol_policy)
	not b.viewer_protocol_policy in {"redirect-to-https", "https-only"}
	v := lib.violation(rc, sprintf("%s.viewer_protocol_policy", [block]), sprintf("%s: %s must not allow plain HTTP (viewer_protocol_policy = %v)", [rc.address, block, b.viewer_protocol_policy]))
}

viewer_https_violations contains v if {
	some v in lib.unknown_violations(distributions, ["default_cache_behavior", 0, "viewer_protocol_policy"])
}

# METADATA
# title: CloudFront minimum TLS 1.2
# description: A distribution with its own certificate requires TLS 1.2 or later from viewers.
# related_resources:
#   - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
# custom:
#   id: CF-002
#   controls: ["CKV_AWS_174"]
#   severity: medium
#   remediation: Set viewer_certificate { minimum_protocol_version = "TLSv1.2_2021" }.
viewer_tls contains f if {
	some v in viewer_tls_violations
	f := lib.finding(rego.metadata.rule(), v)
}

viewer_tls_violations contains v if {
	some rc in distributions
	lib.known(rc, ["viewer_certificate", 0, "minimum_protocol_version"])
	some vc in lib.after(rc, "viewer_certificate")
	lib.get(vc, "cloudfront_default_certificate", false) != true
	not tls12(vc.minimum_protocol_version)
	v := lib.violation(rc, "viewer_certificate.minimum_protocol_version", sprintf("%s: viewers must use TLS 1.2+ (minimum_protocol_version = %v)", [rc.address, vc.minimum_protocol_version]))
}

viewer_tls_violations contains v if {
	some v in lib.unknown_violations(distributions, ["viewer_certificate", 0, "minimum_protocol_version"])
}

tls12(v) if {
	is_string(v)
	startswith(v, "TLSv1.2")
}
