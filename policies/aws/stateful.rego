# METADATA
# title: Stateful guard
# description: Resources holding data are never deleted or replaced by an apply unless explicitly allowed.
package tfgate.aws.stateful

import rego.v1

import data.tfgate.lib

allowed(rc) if {
	some pattern in lib.allow_destroy
	glob.match(pattern, null, rc.address)
}

# "engine, availability_zone": the attributes forcing a replacement.
forced_by(rc) := concat(", ", [lib.attribute(p) | some p in rc.change.replace_paths])

first_path(rc) := lib.attribute(rc.change.replace_paths[0])

# METADATA
# title: Stateful resources are not destroyed
# description: |
#   Deleting or replacing a database, bucket, user pool, KMS key, image
#   repository, log group or backup vault loses data. Allow it with --allow-destroy ADDRESS
#   or an exception.
# related_resources:
#   - https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#prevent_destroy
# custom:
#   id: STATE-001
#   severity: critical
#   enforcement: {dev: advisory, staging: deny, production: deny}
#   remediation: Revert the change that forces replacement, or pass --allow-destroy ADDRESS after taking a backup.
destroy contains f if {
	some v in destroy_violations
	f := lib.finding(rego.metadata.rule(), v)
}

destroy_violations contains v if {
	some t in lib.stateful_types
	some rc in lib.by_type[t]
	object.get(rc, "mode", "managed") == "managed"
	lib.action(rc) == "delete"
	not allowed(rc)
	v := lib.violation(rc, "", sprintf("%s: plan deletes a stateful resource", [rc.address]))
}

destroy_violations contains v if {
	some t in lib.stateful_types
	some rc in lib.by_type[t]
	object.get(rc, "mode", "managed") == "managed"
	lib.action(rc) == "replace"
	not allowed(rc)
	count(object.get(rc.change, "replace_paths", [])) > 0
	v := lib.violation(rc, first_path(rc), sprintf("%s: plan replaces a stateful resource (forced by %s)", [rc.address, forced_by(rc)]))
}

destroy_violations contains v if {
	some t in lib.stateful_types
	some rc in lib.by_type[t]
	object.get(rc, "mode", "managed") == "managed"
	lib.action(rc) == "replace"
	not allowed(rc)
	count(object.get(rc.change, "replace_paths", [])) == 0
	v := lib.violation(rc, "", sprintf("%s: plan replaces a stateful resource (replacement requested, e.g. -replace or taint)", [rc.address]))
}
