# METADATA
# title: KMS
# description: Customer managed keys rotate, stay enabled and cannot be deleted in a hurry.
package tfgate.aws.kms

import rego.v1

import data.tfgate.lib

keys := lib.live("aws_kms_key")

# Symmetric keys are the ones AWS can rotate; an unknown spec cannot be judged.
symmetric(rc) if {
	lib.known(rc, "customer_master_key_spec")
	object.get(rc.change.after, "customer_master_key_spec", null) in {"SYMMETRIC_DEFAULT", null}
}

# METADATA
# title: KMS key rotation
# description: Customer managed symmetric keys rotate their key material yearly.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
# custom:
#   id: KMS-001
#   severity: medium
#   controls: ["KMS.4", "CIS 3.6"]
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set enable_key_rotation = true.
rotation contains f if {
	some v in rotation_violations
	f := lib.finding(rego.metadata.rule(), v)
}

rotation_violations contains v if {
	some rc in keys
	symmetric(rc)
	lib.known(rc, "enable_key_rotation")
	lib.after(rc, "enable_key_rotation") != true
	v := lib.violation(rc, "enable_key_rotation", sprintf("%s: key rotation must be enabled", [rc.address]))
}

rotation_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in keys; not lib.known(rc, "customer_master_key_spec")], "customer_master_key_spec")
}

rotation_violations contains v if {
	some v in lib.unknown_violations([rc | some rc in keys; symmetric(rc)], "enable_key_rotation")
}

# METADATA
# title: KMS key deletion window
# description: A scheduled key deletion can be cancelled for at least 14 days, since deleting a key makes its data unreadable.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
# custom:
#   id: KMS-002
#   severity: high
#   controls: ["KMS.3"]
#   remediation: Set deletion_window_in_days >= 14 (30 in production).
deletion_window contains f if {
	some v in deletion_window_violations
	f := lib.finding(rego.metadata.rule(), v)
}

deletion_window_violations contains v if {
	some rc in keys
	lib.known(rc, "deletion_window_in_days")
	days := lib.after(rc, "deletion_window_in_days")
	is_number(days)
	days < 14
	v := lib.violation(rc, "deletion_window_in_days", sprintf("%s: deletion window must be at least 14 days (deletion_window_in_days = %v)", [rc.address, days]))
}

deletion_window_violations contains v if {
	some v in lib.unknown_violations(keys, "deletion_window_in_days")
}

# METADATA
# title: KMS key enabled
# description: A disabled key makes every object encrypted with it unreadable until it is enabled again.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html
# custom:
#   id: KMS-003
#   severity: high
#   controls: ["KMS.3"]
#   remediation: Set is_enabled = true (delete keys through a reviewed deletion window instead).
enabled contains f if {
	some v in enabled_violations
	f := lib.finding(rego.metadata.rule(), v)
}

enabled_violations contains v if {
	some rc in keys
	lib.known(rc, "is_enabled")
	lib.after(rc, "is_enabled") == false
	v := lib.violation(rc, "is_enabled", sprintf("%s: key must stay enabled (is_enabled = false)", [rc.address]))
}

enabled_violations contains v if {
	some v in lib.unknown_violations(keys, "is_enabled")
}
