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
	some lb in alb.albs
	lib.links(lb, "security_groups", sg, "id")
}

web_port(r) if {
	r.from_port == r.to_port
	r.from_port in {80, 443}
	lower(r.protocol) in {"tcp", "6"}
}

open_to_world(r) if {
	some c in array.concat(lib.list(object.get(r, "cidr_blocks", [])), lib.list(object.get(r, "ipv6_cidr_blocks", [])))
	c in world
}

# Inline ingress blocks of aws_security_group.
open_ingress contains [sg, sg, r] if {
	some sg in groups
	some r in lib.after(sg, "ingress")
	open_to_world(r)
}

# aws_security_group_rule (type = ingress).
open_ingress contains [rule, sg, r] if {
	some rule in lib.live("aws_security_group_rule")
	r := rule.change.after
	r.type == "ingress"
	open_to_world(r)
	some sg in target_group(rule)
}

# aws_vpc_security_group_ingress_rule (one CIDR per rule).
open_ingress contains [rule, sg, r] if {
	some rule in lib.live("aws_vpc_security_group_ingress_rule")
	a := rule.change.after
	some c in [object.get(a, "cidr_ipv4", null), object.get(a, "cidr_ipv6", null)]
	c in world
	r := {"from_port": a.from_port, "to_port": a.to_port, "protocol": a.ip_protocol}
	some sg in target_group(rule)
}

# The group a standalone rule belongs to; a group outside the plan is
# represented by the rule itself so it is still checked (never an ALB group).
target_group(rule) := gs if {
	gs := [sg | some sg in groups; lib.links(rule, "security_group_id", sg, "id")]
	count(gs) > 0
} else := [rule]

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
	some [subject, sg, r] in open_ingress
	not allowed(sg, r)
	v := lib.violation(subject, "ingress", sprintf("%s: ingress from the internet on %v-%v/%v is only allowed to the ALB on 80/443", [subject.address, r.from_port, r.to_port, r.protocol]))
}

allowed(sg, r) if {
	alb_group(sg)
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
	some fl in lib.live("aws_flow_log")
	lib.links(fl, "vpc_id", vpc, "id")
}
