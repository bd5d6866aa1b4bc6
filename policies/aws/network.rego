# METADATA
# title: Network
# description: Only the load balancer is reachable from the internet, on 80/443; VPC traffic is logged.
package tfgate.aws.network

import rego.v1

import data.tfgate.aws.alb
import data.tfgate.lib

world := {"0.0.0.0/0", "::/0"}

groups := lib.live("aws_security_group")

# Security groups attached to an application load balancer.
alb_group(sg) if {
	keys := alb_group_keys
	some k in lib.target_keys(sg, ["id"])
	k in keys
}

alb_group_keys contains k if {
	some lb in alb.albs
	some k in lib.link_keys(lb, "security_groups")
}

# Keys under which the ALB's security groups can be pointed at.
alb_group_target_keys contains k if {
	some sg in groups
	alb_group(sg)
	some k in lib.target_keys(sg, ["id"])
}

# on_alb_group(rule): a standalone rule belongs to an ALB security group.
on_alb_group(rule) if {
	keys := alb_group_target_keys
	some k in lib.link_keys(rule, "security_group_id")
	k in keys
}

is_alb_group(sg) if alb_group(sg)

else := false

is_alb_rule(rule) if on_alb_group(rule)

else := false

web_port(r) if {
	r.from_port == r.to_port
	r.from_port in {80, 443}
	is_string(r.protocol)
	lower(r.protocol) in {"tcp", "6"}
}

open_to_world(r) if {
	is_object(r)
	some c in array.concat(lib.list(object.get(r, "cidr_blocks", [])), lib.list(object.get(r, "ipv6_cidr_blocks", [])))
	c in world
}

# open_ingress holds [resource, on the ALB's group, rule, attribute]: the
# attribute is an argument of that resource type, so source mapping lands on
# the line that opens the rule to the world.

# Inline ingress blocks of aws_security_group.
open_ingress contains [sg, is_alb_group(sg), r, "ingress"] if {
	some sg in groups
	some r in lib.after(sg, "ingress")
	open_to_world(r)
}

# aws_security_group_rule (type = ingress).
open_ingress contains [rule, is_alb_rule(rule), r, world_attribute(r, "cidr_blocks", "ipv6_cidr_blocks")] if {
	some rule in lib.live("aws_security_group_rule")
	r := rule.change.after
	r.type == "ingress"
	open_to_world(r)
}

# aws_vpc_security_group_ingress_rule (one CIDR per rule).
open_ingress contains [rule, is_alb_rule(rule), r, world_attribute(a, "cidr_ipv4", "cidr_ipv6")] if {
	some rule in lib.live("aws_vpc_security_group_ingress_rule")
	a := rule.change.after
	some c in [object.get(a, "cidr_ipv4", null), object.get(a, "cidr_ipv6", null)]
	c in world
	r := {"from_port": a.from_port, "to_port": a.to_port, "protocol": a.ip_protocol}
}

# world_attribute(a, v4, v6): which of the two CIDR arguments (lists, or
# one CIDR each) admits the internet; v4 when both do.
world_attribute(a, v4, v6) := v4 if {
	world_value(object.get(a, v4, null))
} else := v6

world_value(x) if x in world

world_value(x) if {
	is_array(x)
	some c in x
	c in world
}

# METADATA
# title: Internet ingress only to the ALB on 80/443
# description: Security group ingress from 0.0.0.0/0 or ::/0 is allowed only on the load balancer's group, TCP 80 and 443.
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
# custom:
#   id: NET-001
#   severity: critical
#   enforcement: {dev: warn, staging: deny, production: deny}
#   remediation: Restrict the CIDR to the VPC or reference the ALB security group instead of 0.0.0.0/0.
open_ingress_rule contains f if {
	some v in open_ingress_rule_violations
	f := lib.finding(rego.metadata.rule(), v)
}

open_ingress_rule_violations contains v if {
	some [subject, on_alb, r, attr] in open_ingress
	not allowed(on_alb, r)
	v := lib.violation(subject, attr, sprintf("%s: ingress from the internet on %v-%v/%v is only allowed to the ALB on 80/443", [subject.address, r.from_port, r.to_port, r.protocol]))
}

allowed(on_alb, r) if {
	on_alb == true
	web_port(r)
}

# METADATA
# title: VPC flow logs
# description: Each VPC records its traffic (flow logs) for incident response.
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
# custom:
#   id: NET-002
#   severity: medium
#   remediation: Add an aws_flow_log with vpc_id = the VPC's id.
flow_logs contains f if {
	some v in flow_logs_violations
	f := lib.finding(rego.metadata.rule(), v)
}

flow_logs_violations contains v if {
	some vpc in lib.live("aws_vpc")
	not flow_logged(vpc)
	v := lib.violation(vpc, "id", sprintf("%s: VPC has no flow log", [vpc.address]))
}

flow_logged(vpc) if {
	keys := flow_log_keys
	some k in lib.target_keys(vpc, ["id"])
	k in keys
}

flow_log_keys contains k if {
	some fl in lib.live("aws_flow_log")
	some k in lib.link_keys(fl, "vpc_id")
}
