package tfgate.test.aws.alb

import rego.v1

import data.tfgate.aws.alb
import data.tfgate.fixtures as fx

lb(over) := fx.rc("aws_lb", "main", object.union(
	{
		"load_balancer_type": "application", "internal": false,
		"enable_deletion_protection": true, "drop_invalid_header_fields": true,
	},
	over,
))

https(policy) := fx.rc("aws_lb_listener", "https", {"protocol": "HTTPS", "port": 443, "ssl_policy": policy, "default_action": [{"type": "forward"}]})

http(action) := fx.rc("aws_lb_listener", "http", {"protocol": "HTTP", "port": 80, "default_action": [action]})

redirect := {"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]}

test_good_alb_passes if {
	p := fx.plan([lb({}), https("ELBSecurityPolicy-TLS13-1-2-2021-06"), http(redirect)])
	count((((alb.deletion_protection | alb.tls_policy) | alb.http_redirect) | alb.drop_invalid_headers)) == 0 with input as p
}

test_deletion_protection_off if {
	some f in alb.deletion_protection with input as fx.plan([lb({"enable_deletion_protection": false})])
	f.id == "ALB-001"
	f.address == "aws_lb.main"
}

test_deletion_protection_unknown if {
	p := fx.plan([fx.rc_unknown("aws_lb", "main", {}, {"enable_deletion_protection": true})])
	some f in alb.deletion_protection with input as p
	f.unknown
}

test_network_lb_deletion_protection_checked if {
	some f in alb.deletion_protection with input as fx.plan([lb({"load_balancer_type": "network", "enable_deletion_protection": false})])
	f.id == "ALB-001"
}

test_gateway_lb_protected_passes if {
	count(alb.deletion_protection) == 0 with input as fx.plan([lb({"load_balancer_type": "gateway", "enable_deletion_protection": true})])
}

test_old_tls_policy if {
	some f in alb.tls_policy with input as fx.plan([https("ELBSecurityPolicy-2016-08")])
	f.id == "ALB-002"
	f.attribute == "ssl_policy"
}

test_tls_policies_accepted if {
	every p in ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-FS-1-2-Res-2020-10"] {
		count(alb.tls_policy) == 0 with input as fx.plan([https(p)])
	}
}

test_tls_policy_unknown if {
	p := fx.plan([fx.rc_unknown("aws_lb_listener", "https", {"protocol": "HTTPS"}, {"ssl_policy": true})])
	some f in alb.tls_policy with input as p
	f.unknown
}

test_http_forward if {
	some f in alb.http_redirect with input as fx.plan([http({"type": "forward"})])
	f.id == "ALB-003"
	f.address == "aws_lb_listener.http"
}

test_http_unknown_action if {
	p := fx.plan([fx.rc_unknown("aws_lb_listener", "http", {"protocol": "HTTP"}, {"default_action": true})])
	some f in alb.http_redirect with input as p
	f.unknown
}

test_invalid_headers_kept if {
	some f in alb.drop_invalid_headers with input as fx.plan([lb({"drop_invalid_header_fields": false})])
	f.id == "ALB-004"
}
