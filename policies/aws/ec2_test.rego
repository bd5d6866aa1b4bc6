package tfgate.test.aws.ec2

import rego.v1

import data.tfgate.aws.ec2
import data.tfgate.fixtures as fx

instance(over) := fx.rc("aws_instance", "web", object.union(
	{
		"metadata_options": [{"http_tokens": "required"}], "associate_public_ip_address": false,
		"root_block_device": [{"encrypted": true}], "ebs_block_device": [],
	},
	over,
))

test_good_instance_passes if {
	p := fx.plan([instance({})])
	count((((ec2.imdsv2 | ec2.public_ip) | ec2.ebs_encryption) | ec2.subnet_public_ip)) == 0 with input as p
}

test_instance_unencrypted_root if {
	some f in ec2.ebs_encryption with input as fx.plan([instance({"root_block_device": [{"encrypted": false}]})])
	f.attribute == "root_block_device.encrypted"
}

test_account_default_encryption_covers_volumes if {
	p := fx.plan([instance({"root_block_device": [{"encrypted": false}]}), fx.rc("aws_ebs_encryption_by_default", "d", {"enabled": true})])
	count(ec2.ebs_encryption) == 0 with input as p
}

test_default_encryption_turned_off if {
	some f in ec2.ebs_encryption with input as fx.plan([fx.rc("aws_ebs_encryption_by_default", "d", {"enabled": false})])
	f.attribute == "enabled"
}

test_launch_template_volume_unencrypted if {
	lt := fx.rc("aws_launch_template", "lt", {"metadata_options": [{"http_tokens": "required"}], "network_interfaces": [], "block_device_mappings": [{"ebs": [{"encrypted": "false"}]}]})
	some f in ec2.ebs_encryption with input as fx.plan([lt])
	f.address == "aws_launch_template.lt"
}

test_launch_template_public_ip if {
	lt := fx.rc("aws_launch_template", "lt", {"network_interfaces": [{"associate_public_ip_address": "true"}]})
	some f in ec2.public_ip with input as fx.plan([lt])
	f.attribute == "network_interfaces.associate_public_ip_address"
}

test_launch_configuration_imds_optional if {
	some f in ec2.imdsv2 with input as fx.plan([fx.rc("aws_launch_configuration", "lc", {"metadata_options": [{"http_tokens": "optional"}]})])
	f.id == "EC2-001"
}

test_instance_public_ip_unknown_when_configured if {
	p := fx.with_config([fx.rc_unknown("aws_instance", "web", {}, {"associate_public_ip_address": true})], [fx.ref_config("aws_instance", "web", "associate_public_ip_address", ["var.public"])])
	some f in ec2.public_ip with input as p
	f.unknown
}

test_default_sg_rules_not_configured_are_removed if {
	p := fx.with_config([fx.rc_unknown("aws_default_security_group", "d", {}, {"ingress": true, "egress": true})], [{"address": "aws_default_security_group.d", "mode": "managed", "type": "aws_default_security_group", "name": "d", "expressions": {"vpc_id": {"references": ["aws_vpc.main.id"]}}}])
	count(ec2.default_sg) == 0 with input as p
}
