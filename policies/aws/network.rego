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

cidrs(r) := array.concat(lib.list(object.get(r, "cidr_blocks", [])), lib.list(object.get(r, "ipv6_cidr_blocks", [])))

open_to_world(r) if {
	is_object(r)
	some c in cidrs(r)
	c in world
}

# configured(rc, attr): the configuration writes attr for rc (inline rules
# left out of the configuration are computed from the standalone rule
# resources, and unknown until apply for that reason only).
configured(rc, attr) if lib.config_resource(rc).expressions[attr]

configured(rc, attr) if {
	not lib.config_resource(rc)
	lib.after(rc, attr) != null
}

# ingress holds [resource, on the ALB's group, rule, attribute, state]:
# state is "world" (the rule admits 0.0.0.0/0 or ::/0) or "unknown" (the
# CIDR is only known after apply). The attribute is an argument of that
# resource type, so source mapping lands on the line that opens the rule.

# Inline ingress blocks of aws_security_group.
ingress contains [sg, is_alb_group(sg), r, "ingress", "world"] if {
	some sg in groups
	some r in lib.list(lib.after(sg, "ingress"))
	open_to_world(r)
}

ingress contains [sg, is_alb_group(sg), {"from_port": 0, "to_port": 65535, "protocol": "-1"}, "ingress", "unknown"] if {
	some sg in groups
	lib.unknown(sg, "ingress")
	configured(sg, "ingress")
}

# aws_security_group_rule (type = ingress).
sg_rules := [rule | some rule in lib.live("aws_security_group_rule"); rule.change.after.type == "ingress"]

ingress contains [rule, is_alb_rule(rule), r, world_attribute(r, "cidr_blocks", "ipv6_cidr_blocks"), "world"] if {
	some rule in sg_rules
	r := rule.change.after
	open_to_world(r)
}

ingress contains [rule, is_alb_rule(rule), rule.change.after, attr, "unknown"] if {
	some rule in sg_rules
	some attr in ["cidr_blocks", "ipv6_cidr_blocks"]
	lib.unknown(rule, attr)
}

# aws_vpc_security_group_ingress_rule (one CIDR per rule).
vpc_rules := lib.live("aws_vpc_security_group_ingress_rule")

vpc_rule(a) := {"from_port": object.get(a, "from_port", null), "to_port": object.get(a, "to_port", null), "protocol": a.ip_protocol}

ingress contains [rule, is_alb_rule(rule), vpc_rule(a), world_attribute(a, "cidr_ipv4", "cidr_ipv6"), "world"] if {
	some rule in vpc_rules
	a := rule.change.after
	some c in [object.get(a, "cidr_ipv4", null), object.get(a, "cidr_ipv6", null)]
	c in world
}

ingress contains [rule, is_alb_rule(rule), vpc_rule(rule.change.after), attr, "unknown"] if {
	some rule in vpc_rules
	some attr in ["cidr_ipv4", "cidr_ipv6"]
	lib.unknown(rule, attr)
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

all_protocols(r) if lower(sprintf("%v", [r.protocol])) in {"-1", "all"}

tcp(r) if lower(sprintf("%v", [r.protocol])) in {"tcp", "6"}

# covers(r, port): the rule admits TCP traffic to port.
covers(r, _) if all_protocols(r)

covers(r, port) if {
	tcp(r)
	r.from_port <= port
	port <= r.to_port
}

# every_port(r): all traffic, or TCP/UDP on the whole port range.
every_port(r) if all_protocols(r)

every_port(r) if {
	r.from_port <= 0
	r.to_port >= 65535
}

# METADATA
# title: Internet ingress only to the ALB on 80/443
# description: Security group ingress from 0.0.0.0/0 or ::/0 is allowed only on the load balancer's group, TCP 80 and 443 (inline rules, aws_security_group_rule and aws_vpc_security_group_ingress_rule alike).
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html
# custom:
#   id: NET-001
#   controls: ["EC2.18"]
#   severity: critical
#   enforcement: {dev: warn, staging: deny, production: deny}
#   remediation: Restrict the CIDR to the VPC or reference the ALB security group instead of 0.0.0.0/0.
open_ingress_rule contains f if {
	some v in open_ingress_rule_violations
	f := lib.finding(rego.metadata.rule(), v)
}

open_ingress_rule_violations contains v if {
	some [subject, on_alb, r, attr, "world"] in ingress
	not allowed(on_alb, r)
	v := lib.violation(subject, attr, sprintf("%s: ingress from the internet on %v-%v/%v is only allowed to the ALB on 80/443", [subject.address, r.from_port, r.to_port, r.protocol]))
}

open_ingress_rule_violations contains v if {
	some [subject, on_alb, r, attr, "unknown"] in ingress
	not allowed(on_alb, r)
	some v in lib.unknown_violations([subject], attr)
}

allowed(on_alb, r) if {
	on_alb == true
	web_port(r)
}

admin_ports := [22, 3389]

# METADATA
# title: Remote administration ports closed to the internet
# description: No security group admits SSH (22) or RDP (3389) from 0.0.0.0/0 or ::/0; use SSM Session Manager or a bastion with a narrow CIDR.
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-53
# custom:
#   id: NET-003
#   severity: critical
#   controls: ["EC2.13", "EC2.14", "EC2.53", "EC2.54", "CIS 5.2", "CIS 5.3"]
#   enforcement: {dev: deny, staging: deny, production: deny}
#   remediation: Remove the 0.0.0.0/0 (::/0) rule for port 22/3389; reach instances through SSM Session Manager.
admin_ingress contains f if {
	some v in admin_ingress_violations
	f := lib.finding(rego.metadata.rule(), v)
}

admin_ingress_violations contains v if {
	some [subject, _, r, attr, "world"] in ingress
	some port in admin_ports
	covers(r, port)
	v := lib.violation(subject, attr, sprintf("%s: port %d (remote administration) is open to the internet", [subject.address, port]))
}

admin_ingress_violations contains v if {
	some [subject, _, r, attr, "unknown"] in ingress
	some port in admin_ports
	covers(r, port)
	some v in lib.unknown_violations([subject], attr)
}

# METADATA
# title: No unrestricted ingress on every port
# description: No security group admits all traffic (every protocol, or the whole port range) from the internet.
# related_resources:
#   - https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19
# custom:
#   id: NET-005
#   severity: critical
#   controls: ["EC2.19", "EC2.18"]
#   enforcement: {dev: deny, staging: deny, production: deny}
#   remediation: Open only the ports the service needs, to the sources that need them.
all_ports contains f if {
	some v in all_ports_violations
	f := lib.finding(rego.metadata.rule(), v)
}

all_ports_violations contains v if {
	some [subject, _, r, attr, "world"] in ingress
	every_port(r)
	v := lib.violation(subject, attr, sprintf("%s: every port (%v %v-%v) is open to the internet", [subject.address, r.protocol, r.from_port, r.to_port]))
}

all_ports_violations contains v if {
	some [subject, _, r, attr, "unknown"] in ingress
	every_port(r)
	some v in lib.unknown_violations([subject], attr)
}

# --- network ACLs ---

nacl_entries contains [acl, e, "ingress"] if {
	some acl in lib.live("aws_network_acl")
	some e in lib.list(lib.after(acl, "ingress"))
	is_object(e)
}

nacl_entries contains [r, object.union(a, {"action": a.rule_action, "protocol": a.protocol}), "cidr_block"] if {
	some r in lib.live("aws_network_acl_rule")
	a := r.change.after
	a.egress != true
}

nacl_open(e) if {
	is_string(e.action)
	lower(e.action) == "allow"
	some c in [object.get(e, "cidr_block", null), object.get(e, "ipv6_cidr_block", null)]
	c in world
}

# METADATA
# title: Network ACLs do not admit remote administration from the internet
# description: No network ACL allows ingress from 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389).
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
# custom:
#   id: NET-004
#   severity: high
#   controls: ["EC2.21", "CIS 5.1"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Deny (or do not allow) 0.0.0.0/0 to ports 22 and 3389 in the network ACL.
nacl_admin contains f if {
	some v in nacl_admin_violations
	f := lib.finding(rego.metadata.rule(), v)
}

nacl_admin_violations contains v if {
	some [subject, e, attr] in nacl_entries
	nacl_open(e)
	some port in admin_ports
	covers(e, port)
	v := lib.violation(subject, attr, sprintf("%s: network ACL allows port %d from the internet", [subject.address, port]))
}

nacl_admin_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_network_acl_rule"), "cidr_block")
}

nacl_admin_violations contains v if {
	some v in lib.unknown_violations([acl | some acl in lib.live("aws_network_acl"); configured(acl, "ingress")], "ingress")
}

# METADATA
# title: VPC flow logs
# description: Each VPC records its traffic (flow logs) for incident response.
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
# custom:
#   id: NET-002
#   controls: ["EC2.6", "CIS 3.7"]
#   severity: medium
#   remediation: Add an aws_flow_log with vpc_id = the VPC's id.
flow_logs contains f if {
	some v in flow_logs_violations
	f := lib.finding(rego.metadata.rule(), v)
}

flow_logs_violations contains v if {
	some vpc in lib.live("aws_vpc")
	not flow_logged(vpc)
	not flow_log_unresolved
	v := lib.violation(vpc, "id", sprintf("%s: VPC has no flow log", [vpc.address]))
}

# A flow log whose VPC cannot be determined before apply: a VPC without a
# resolved flow log is then unknown, not missing.
flow_log_unresolved if {
	some fl in lib.live("aws_flow_log")
	lib.unresolved_link(fl, "vpc_id")
}

flow_logs_violations contains v if {
	flow_log_unresolved
	some vpc in lib.live("aws_vpc")
	not flow_logged(vpc)
	v := lib.unknown_violation(vpc, "id")
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
