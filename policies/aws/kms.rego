# METADATA
# title: KMS
# description: Customer managed keys rotate.
package tfgate.aws.kms

import rego.v1

import data.tfgate.lib

# METADATA
# title: KMS key rotation
# description: Customer managed symmetric keys rotate their key material yearly.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
# custom:
#   id: KMS-001
#   severity: medium
#   enforcement: {dev: advisory, staging: warn, production: deny}
#   remediation: Set enable_key_rotation = true.
rotation contains f if {
	some v in rotation_violations
	f := lib.finding(rego.metadata.rule(), v)
}

rotation_violations contains v if {
	some rc in lib.live("aws_kms_key")
	object.get(rc.change.after, "customer_master_key_spec", "SYMMETRIC_DEFAULT") in {"SYMMETRIC_DEFAULT", null}
	lib.known(rc, "enable_key_rotation")
	lib.after(rc, "enable_key_rotation") != true
	v := lib.violation(rc, "enable_key_rotation", sprintf("%s: key rotation must be enabled", [rc.address]))
}

# METADATA
# title: KMS key deletion window
# description: A scheduled key deletion can be cancelled for at least 14 days, since deleting a key makes its data unreadable.
# related_resources:
#   - https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html
# custom:
#   id: KMS-002
#   severity: medium
#   remediation: Set deletion_window_in_days >= 14 (30 in production).
deletion_window contains f if {
	some v in deletion_window_violations
	f := lib.finding(rego.metadata.rule(), v)
}

deletion_window_violations contains v if {
	some rc in lib.live("aws_kms_key")
	days := lib.after(rc, "deletion_window_in_days")
	is_number(days)
	days < 14
	v := lib.violation(rc, "deletion_window_in_days", sprintf("%s: deletion window must be at least 14 days (deletion_window_in_days = %v)", [rc.address, days]))
}
