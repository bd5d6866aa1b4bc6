package tfgate.test.aws.misc

import rego.v1

import data.tfgate.aws.kms
import data.tfgate.aws.logs
import data.tfgate.aws.sns
import data.tfgate.aws.ssm
import data.tfgate.fixtures as fx

test_sns_encrypted if {
	count(sns.encryption) == 0 with input as fx.plan([fx.rc("aws_sns_topic", "alerts", {"kms_master_key_id": "alias/aws/sns"})])
}

test_sns_key_from_new_key_is_set if {
	p := fx.with_config([fx.rc_unknown("aws_sns_topic", "alerts", {}, {"kms_master_key_id": true})], [fx.ref_config("aws_sns_topic", "alerts", "kms_master_key_id", ["aws_kms_key.main.arn", "aws_kms_key.main"])])
	count(sns.encryption) == 0 with input as p
}

test_sns_key_computed_by_provider_is_unknown if {
	some f in sns.encryption with input as fx.plan([fx.rc_unknown("aws_sns_topic", "alerts", {}, {"kms_master_key_id": true})])
	f.unknown
}

test_sns_not_encrypted if {
	some f in sns.encryption with input as fx.plan([fx.rc("aws_sns_topic", "alerts", {"kms_master_key_id": null})])
	f.id == "SNS-001"
}

test_log_group_good if {
	g := fx.rc("aws_cloudwatch_log_group", "app", {"retention_in_days": 30, "kms_key_id": "arn:key"})
	count(logs.retention | logs.encryption) == 0 with input as fx.plan([g])
}

test_log_group_no_retention if {
	some f in logs.retention with input as fx.plan([fx.rc("aws_cloudwatch_log_group", "app", {"retention_in_days": 0, "kms_key_id": "k"})])
	f.id == "LOG-001"
}

test_log_group_not_encrypted if {
	some f in logs.encryption with input as fx.plan([fx.rc("aws_cloudwatch_log_group", "app", {"retention_in_days": 7, "kms_key_id": ""})])
	f.id == "LOG-002"
}

param(name, t) := fx.rc("aws_ssm_parameter", "p", {"name": name, "type": t})

test_secret_parameter_plain if {
	every name in ["/app/prod/openai_api_key", "/app/prod/database_url", "/app/prod/db_password"] {
		some f in ssm.secure_string with input as fx.plan([param(name, "String")])
		f.id == "SSM-001"
	}
}

test_secret_parameter_secure if {
	count(ssm.secure_string) == 0 with input as fx.plan([param("/app/prod/openai_api_key", "SecureString")])
}

test_plain_config_parameter if {
	count(ssm.secure_string) == 0 with input as fx.plan([param("/app/prod/cognito_user_pool_id", "String")])
}

test_secret_by_resource_name if {
	p := fx.plan([fx.rc("aws_ssm_parameter", "api_token", {"name": "/app/x", "type": "String"})])
	some f in ssm.secure_string with input as p
	f.address == "aws_ssm_parameter.api_token"
}

test_kms_rotation if {
	count(kms.rotation) == 0 with input as fx.plan([fx.rc("aws_kms_key", "main", {"enable_key_rotation": true})])
	some f in kms.rotation with input as fx.plan([fx.rc("aws_kms_key", "main", {"enable_key_rotation": false})])
	f.id == "KMS-001"
}

test_kms_asymmetric_key_no_rotation if {
	k := fx.rc("aws_kms_key", "sign", {"enable_key_rotation": false, "customer_master_key_spec": "RSA_2048"})
	count(kms.rotation) == 0 with input as fx.plan([k])
}

test_kms_deletion_window if {
	count(kms.deletion_window) == 0 with input as fx.plan([fx.rc("aws_kms_key", "main", {"deletion_window_in_days": 30})])
	some f in kms.deletion_window with input as fx.plan([fx.rc("aws_kms_key", "main", {"deletion_window_in_days": 7})])
	f.id == "KMS-002"
}

test_kms_asymmetric_not_rotated if {
	count(kms.rotation) == 0 with input as fx.plan([fx.rc("aws_kms_key", "k", {"customer_master_key_spec": "RSA_2048", "enable_key_rotation": false})])
}

test_kms_spec_unknown if {
	some f in kms.rotation with input as fx.plan([fx.rc_unknown("aws_kms_key", "k", {"enable_key_rotation": false}, {"customer_master_key_spec": true})])
	f.unknown
}
