package custom.broken

import rego.v1

deny contains msg if {
	msg := input.nope[
}
