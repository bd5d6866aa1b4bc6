package tfgate.test.aws.ecr

import rego.v1

import data.tfgate.aws.ecr
import data.tfgate.fixtures as fx

repo(over) := fx.rc("aws_ecr_repository", "app", object.union(
	{
		"image_scanning_configuration": [{"scan_on_push": true}],
		"encryption_configuration": [{"encryption_type": "KMS", "kms_key": ""}],
		"image_tag_mutability": "IMMUTABLE",
	},
	over,
))

test_good_repository if {
	count(((ecr.scan_on_push | ecr.encryption) | ecr.immutable_tags)) == 0 with input as fx.plan([repo({})])
}

test_scan_on_push_off if {
	some f in ecr.scan_on_push with input as fx.plan([repo({"image_scanning_configuration": [{"scan_on_push": false}]})])
	f.id == "ECR-001"
	f.attribute == "image_scanning_configuration.scan_on_push"
}

test_scan_on_push_missing if {
	some f in ecr.scan_on_push with input as fx.plan([repo({"image_scanning_configuration": []})])
	f.id == "ECR-001"
}

test_no_encryption if {
	some f in ecr.encryption with input as fx.plan([repo({"encryption_configuration": []})])
	f.id == "ECR-002"
}

test_mutable_tags if {
	some f in ecr.immutable_tags with input as fx.plan([repo({"image_tag_mutability": "MUTABLE"})])
	f.id == "ECR-003"
}
