# METADATA
# title: WAF
# description: Every internet-facing ALB sits behind a WAFv2 web ACL with rate limiting and AWS managed rules.
package tfgate.aws.waf

import rego.v1

import data.tfgate.aws.alb
import data.tfgate.lib

# internal unknown until apply, or null (the default), is internet-facing:
# the safe reading for an exposure control.
internet_facing contains rc if {
	some rc in alb.albs
	not is_internal(rc)
}

is_internal(rc) if {
	lib.known(rc, "internal")
	lib.after(rc, "internal") == true
}

# What the web ACL associations point at.
associated_keys contains k if {
	some a in lib.live("aws_wafv2_web_acl_association")
	some k in lib.link_keys(a, "resource_arn")
}

associated(lb) if {
	keys := associated_keys
	some k in lib.target_keys(lb, ["arn"])
	k in keys
}

# METADATA
# title: WAF web ACL associated with every internet-facing ALB
# description: Internet-facing load balancers have an aws_wafv2_web_acl_association (matched by ARN, or by reference when the ARN is unknown until apply).
# related_resources:
#   - https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
# custom:
#   id: WAF-001
#   controls: ["ELB.16"]
#   severity: critical
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add an aws_wafv2_web_acl_association with resource_arn = the ALB's arn.
association contains f if {
	some v in association_violations
	f := lib.finding(rego.metadata.rule(), v)
}

association_violations contains v if {
	not association_unresolved
	some lb in internet_facing
	not associated(lb)
	v := lib.violation(lb, "internal", sprintf("%s: internet-facing load balancer has no WAF web ACL association", [lb.address]))
}

# An association whose target cannot be determined before apply.
association_unresolved if {
	some a in lib.live("aws_wafv2_web_acl_association")
	lib.unresolved_link(a, "resource_arn")
}

association_violations contains v if {
	association_unresolved
	some lb in internet_facing
	not associated(lb)
	v := lib.unknown_violation(lb, "internal")
}

acls := lib.live("aws_wafv2_web_acl")

has_statement(acl, kind) if {
	some r in lib.after(acl, "rule")
	some st in r.statement
	is_object(st)
	count(lib.list(object.get(st, kind, []))) > 0
}

# METADATA
# title: WAF web ACL has a rate-based rule
# description: A rate-based rule throttles floods from a single client IP.
# related_resources:
#   - https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
# custom:
#   id: WAF-002
#   controls: ["WAF.10"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add a rule with a rate_based_statement (limit, aggregate_key_type = "IP").
rate_rule contains f if {
	some v in rate_rule_violations
	f := lib.finding(rego.metadata.rule(), v)
}

rate_rule_violations contains v if {
	some acl in acls
	lib.known(acl, "rule")
	not has_statement(acl, "rate_based_statement")
	v := lib.violation(acl, "rule", sprintf("%s: web ACL has no rate-based rule", [acl.address]))
}

rate_rule_violations contains v if {
	some v in lib.unknown_violations(acls, "rule")
}

# METADATA
# title: WAF web ACL uses AWS managed rule groups
# description: AWS managed rule groups (e.g. AWSManagedRulesCommonRuleSet) cover the OWASP top risks.
# related_resources:
#   - https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-list.html
# custom:
#   id: WAF-003
#   controls: ["WAF.10"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Add rules with managed_rule_group_statement for AWSManagedRulesCommonRuleSet and AWSManagedRulesKnownBadInputsRuleSet.
managed_rules contains f if {
	some v in managed_rules_violations
	f := lib.finding(rego.metadata.rule(), v)
}

managed_rules_violations contains v if {
	some acl in acls
	lib.known(acl, "rule")
	not has_statement(acl, "managed_rule_group_statement")
	v := lib.violation(acl, "rule", sprintf("%s: web ACL has no AWS managed rule group", [acl.address]))
}

managed_rules_violations contains v if {
	some v in lib.unknown_violations(acls, "rule")
}

logging_keys contains k if {
	some c in lib.live("aws_wafv2_web_acl_logging_configuration")
	some k in lib.link_keys(c, "resource_arn")
}

logging_unresolved if {
	some c in lib.live("aws_wafv2_web_acl_logging_configuration")
	lib.unresolved_link(c, "resource_arn")
}

logged(acl) if {
	keys := logging_keys
	some k in lib.target_keys(acl, ["arn"])
	k in keys
}

# METADATA
# title: WAF web ACL logging
# description: Web ACL traffic (blocked and allowed requests) is logged for incident response and rule tuning.
# related_resources:
#   - https://docs.aws.amazon.com/waf/latest/developerguide/logging.html
# custom:
#   id: WAF-004
#   severity: medium
#   controls: ["WAF.11"]
#   remediation: Add an aws_wafv2_web_acl_logging_configuration for the web ACL (CloudWatch Logs group named aws-waf-logs-*).
logging contains f if {
	some v in logging_violations
	f := lib.finding(rego.metadata.rule(), v)
}

logging_violations contains v if {
	not logging_unresolved
	some acl in acls
	not logged(acl)
	v := lib.violation(acl, "name", sprintf("%s: web ACL has no logging configuration", [acl.address]))
}

logging_violations contains v if {
	logging_unresolved
	some acl in acls
	not logged(acl)
	v := lib.unknown_violation(acl, "name")
}
