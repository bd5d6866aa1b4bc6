# METADATA
# title: SSM Parameter Store
# description: Secrets in Parameter Store are SecureString.
package tfgate.aws.ssm

import rego.v1

import data.tfgate.lib

secret_parameter(rc) if lib.secret_name(lib.after(rc, "name"))

secret_parameter(rc) if lib.secret_name(rc.name)

secret_parameter(rc) if {
	name := lib.after(rc, "name")
	is_string(name)
	regex.match(`(?i)(secret|password|token|credential|api_key|private_key|database_url)`, name)
}

# METADATA
# title: Secret parameters are SecureString
# description: Parameters holding secrets (keys, passwords, tokens, connection strings) are SecureString, encrypted with KMS.
# related_resources:
#   - https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-securestring.html
# custom:
#   id: SSM-001
#   controls: ["CKV2_AWS_34"]
#   severity: critical
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set type = "SecureString" (and key_id for a customer managed key).
secure_string contains f if {
	some v in secure_string_violations
	f := lib.finding(rego.metadata.rule(), v)
}

secret_parameters := [rc | some rc in lib.live("aws_ssm_parameter"); secret_parameter(rc)]

# An unknown type cannot be judged: it is reported unknown, not a violation.
secure_string_violations contains v if {
	some v in lib.unknown_violations(secret_parameters, "type")
}

secure_string_violations contains v if {
	some rc in secret_parameters
	lib.known(rc, "type")
	lib.after(rc, "type") != "SecureString"
	v := lib.violation(rc, "type", sprintf("%s: secret parameter must be a SecureString (type = %v)", [rc.address, lib.after(rc, "type")]))
}
