# METADATA
# title: tfgate policy library
# description: |
#   Helpers shared by every tfgate rule. They work on the input tfgate builds
#   (raw plan + resources_by_type + resource_changes[i].action + tfgate{})
#   and, unchanged, on a raw `terraform show -json` plan (opa, conftest).
package tfgate.lib

import rego.v1

# Resource changes grouped by type. tfgate precomputes this once in Go; on a
# raw plan it is derived here so the same rules run under opa and conftest.
by_type := input.resources_by_type if {
	is_object(input.resources_by_type)
} else := {t: [r | some r in input.resource_changes; r.type == t] |
	# distinct types first: one pass per type, not per resource
	some t in {rc.type | some rc in input.resource_changes}
}

# The action of a resource change: tfgate sets it, a raw plan only has actions.
action(rc) := rc.action if {
	is_string(rc.action)
} else := "replace" if {
	"delete" in rc.change.actions
	"create" in rc.change.actions
} else := rc.change.actions[0]

# Managed resources of a type that exist after apply (created, updated,
# replaced or unchanged): the ones whose planned state rules inspect.
live(t) := [rc |
	some rc in by_type[t]
	object.get(rc, "mode", "managed") == "managed"
	not action(rc) in {"delete", "read"}
]

# Environment the plan is for: set by the gate; on a raw plan the root
# module's `environment` variable; production otherwise (fail closed).
environment := input.tfgate.environment if {
	is_string(input.tfgate.environment)
} else := input.variables.environment.value if {
	is_string(input.variables.environment.value)
} else := "production"

allow_destroy := object.get(object.get(input, "tfgate", {}), "allow_destroy", [])

# path turns "a" or ["a", 0, "b"] into an array path.
path(p) := p if is_array(p)

path(p) := [p] if is_string(p)

# The attribute name a finding points at (source mapping): the path without
# list indices, dotted, e.g. image_scanning_configuration.scan_on_push.
attribute(p) := concat(".", [s | some s in path(p); is_string(s)])

# after(rc, p) is the planned value at path p, null when absent.
after(rc, p) := object.get(rc.change.after, path(p), null) if is_object(rc.change.after)

else := null

# after_unknown of rc, {} when the plan has none.
unknowns(rc) := rc.change.after_unknown if is_object(rc.change.after_unknown)

else := {}

# unknown(rc, p) holds when the value at p, or any block containing it, is
# only known after apply.
unknown(rc, p) if {
	is_string(p)
	unknowns(rc)[p] == true
}

unknown(rc, p) if {
	is_array(p)
	some i in numbers.range(1, count(p))
	object.get(unknowns(rc), array.slice(p, 0, i), false) == true
}

# known(rc, p) holds when the planned value at p can be inspected now.
known(rc, p) if not unknown(rc, p)

# violation(rc, p, msg): resource rc breaks a rule at attribute path p.
violation(rc, p, msg) := {
	"address": rc.address,
	"type": rc.type,
	"attribute": attribute(p),
	"message": msg,
	"unknown": false,
}

# unknown_violation(rc, p): the rule cannot decide because the value at p is
# only known after apply; reported, never a silent pass.
unknown_violation(rc, p) := {
	"address": rc.address,
	"type": rc.type,
	"attribute": attribute(p),
	"unknown": true,
}

# finding(meta, v): the structured finding of a rule (meta is the rule's
# rego.metadata.rule(), so the id and severity live only in METADATA).
finding(meta, v) := object.union(v, {
	"id": meta.custom.id,
	"severity": meta.custom.severity,
	"enforcement": object.get(meta.custom, "enforcement", {}),
	"title": meta.title,
}) if {
	not v.unknown
} else := object.union(v, {
	"id": meta.custom.id,
	"severity": meta.custom.severity,
	"enforcement": object.get(meta.custom, "enforcement", {}),
	"title": meta.title,
	"message": sprintf("%s: %s is unknown until apply, so %q cannot be verified", [v.address, v.attribute, meta.title]),
})

# require(types, p, want, msg): every live resource of the given types has
# `want` at path p; an unknown value is reported, never passed.
require(types, p, want, msg) := {v |
	some t in types
	some rc in live(t)
	known(rc, p)
	got := after(rc, p)
	got != want
	v := violation(rc, p, sprintf("%s: %s (%s = %v)", [rc.address, msg, attribute(p), got]))
} | {v |
	some t in types
	some rc in live(t)
	unknown(rc, p)
	v := unknown_violation(rc, p)
}

# require_set: the value at p must be non-empty (or computed by another
# resource, i.e. unknown now: a reference to a key being created is set).
require_set(types, p, msg) := {v |
	some t in types
	some rc in live(t)
	known(rc, p)
	empty(after(rc, p))
	v := violation(rc, p, sprintf("%s: %s (%s is not set)", [rc.address, msg, attribute(p)]))
}

empty(x) if x == null

empty(x) if x == ""

empty(x) if x == []

empty(x) if x == {}

# --- configuration: linking resources whose ids are unknown until apply ---

# Configuration modules by module path without instance keys ("" for the
# root, "module.a", "module.a.module.b"), three levels deep.
config_modules[""] := input.configuration.root_module

config_modules[sprintf("module.%s", [a])] := ma.module if {
	some a, ma in input.configuration.root_module.module_calls
}

config_modules[sprintf("module.%s.module.%s", [a, b])] := mb.module if {
	some a, ma in input.configuration.root_module.module_calls
	some b, mb in ma.module.module_calls
}

config_modules[sprintf("module.%s.module.%s.module.%s", [a, b, c])] := mc.module if {
	some a, ma in input.configuration.root_module.module_calls
	some b, mb in ma.module.module_calls
	some c, mc in mb.module.module_calls
}

# Resource blocks keyed by [module path, address in module]: built once per
# evaluation so each lookup is constant time.
config_blocks[[mod, r.address]] := r if {
	some mod, m in config_modules
	some r in m.resources
}

# module_key: module_address without instance keys (module.a[0] -> module.a).
module_key(rc) := regex.replace(object.get(rc, "module_address", ""), `\[[^\]]*\]`, "")

# config_address: the address of rc's resource block inside its module.
config_address(rc) := sprintf("%s.%s", [rc.type, rc.name]) if object.get(rc, "mode", "managed") == "managed"

config_address(rc) := sprintf("data.%s.%s", [rc.type, rc.name]) if rc.mode == "data"

config_resource(rc) := config_block(rc, config_address(rc))

# config_block(rc, addr): the resource block addr in the module declaring rc.
config_block(rc, addr) := config_blocks[[module_key(rc), addr]]

# references(rc, p): the references of the expression of attribute p in the
# configuration (e.g. ["aws_lb.main.arn", "aws_lb.main"]); nested block
# paths like ["rule", 0, "x"] follow the block structure.
references(rc, p) := refs if {
	expr := object.get(config_resource(rc).expressions, path(p), {})
	refs := object.get(expr, "references", [])
} else := []

# ref_address: the resource a reference points at, without attribute or
# instance key: "aws_lb.main[0].arn" -> "aws_lb.main".
ref_address(ref) := concat(".", array.slice(parts, 0, 3)) if {
	parts := split(regex.replace(ref, `\[[^\]]*\]`, ""), ".")
	parts[0] == "data"
} else := concat(".", array.slice(parts, 0, 2)) if {
	parts := split(regex.replace(ref, `\[[^\]]*\]`, ""), ".")
	not parts[0] in {"var", "local", "module", "each", "count", "path", "terraform", "self"}
}

# --- linking resources: a's attribute p points at b ---------------------
# By equal known values (p holds b's id/arn/name) or, when ids are unknown
# until apply, by the configuration references. Rules build an index of
# link_keys once and look targets up by target_keys, so linking is linear.

# link_keys(a, p): what a's attribute p points at.
link_keys(a, p) := {["v", v] | some v in known_values(a, p)} | {k |
	some ref in references(a, p)
	k := ["r", object.get(a, "module_address", ""), ref_address(ref)]
}

# target_keys(b, attrs): how resource b can be pointed at: by the known
# value of one of attrs, or by its configuration address.
target_keys(b, attrs) := {["v", v] |
	some attr in attrs
	v := object.get(b.change.after, attr, null)
	is_string(v)
	known(b, attr)
} | {["r", object.get(b, "module_address", ""), config_address(b)]}

known_values(a, p) := {v} if {
	known(a, p)
	v := after(a, p)
	is_string(v)
} else := {v |
	known(a, p)
	some v in after(a, p)
	is_string(v)
}

# links(a, p, b, attr): a's attribute p points at b (for one-off checks;
# rules over many resources use an index of link_keys instead).
links(a, p, b, attr) if {
	some k in link_keys(a, p)
	k in target_keys(b, [attr])
}

# tags_all includes the provider's default_tags; tags is the fallback for
# plans from providers that do not report tags_all.
tags(rc) := rc.change.after.tags_all if is_object(rc.change.after.tags_all)

else := object.get(rc.change.after, "tags", {})

# Parsed JSON string attribute (policies, container definitions), or
# undefined when it is not valid JSON.
json_attr(rc, p) := v if {
	s := after(rc, p)
	is_string(s)
	json.is_valid(s)
	v := json.unmarshal(s)
}

# sensitive(rc, p): Terraform marked the planned value at p as sensitive.
sensitive(rc, p) if object.get(rc.change, array.concat(["after_sensitive"], path(p)), false) == true

# Secret-looking names: *_KEY, *_SECRET, *PASSWORD*, *TOKEN*, DATABASE_URL.
secret_name(n) if {
	is_string(n)
	secret_upper(upper(n))
}

secret_upper(n) if endswith(n, "_KEY")

secret_upper(n) if endswith(n, "_SECRET")

secret_upper(n) if contains(n, "PASSWORD")

secret_upper(n) if contains(n, "TOKEN")

secret_upper(n) if n == "DATABASE_URL"

# Types whose deletion loses data, guarded by STATE-001.
stateful_types := {
	"aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_cognito_user_pool",
	"aws_kms_key", "aws_ecr_repository", "aws_cloudwatch_log_group",
	"aws_backup_vault", # deleting it (force_destroy) drops every recovery point
}

# list(x): x, or [] when x is null (optional nested blocks).
list(x) := x if x != null

list(null) := []
