# METADATA
# title: ALB
# description: Application load balancers terminate TLS 1.2+ and never serve plain HTTP.
package tfgate.aws.alb

import rego.v1

import data.tfgate.lib

lb_types := ["aws_lb", "aws_alb"]

listener_types := ["aws_lb_listener", "aws_alb_listener"]

# Application load balancers (load_balancer_type defaults to application).
albs contains rc if {
	some t in lb_types
	some rc in lib.live(t)
	object.get(rc.change.after, "load_balancer_type", "application") in {"application", null}
}

listeners(protocol) := [l |
	some t in listener_types
	some l in lib.live(t)
	lib.after(l, "protocol") == protocol
]

# METADATA
# title: ALB deletion protection
# description: The production load balancer (and its DNS name) cannot be deleted by a mistaken apply.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection
# custom:
#   id: ALB-001
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set enable_deletion_protection = true.
deletion_protection contains f if {
	some v in deletion_protection_violations
	f := lib.finding(rego.metadata.rule(), v)
}

deletion_protection_violations contains v if {
	some rc in albs
	lib.known(rc, "enable_deletion_protection")
	lib.after(rc, "enable_deletion_protection") != true
	v := lib.violation(rc, "enable_deletion_protection", sprintf("%s: deletion protection must be enabled (enable_deletion_protection = %v)", [rc.address, lib.after(rc, "enable_deletion_protection")]))
}

deletion_protection_violations contains v if {
	some rc in albs
	lib.unknown(rc, "enable_deletion_protection")
	v := lib.unknown_violation(rc, "enable_deletion_protection")
}

# TLS 1.2+ policies of ELB (the TLS13 ones also allow 1.2 only as a floor).
tls12_policy(p) if {
	is_string(p)
	some prefix in ["ELBSecurityPolicy-TLS13-1-2", "ELBSecurityPolicy-TLS13-1-3", "ELBSecurityPolicy-TLS-1-2", "ELBSecurityPolicy-FS-1-2"]
	startswith(p, prefix)
}

# METADATA
# title: HTTPS listener uses TLS 1.2 or later
# description: HTTPS listeners use an ELB security policy whose minimum protocol is TLS 1.2.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
# custom:
#   id: ALB-002
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06".
tls_policy contains f if {
	some v in tls_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

tls_policy_violations contains v if {
	some l in listeners("HTTPS")
	lib.known(l, "ssl_policy")
	not tls12_policy(lib.after(l, "ssl_policy"))
	v := lib.violation(l, "ssl_policy", sprintf("%s: HTTPS listener must use a TLS 1.2+ policy (ssl_policy = %v)", [l.address, lib.after(l, "ssl_policy")]))
}

tls_policy_violations contains v if {
	some l in listeners("HTTPS")
	lib.unknown(l, "ssl_policy")
	v := lib.unknown_violation(l, "ssl_policy")
}

redirects_to_https(l) if {
	some a in lib.after(l, "default_action")
	a.type == "redirect"
	a.redirect[0].protocol == "HTTPS"
}

# METADATA
# title: HTTP listener redirects to HTTPS
# description: Plain HTTP listeners only redirect to HTTPS; they never forward traffic.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html#redirect-actions
# custom:
#   id: ALB-003
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Give the HTTP listener a default_action of type "redirect" with protocol "HTTPS" and status_code "HTTP_301".
http_redirect contains f if {
	some v in http_redirect_violations
	f := lib.finding(rego.metadata.rule(), v)
}

http_redirect_violations contains v if {
	some l in listeners("HTTP")
	lib.known(l, "default_action")
	not redirects_to_https(l)
	v := lib.violation(l, "default_action", sprintf("%s: HTTP listener must redirect to HTTPS", [l.address]))
}

http_redirect_violations contains v if {
	some l in listeners("HTTP")
	lib.unknown(l, "default_action")
	v := lib.unknown_violation(l, "default_action")
}

# METADATA
# title: ALB drops invalid HTTP headers
# description: Invalid header fields are dropped at the load balancer (request smuggling defence).
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes
# custom:
#   id: ALB-004
#   severity: medium
#   remediation: Set drop_invalid_header_fields = true.
drop_invalid_headers contains f if {
	some v in drop_invalid_headers_violations
	f := lib.finding(rego.metadata.rule(), v)
}

drop_invalid_headers_violations contains v if {
	some rc in albs
	lib.known(rc, "drop_invalid_header_fields")
	lib.after(rc, "drop_invalid_header_fields") != true
	v := lib.violation(rc, "drop_invalid_header_fields", sprintf("%s: invalid header fields must be dropped", [rc.address]))
}
