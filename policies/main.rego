# METADATA
# title: conftest entry point
# description: |
#   `conftest test --policy policies/ plan.json` evaluates package main:
#   the structured findings of every tfgate.aws rule become deny/warn
#   messages by their enforcement in the plan's environment (the gate's
#   tfgate.environment, else the plan's `environment` variable, else
#   production). tfgate itself queries the rules directly.
package main

import rego.v1

import data.tfgate.lib

findings contains f if {
	some f in data.tfgate.aws[_][_]
	is_object(f)
	f.id
}

default_enforcement := {
	"critical": {"dev": "advisory", "staging": "warn", "production": "deny"},
	"high": {"dev": "advisory", "staging": "warn", "production": "deny"},
	"medium": {"dev": "advisory", "staging": "advisory", "production": "warn"},
	"low": {"dev": "advisory", "staging": "advisory", "production": "advisory"},
}

enforcement(f) := e if {
	e := f.enforcement[lib.environment]
} else := e if {
	e := default_enforcement[f.severity][lib.environment]
} else := f.enforcement.production if {
	f.enforcement.production
} else := default_enforcement[f.severity].production

message(f) := sprintf("[%s] %s", [f.id, f.message])

deny contains message(f) if {
	some f in findings
	not f.unknown
	enforcement(f) == "deny"
}

# A rule that cannot decide because a value is unknown until apply warns.
warn contains message(f) if {
	some f in findings
	f.unknown
}

warn contains message(f) if {
	some f in findings
	not f.unknown
	enforcement(f) == "warn"
}
