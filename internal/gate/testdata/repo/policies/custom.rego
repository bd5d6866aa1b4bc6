# METADATA
# title: Custom project rules
package custom.db

import rego.v1

# METADATA
# title: Database identifiers carry the project prefix
# custom:
#   id: CUST-001
#   severity: low
#   enforcement: {dev: advisory, staging: warn, production: warn}
prefix contains f if {
	some rc in input.resources_by_type.aws_db_instance
	not startswith(rc.change.after.identifier, "tfgate-")
	f := {
		"id": "CUST-001",
		"address": rc.address,
		"attribute": "identifier",
		"message": sprintf("%s: identifier %q lacks the tfgate- prefix", [rc.address, rc.change.after.identifier]),
	}
}
