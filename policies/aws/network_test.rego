package tfgate.test.aws.network

import rego.v1

import data.tfgate.aws.network
import data.tfgate.fixtures as fx

world_ingress(port) := {"from_port": port, "to_port": port, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []}

sg(name, id, ingress) := fx.rc("aws_security_group", name, {"id": id, "ingress": ingress})

alb_with(sg_ids) := fx.rc("aws_lb", "main", {"load_balancer_type": "application", "security_groups": sg_ids})

test_alb_group_open_on_web_ports if {
	p := fx.plan([sg("alb", "sg-alb", [world_ingress(80), world_ingress(443)]), alb_with(["sg-alb"])])
	count(network.open_ingress_rule) == 0 with input as p
}

test_alb_group_open_on_ssh if {
	p := fx.plan([sg("alb", "sg-alb", [world_ingress(22)]), alb_with(["sg-alb"])])
	some f in network.open_ingress_rule with input as p
	f.id == "NET-001"
	f.address == "aws_security_group.alb"
	f.attribute == "ingress"
}

test_non_alb_group_open if {
	p := fx.plan([sg("ecs", "sg-ecs", [world_ingress(443)]), alb_with(["sg-alb"])])
	some f in network.open_ingress_rule with input as p
	f.address == "aws_security_group.ecs"
}

test_private_cidr_allowed if {
	r := object.union(world_ingress(5432), {"cidr_blocks": ["10.0.0.0/16"]})
	count(network.open_ingress_rule) == 0 with input as fx.plan([sg("db", "sg-db", [r])])
}

test_ipv6_world if {
	r := object.union(world_ingress(22), {"cidr_blocks": null, "ipv6_cidr_blocks": ["::/0"]})
	some f in network.open_ingress_rule with input as fx.plan([sg("db", "sg-db", [r])])
	f.address == "aws_security_group.db"
}

# Ids unknown until apply: ALB group and rule linked by references.
unknown_plan(port) := fx.with_config(
	[
		fx.rc_unknown("aws_security_group", "alb", {"ingress": []}, {"id": true}),
		fx.rc_unknown("aws_lb", "main", {"load_balancer_type": "application"}, {"security_groups": true}),
		fx.rc_unknown("aws_vpc_security_group_ingress_rule", "https", {"cidr_ipv4": "0.0.0.0/0", "from_port": port, "to_port": port, "ip_protocol": "tcp"}, {"security_group_id": true}),
	],
	[
		{"address": "aws_lb.main", "expressions": {"security_groups": {"references": ["aws_security_group.alb.id", "aws_security_group.alb"]}}},
		{"address": "aws_vpc_security_group_ingress_rule.https", "expressions": {"security_group_id": {"references": ["aws_security_group.alb.id", "aws_security_group.alb"]}}},
	],
)

test_vpc_ingress_rule_to_alb_by_reference if {
	count(network.open_ingress_rule) == 0 with input as unknown_plan(443)
}

test_vpc_ingress_rule_to_alb_wrong_port if {
	some f in network.open_ingress_rule with input as unknown_plan(8080)
	f.address == "aws_vpc_security_group_ingress_rule.https"
	f.attribute == "cidr_ipv4"
}

test_security_group_rule_outside_plan if {
	r := fx.rc("aws_security_group_rule", "ssh", {"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg-elsewhere"})
	some f in network.open_ingress_rule with input as fx.plan([r])
	f.address == "aws_security_group_rule.ssh"
	f.attribute == "cidr_blocks"
}

# The finding names the argument that admits the internet, so source mapping
# points at its line (these rule types have no `ingress` argument).
test_ipv6_only_rules_name_the_ipv6_argument if {
	sgr := fx.rc("aws_security_group_rule", "ssh6", {"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": [], "ipv6_cidr_blocks": ["::/0"], "security_group_id": "sg-elsewhere"})
	vpcr := fx.rc("aws_vpc_security_group_ingress_rule", "ssh6", {"cidr_ipv4": null, "cidr_ipv6": "::/0", "from_port": 22, "to_port": 22, "ip_protocol": "tcp", "security_group_id": "sg-elsewhere"})
	fs := network.open_ingress_rule with input as fx.plan([sgr, vpcr])
	{[f.address, f.attribute] | some f in fs} == {
		["aws_security_group_rule.ssh6", "ipv6_cidr_blocks"],
		["aws_vpc_security_group_ingress_rule.ssh6", "cidr_ipv6"],
	}
}

test_security_group_rule_on_alb if {
	r := fx.rc("aws_security_group_rule", "https", {"type": "ingress", "from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg-alb"})
	count(network.open_ingress_rule) == 0 with input as fx.plan([sg("alb", "sg-alb", []), alb_with(["sg-alb"]), r])
}

test_flow_logs if {
	vpc := fx.rc("aws_vpc", "main", {"id": "vpc-1"})
	some f in network.flow_logs with input as fx.plan([vpc])
	f.id == "NET-002"
	count(network.flow_logs) == 0 with input as fx.plan([vpc, fx.rc("aws_flow_log", "main", {"vpc_id": "vpc-1"})])
}

test_inline_ssh_open if {
	sg := fx.rc("aws_security_group", "bastion", {"ingress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 22, "to_port": 22, "protocol": "tcp"}]})
	some f in network.admin_ingress with input as fx.plan([sg])
	f.attribute == "ingress"
}

test_inline_ingress_unknown_only_when_configured if {
	sg := fx.rc_unknown("aws_security_group", "app", {}, {"ingress": true})
	cfg := {"address": "aws_security_group.app", "mode": "managed", "type": "aws_security_group", "name": "app", "expressions": {"ingress": {"references": ["var.ingress"]}}}
	some f in network.open_ingress_rule with input as fx.with_config([sg], [cfg])
	f.unknown
	count(network.open_ingress_rule) == 0 with input as fx.with_config([sg], [object.remove(cfg, ["expressions"])])
}

test_rdp_range_open_ipv6 if {
	r := fx.rc("aws_vpc_security_group_ingress_rule", "r", {"cidr_ipv6": "::/0", "ip_protocol": "tcp", "from_port": 3000, "to_port": 4000})
	some f in network.admin_ingress with input as fx.plan([r])
	f.attribute == "cidr_ipv6"
}

test_whole_tcp_range_open if {
	r := fx.rc("aws_security_group_rule", "r", {"type": "ingress", "cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 65535, "protocol": "tcp"})
	some f in network.all_ports with input as fx.plan([r])
	f.id == "NET-005"
}

test_inline_nacl_ssh if {
	acl := fx.rc("aws_network_acl", "a", {"ingress": [{"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0, "protocol": "-1"}]})
	some f in network.nacl_admin with input as fx.plan([acl])
	f.attribute == "ingress"
}
