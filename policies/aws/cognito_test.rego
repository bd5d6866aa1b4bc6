package tfgate.test.aws.cognito

import rego.v1

import data.tfgate.aws.cognito
import data.tfgate.fixtures as fx

strong := {
	"minimum_length": 12, "require_lowercase": true, "require_uppercase": true,
	"require_numbers": true, "require_symbols": true,
}

pool(over) := fx.rc("aws_cognito_user_pool", "main", object.union(
	{
		"password_policy": [strong], "mfa_configuration": "ON", "deletion_protection": "ACTIVE",
	},
	over,
))

test_strong_pool if {
	count(((cognito.password_policy | cognito.mfa) | cognito.deletion_protection)) == 0 with input as fx.plan([pool({})])
}

test_short_password if {
	some f in cognito.password_policy with input as fx.plan([pool({"password_policy": [object.union(strong, {"minimum_length": 8})]})])
	f.id == "COG-001"
	contains(f.message, "minimum_length")
}

test_missing_character_classes if {
	p := fx.plan([pool({"password_policy": [object.union(strong, {"require_symbols": false, "require_uppercase": false})]})])
	some f in cognito.password_policy with input as p
	contains(f.message, "require_symbols")
	contains(f.message, "require_uppercase")
}

test_no_password_policy if {
	fs := cognito.password_policy with input as fx.plan([pool({"password_policy": []})])
	count(fs) == 2
}

test_password_policy_unknown if {
	p := fx.plan([fx.rc_unknown("aws_cognito_user_pool", "main", {"mfa_configuration": "ON"}, {"password_policy": true})])
	some f in cognito.password_policy with input as p
	f.unknown
}

test_mfa_optional if {
	some f in cognito.mfa with input as fx.plan([pool({"mfa_configuration": "OPTIONAL"})])
	f.id == "COG-002"
}

test_deletion_protection_inactive if {
	some f in cognito.deletion_protection with input as fx.plan([pool({"deletion_protection": "INACTIVE"})])
	f.id == "COG-003"
}
