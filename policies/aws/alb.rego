# METADATA
# title: ALB
# description: Load balancers (application, network, gateway and classic) are protected from deletion, terminate TLS 1.2+, log access and never serve plain HTTP.
package tfgate.aws.alb

import rego.v1

import data.tfgate.lib

lb_types := ["aws_lb", "aws_alb"]

listener_types := ["aws_lb_listener", "aws_alb_listener"]

# Every v2 load balancer, whatever its type.
lbs := lib.resources(lb_types)

classic := lib.live("aws_elb")

# Application load balancers (load_balancer_type defaults to application).
albs contains rc if {
	some t in lb_types
	some rc in lib.live(t)
	object.get(rc.change.after, "load_balancer_type", "application") in {"application", null}
}

listeners(protocol) := [l |
	some l in lib.resources(listener_types)
	lib.after(l, "protocol") == protocol
]

# METADATA
# title: Load balancer deletion protection
# description: Load balancers of every type (application, network, gateway) and their DNS names cannot be deleted by a mistaken apply.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#deletion-protection
# custom:
#   id: ALB-001
#   controls: ["ELB.6"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set enable_deletion_protection = true.
deletion_protection contains f if {
	some v in deletion_protection_violations
	f := lib.finding(rego.metadata.rule(), v)
}

deletion_protection_violations contains v if {
	some v in lib.require(lb_types, "enable_deletion_protection", true, "deletion protection must be enabled")
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
#   controls: ["ELB.17"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06".
tls_policy contains f if {
	some v in tls_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

# HTTPS (application) and TLS (network) listeners.
secure_listeners := array.concat(listeners("HTTPS"), listeners("TLS"))

tls_policy_violations contains v if {
	some l in secure_listeners
	lib.known(l, "ssl_policy")
	not tls12_policy(lib.after(l, "ssl_policy"))
	v := lib.violation(l, "ssl_policy", sprintf("%s: %s listener must use a TLS 1.2+ policy (ssl_policy = %v)", [l.address, lib.after(l, "protocol"), lib.after(l, "ssl_policy")]))
}

tls_policy_violations contains v if {
	some v in lib.unknown_violations(secure_listeners, "ssl_policy")
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
#   controls: ["ELB.1"]
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
	some v in lib.unknown_violations(listeners("HTTP"), "default_action")
}

# METADATA
# title: ALB drops invalid HTTP headers
# description: Invalid header fields are dropped at the load balancer (request smuggling defence).
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-attributes
# custom:
#   id: ALB-004
#   controls: ["ELB.4"]
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

drop_invalid_headers_violations contains v if {
	some v in lib.unknown_violations(albs, "drop_invalid_header_fields")
}

# METADATA
# title: Load balancer access logs
# description: Application and classic load balancers write access logs to S3 (who called what, from where) for incident response.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
# custom:
#   id: ALB-005
#   severity: medium
#   controls: ["ELB.5"]
#   remediation: Add access_logs { bucket = <log bucket>, enabled = true }.
access_logs contains f if {
	some v in access_logs_violations
	f := lib.finding(rego.metadata.rule(), v)
}

logged_lbs := array.concat([rc | some rc in albs], classic)

access_logs_violations contains v if {
	some rc in logged_lbs
	p := ["access_logs", 0, "enabled"]
	lib.known(rc, p)
	lib.after(rc, p) != true
	v := lib.violation(rc, "access_logs.enabled", sprintf("%s: access logs must be enabled", [rc.address]))
}

access_logs_violations contains v if {
	some v in lib.unknown_violations(logged_lbs, ["access_logs", 0, "enabled"])
}

# METADATA
# title: Load balancer desync mitigation
# description: HTTP desync mitigation stays defensive or strictest, so ambiguous requests (request smuggling) are not forwarded.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode
# custom:
#   id: ALB-006
#   severity: medium
#   controls: ["ELB.12", "ELB.14"]
#   remediation: Leave desync_mitigation_mode at "defensive" (the default) or set "strictest".
desync contains f if {
	some v in desync_violations
	f := lib.finding(rego.metadata.rule(), v)
}

desync_violations contains v if {
	some rc in logged_lbs
	lib.known(rc, "desync_mitigation_mode")
	mode := lib.after(rc, "desync_mitigation_mode")
	not mode in {"defensive", "strictest", null}
	v := lib.violation(rc, "desync_mitigation_mode", sprintf("%s: desync mitigation must be defensive or strictest (desync_mitigation_mode = %v)", [rc.address, mode]))
}

desync_violations contains v if {
	some v in lib.unknown_violations(logged_lbs, "desync_mitigation_mode")
}

# METADATA
# title: Classic load balancer listeners encrypted
# description: Classic load balancers only accept HTTPS or SSL on their front-end listeners.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-create-https-ssl-load-balancer.html
# custom:
#   id: ALB-007
#   severity: high
#   controls: ["ELB.3"]
#   remediation: Use lb_protocol = "HTTPS" (or "SSL") with an ACM certificate, or move to an application load balancer.
classic_tls contains f if {
	some v in classic_tls_violations
	f := lib.finding(rego.metadata.rule(), v)
}

classic_tls_violations contains v if {
	some rc in classic
	lib.known(rc, "listener")
	some l in lib.list(lib.after(rc, "listener"))
	not upper(l.lb_protocol) in {"HTTPS", "SSL"}
	v := lib.violation(rc, "listener.lb_protocol", sprintf("%s: listener on port %v uses %s, not HTTPS/SSL", [rc.address, l.lb_port, l.lb_protocol]))
}

classic_tls_violations contains v if {
	some v in lib.unknown_violations(classic, "listener")
}

# METADATA
# title: Classic load balancer connection draining
# description: In-flight requests complete before an instance is deregistered.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-conn-drain.html
# custom:
#   id: ALB-008
#   severity: low
#   controls: ["ELB.7"]
#   remediation: Set connection_draining = true.
classic_draining contains f if {
	some v in classic_draining_violations
	f := lib.finding(rego.metadata.rule(), v)
}

classic_draining_violations contains v if {
	some v in lib.require(["aws_elb"], "connection_draining", true, "connection draining must be enabled")
}

# METADATA
# title: Classic load balancer cross-zone balancing
# description: Requests are spread over the instances of every zone, so losing a zone does not overload the other.
# related_resources:
#   - https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html
# custom:
#   id: ALB-009
#   severity: medium
#   controls: ["ELB.9"]
#   remediation: Set cross_zone_load_balancing = true (the default).
classic_cross_zone contains f if {
	some v in classic_cross_zone_violations
	f := lib.finding(rego.metadata.rule(), v)
}

classic_cross_zone_violations contains v if {
	some v in lib.require(["aws_elb"], "cross_zone_load_balancing", true, "cross-zone load balancing must be enabled")
}
