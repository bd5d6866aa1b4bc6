# Builders for test inputs: minimal resource changes in the shape of
# `terraform show -json`.
package tfgate.fixtures

import rego.v1

rc(t, name, after) := {
	"address": sprintf("%s.%s", [t, name]),
	"mode": "managed",
	"type": t,
	"name": name,
	"change": {"actions": ["create"], "after": after, "after_unknown": {}},
}

# unknown: after_unknown marks (e.g. {"deletion_protection": true}).
rc_unknown(t, name, after, unk) := object.union(rc(t, name, after), {"change": {
	"actions": ["create"],
	"after": after,
	"after_unknown": unk,
}})

plan(rcs) := {"format_version": "1.2", "resource_changes": rcs}

# with_config adds root module configuration resources.
with_config(rcs, cfg) := object.union(plan(rcs), {"configuration": {"root_module": {"resources": cfg}}})

# with_gate sets the gate's part of the input (environment, required_tags, locals).
with_gate(p, gate) := object.union(p, {"tfgate": gate})

# ref_config: a root-module configuration block for rc whose attribute attr
# refers to ref (e.g. "aws_kms_key.main.arn").
ref_config(t, name, attr, refs) := {"address": sprintf("%s.%s", [t, name]), "mode": "managed", "type": t, "name": name, "expressions": {attr: {"references": refs}}}
