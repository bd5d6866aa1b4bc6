# METADATA
# title: Cognito
# description: User pools enforce strong passwords and MFA in production and are protected from deletion.
package tfgate.aws.cognito

import rego.v1

import data.tfgate.lib

pools := lib.live("aws_cognito_user_pool")

password_requirements := {
	"require_lowercase": true,
	"require_uppercase": true,
	"require_numbers": true,
	"require_symbols": true,
}

# The password_policy block, {} when absent.
policy_of(rc) := pp if {
	pp := lib.after(rc, ["password_policy", 0])
	is_object(pp)
} else := {}

weak_password_settings(rc) := [msg |
	pp := policy_of(rc)
	some k, want in password_requirements
	object.get(pp, k, false) != want
	msg := sprintf("%s must be true", [k])
] if lib.known(rc, "password_policy")

short_password(rc) := n if {
	pp := policy_of(rc)
	n := object.get(pp, "minimum_length", 8)
	not n >= 12
}

# METADATA
# title: Cognito password policy
# description: User pool passwords are at least 12 characters with lower, upper, digit and symbol.
# related_resources:
#   - https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
# custom:
#   id: COG-001
#   controls: ["Cognito.3"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set password_policy { minimum_length = 12, require_lowercase/uppercase/numbers/symbols = true }.
password_policy contains f if {
	some v in password_policy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

password_policy_violations contains v if {
	some rc in pools
	problems := weak_password_settings(rc)
	count(problems) > 0
	v := lib.violation(rc, "password_policy", sprintf("%s: weak password policy: %s", [rc.address, concat(", ", sort(problems))]))
}

password_policy_violations contains v if {
	some rc in pools
	lib.known(rc, "password_policy")
	n := short_password(rc)
	v := lib.violation(rc, "password_policy", sprintf("%s: password minimum_length must be at least 12 (is %v)", [rc.address, n]))
}

password_policy_violations contains v if {
	some v in lib.unknown_violations(pools, "password_policy")
}

# METADATA
# title: Cognito MFA required in production
# description: Production user pools require MFA (mfa_configuration = "ON").
# related_resources:
#   - https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
# custom:
#   id: COG-002
#   controls: ["Cognito.5"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set mfa_configuration = "ON" with software_token_mfa_configuration { enabled = true }.
mfa contains f if {
	some v in mfa_violations
	f := lib.finding(rego.metadata.rule(), v)
}

mfa_violations contains v if {
	some v in lib.require(["aws_cognito_user_pool"], "mfa_configuration", "ON", "MFA must be required")
}

# METADATA
# title: Cognito user pool deletion protection
# description: Deleting a user pool deletes every user account; production pools are protected.
# related_resources:
#   - https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-deletion-protection.html
# custom:
#   id: COG-003
#   controls: ["Cognito.6"]
#   severity: high
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set deletion_protection = "ACTIVE".
deletion_protection contains f if {
	some v in deletion_protection_violations
	f := lib.finding(rego.metadata.rule(), v)
}

deletion_protection_violations contains v if {
	some v in lib.require(["aws_cognito_user_pool"], "deletion_protection", "ACTIVE", "deletion protection should be active")
}

# METADATA
# title: Cognito threat protection enforced
# description: Threat protection (advanced security) blocks sign-ins with compromised credentials and adapts to risky ones.
# related_resources:
#   - https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
# custom:
#   id: COG-004
#   severity: medium
#   controls: ["Cognito.1"]
#   remediation: Set user_pool_add_ons { advanced_security_mode = "ENFORCED" } (needs the Plus tier).
threat_protection contains f if {
	some v in threat_protection_violations
	f := lib.finding(rego.metadata.rule(), v)
}

threat_protection_violations contains v if {
	some v in lib.require(["aws_cognito_user_pool"], ["user_pool_add_ons", 0, "advanced_security_mode"], "ENFORCED", "threat protection must be enforced")
}
