# METADATA
# title: EC2
# description: Instances and launch templates require IMDSv2, get no public IP and encrypt their volumes; subnets do not hand out public IPs; the default security group admits nothing.
package tfgate.aws.ec2

import rego.v1

import data.tfgate.lib

instances := lib.live("aws_instance")

templates := lib.resources(["aws_launch_template", "aws_launch_configuration"])

hosts := array.concat(instances, templates)

# METADATA
# title: IMDSv2 required
# description: Instances and launch templates require session tokens for the instance metadata service (IMDSv2), which blocks SSRF-based credential theft.
# related_resources:
#   - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
# custom:
#   id: EC2-001
#   severity: high
#   controls: ["EC2.8", "EC2.170", "AutoScaling.3"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set metadata_options { http_tokens = "required" }.
imdsv2 contains f if {
	some v in imdsv2_violations
	f := lib.finding(rego.metadata.rule(), v)
}

tokens_p := ["metadata_options", 0, "http_tokens"]

imdsv2_violations contains v if {
	some rc in hosts
	lib.known(rc, tokens_p)
	lib.after(rc, tokens_p) != "required"
	v := lib.violation(rc, "metadata_options.http_tokens", sprintf("%s: IMDSv2 must be required (http_tokens = %v)", [rc.address, lib.after(rc, tokens_p)]))
}

imdsv2_violations contains v if {
	some v in lib.unknown_violations(hosts, tokens_p)
}

# METADATA
# title: No public IP on instances
# description: Instances and launch templates do not get a public IPv4 address; they are reached through a load balancer or SSM.
# related_resources:
#   - https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html
# custom:
#   id: EC2-002
#   severity: high
#   controls: ["EC2.9", "EC2.25", "AutoScaling.5"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set associate_public_ip_address = false and launch into private subnets.
public_ip contains f if {
	some v in public_ip_violations
	f := lib.finding(rego.metadata.rule(), v)
}

public_ip_violations contains v if {
	some rc in array.concat(instances, lib.live("aws_launch_configuration"))
	lib.known(rc, "associate_public_ip_address")
	lib.after(rc, "associate_public_ip_address") == true
	v := lib.violation(rc, "associate_public_ip_address", sprintf("%s: gets a public IP address", [rc.address]))
}

public_ip_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in instances; lib.config_resource(rc).expressions.associate_public_ip_address], "associate_public_ip_address")
}

# Launch templates carry it per network interface, as a string.
public_ip_violations contains v if {
	some rc in lib.live("aws_launch_template")
	lib.known(rc, "network_interfaces")
	some ni in lib.list(lib.after(rc, "network_interfaces"))
	lower(sprintf("%v", [ni.associate_public_ip_address])) == "true"
	v := lib.violation(rc, "network_interfaces.associate_public_ip_address", sprintf("%s: network interface gets a public IP address", [rc.address]))
}

public_ip_violations contains v if {
	some v in lib.unknown_violations(lib.live("aws_launch_template"), "network_interfaces")
}

# METADATA
# title: EBS volumes encrypted
# description: EBS volumes, instance root and data volumes and launch template block devices are encrypted (or the account encrypts new volumes by default).
# related_resources:
#   - https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
# custom:
#   id: EC2-003
#   severity: high
#   controls: ["EC2.3", "EC2.7"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set encrypted = true (or aws_ebs_encryption_by_default { enabled = true }).
ebs_encryption contains f if {
	some v in ebs_encryption_violations
	f := lib.finding(rego.metadata.rule(), v)
}

account_default_encryption if {
	some d in lib.live("aws_ebs_encryption_by_default")
	lib.after(d, "enabled") != false
}

# [resource, attribute, encrypted value] of every volume definition.
volumes contains [rc, "encrypted", lib.after(rc, "encrypted")] if {
	some rc in lib.live("aws_ebs_volume")
	lib.known(rc, "encrypted")
}

volumes contains [rc, sprintf("%s.encrypted", [block]), lib.get(d, "encrypted", null)] if {
	some rc in instances
	some block in ["root_block_device", "ebs_block_device"]
	lib.known(rc, block)
	some d in lib.list(lib.after(rc, block))
}

volumes contains [rc, "block_device_mappings.ebs.encrypted", lib.get(e, "encrypted", null)] if {
	some rc in lib.live("aws_launch_template")
	lib.known(rc, "block_device_mappings")
	some m in lib.list(lib.after(rc, "block_device_mappings"))
	some e in lib.list(m.ebs)
}

ebs_encryption_violations contains v if {
	not account_default_encryption
	some [rc, attr, enc] in volumes
	not lower(sprintf("%v", [enc])) == "true"
	v := lib.violation(rc, attr, sprintf("%s: volume is not encrypted (%s = %v)", [rc.address, attr, enc]))
}

ebs_encryption_violations contains v if {
	some d in lib.live("aws_ebs_encryption_by_default")
	lib.after(d, "enabled") == false
	v := lib.violation(d, "enabled", sprintf("%s: turns off EBS encryption by default", [d.address]))
}

ebs_encryption_violations contains v if {
	not account_default_encryption
	some v in lib.unknown_violations(lib.live("aws_ebs_volume"), "encrypted")
}

# METADATA
# title: Subnets do not assign public IPs
# description: Subnets do not give every instance launched in them a public IPv4 address.
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/modify-subnets.html
# custom:
#   id: EC2-004
#   severity: medium
#   controls: ["EC2.15"]
#   remediation: Set map_public_ip_on_launch = false; give public addresses to load balancers and NAT gateways only.
subnet_public_ip contains f if {
	some v in subnet_public_ip_violations
	f := lib.finding(rego.metadata.rule(), v)
}

subnet_public_ip_violations contains v if {
	some v in lib.require(["aws_subnet", "aws_default_subnet"], "map_public_ip_on_launch", false, "instances launched here get a public IP")
}

# METADATA
# title: Default security group admits nothing
# description: The VPC's default security group has no rules, so a resource launched without a group is not reachable by accident.
# related_resources:
#   - https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
# custom:
#   id: EC2-005
#   severity: medium
#   controls: ["EC2.2", "CIS 5.4"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Manage it with an aws_default_security_group that has no ingress or egress blocks.
default_sg contains f if {
	some v in default_sg_violations
	f := lib.finding(rego.metadata.rule(), v)
}

default_groups := lib.live("aws_default_security_group")

default_sg_violations contains v if {
	some rc in default_groups
	some dir in ["ingress", "egress"]
	lib.known(rc, dir)
	count(lib.list(lib.after(rc, dir))) > 0
	v := lib.violation(rc, dir, sprintf("%s: the default security group must have no %s rules", [rc.address, dir]))
}

# Rules the configuration does not write are removed by the provider: an
# unknown rule set is only unknown when the configuration writes one.
default_sg_violations contains v if {
	some dir in ["ingress", "egress"]
	some v in lib.unknown_violations([rc | some rc in default_groups; writes(rc, dir)], dir)
}

writes(rc, attr) if lib.config_resource(rc).expressions[attr]

writes(rc, attr) if {
	not lib.config_resource(rc)
	lib.unknown(rc, attr)
}
