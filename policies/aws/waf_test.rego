package tfgate.test.aws.waf

import rego.v1

import data.tfgate.aws.waf
import data.tfgate.fixtures as fx

lb(internal) := fx.rc("aws_lb", "main", {"arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/main/1", "internal": internal})

assoc(arn) := fx.rc("aws_wafv2_web_acl_association", "main", {"resource_arn": arn, "web_acl_arn": "arn:acl"})

acl(rules) := fx.rc("aws_wafv2_web_acl", "main", {"rule": rules})

rate_rule := {"name": "rate", "statement": [{"rate_based_statement": [{"limit": 2000, "aggregate_key_type": "IP"}]}]}

managed_rule := {"name": "common", "statement": [{"managed_rule_group_statement": [{"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS"}]}]}

test_associated_by_known_arn if {
	count(waf.association) == 0 with input as fx.plan([lb(false), assoc("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/main/1")])
}

test_association_removed if {
	some f in waf.association with input as fx.plan([lb(false)])
	f.id == "WAF-001"
	f.address == "aws_lb.main"
}

test_association_to_other_alb if {
	some f in waf.association with input as fx.plan([lb(false), assoc("arn:other")])
	f.address == "aws_lb.main"
}

test_internal_alb_needs_no_waf if {
	count(waf.association) == 0 with input as fx.plan([lb(true)])
}

# New ALB: its ARN is unknown until apply; the association is matched by
# its configuration reference.
unknown_arn_plan(refs) := fx.with_config(
	[
		fx.rc_unknown("aws_lb", "main", {"internal": false}, {"arn": true}),
		fx.rc_unknown("aws_wafv2_web_acl_association", "main", {}, {"resource_arn": true, "web_acl_arn": true}),
	],
	[{"address": "aws_wafv2_web_acl_association.main", "expressions": {"resource_arn": {"references": refs}}}],
)

test_associated_by_reference if {
	count(waf.association) == 0 with input as unknown_arn_plan(["aws_lb.main.arn", "aws_lb.main"])
}

test_reference_to_other_alb if {
	some f in waf.association with input as unknown_arn_plan(["aws_lb.internal.arn", "aws_lb.internal"])
	f.address == "aws_lb.main"
}

# Resources in a module: configuration is looked up in module_calls.
test_associated_by_reference_in_module if {
	lb_rc := object.union(fx.rc_unknown("aws_lb", "main", {"internal": false}, {"arn": true}), {"address": "module.edge.aws_lb.main[0]", "module_address": "module.edge", "index": 0})
	as_rc := object.union(fx.rc_unknown("aws_wafv2_web_acl_association", "main", {}, {"resource_arn": true}), {"address": "module.edge.aws_wafv2_web_acl_association.main", "module_address": "module.edge"})
	p := {
		"resource_changes": [lb_rc, as_rc],
		"configuration": {"root_module": {"module_calls": {"edge": {"module": {"resources": [{
			"address": "aws_wafv2_web_acl_association.main",
			"expressions": {"resource_arn": {"references": ["aws_lb.main[0].arn", "aws_lb.main[0]", "aws_lb.main"]}},
		}]}}}}},
	}
	count(waf.association) == 0 with input as p
}

test_acl_complete if {
	count(waf.rate_rule | waf.managed_rules) == 0 with input as fx.plan([acl([rate_rule, managed_rule])])
}

test_acl_without_rate_rule if {
	some f in waf.rate_rule with input as fx.plan([acl([managed_rule])])
	f.id == "WAF-002"
}

test_acl_without_managed_rules if {
	some f in waf.managed_rules with input as fx.plan([acl([rate_rule])])
	f.id == "WAF-003"
}

test_acl_rules_unknown if {
	p := fx.plan([fx.rc_unknown("aws_wafv2_web_acl", "main", {}, {"rule": true})])
	some f in waf.rate_rule with input as p
	f.unknown
	some g in waf.managed_rules with input as p
	g.unknown
}
