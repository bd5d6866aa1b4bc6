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
} else := {t: rcs |
	some rc in input.resource_changes
	t := rc.type
	rcs := [r | some r in input.resource_changes; r.type == t]
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
after(rc, p) := object.get(rc.change.after, path(p), null)

# unknown(rc, p) holds when the value at p, or any block containing it, is
# only known after apply.
unknown(rc, p) if {
	ps := path(p)
	some i in numbers.range(1, count(ps))
	object.get(rc.change.after_unknown, array.slice(ps, 0, i), false) == true
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

# The configuration module that declares rc (root or a nested module call).
module_config(rc) := input.configuration.root_module if {
	not rc.module_address
} else := object.get(input.configuration.root_module, module_path(rc.module_address), {})

module_path(addr) := array.flatten([["module_calls", name, "module"] |
	some part in split(addr, ".module.")
	name := regex.replace(trim_prefix(part, "module."), `\[[^\]]*\]$`, "")
])

# config_address: the address of rc's resource block inside its module.
config_address(rc) := sprintf("%s.%s", [rc.type, rc.name]) if object.get(rc, "mode", "managed") == "managed"

config_address(rc) := sprintf("data.%s.%s", [rc.type, rc.name]) if rc.mode == "data"

config_resource(rc) := config_block(rc, config_address(rc))

# config_block(rc, addr): the resource block addr in the module declaring rc.
config_block(rc, addr) := r if {
	some r in module_config(rc).resources
	r.address == addr
}

# references(rc, p): the references of the expression of attribute p in the
# configuration (e.g. ["aws_lb.main.arn", "aws_lb.main"]); nested block
# paths like ["rule", 0, "x"] follow the block structure.
references(rc, p) := refs if {
	expr := object.get(config_resource(rc).expressions, path(p), {})
	refs := object.get(expr, "references", [])
} else := []

# refers_to(a, p, b): a's attribute p references resource b (same module).
refers_to(a, p, b) if {
	object.get(a, "module_address", "") == object.get(b, "module_address", "")
	some ref in references(a, p)
	ref_targets(ref, config_address(b))
}

ref_targets(ref, addr) if ref == addr

ref_targets(ref, addr) if startswith(ref, concat("", [addr, "."]))

ref_targets(ref, addr) if startswith(ref, concat("", [addr, "["]))

# links(a, p, b, attr): a's attribute p points at b, either by equal known
# values (b's attr, e.g. its id or arn) or, when ids are unknown until
# apply, through the configuration references.
links(a, p, b, attr) if {
	known(a, p)
	v := after(a, p)
	v != null
	v == object.get(b.change.after, attr, null)
}

links(a, p, b, attr) if {
	known(a, p)
	some v in after(a, p)
	v == object.get(b.change.after, attr, null)
}

links(a, p, b, _) if refers_to(a, p, b)

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
secret_name(n) if endswith(upper(n), "_KEY")

secret_name(n) if endswith(upper(n), "_SECRET")

secret_name(n) if contains(upper(n), "PASSWORD")

secret_name(n) if contains(upper(n), "TOKEN")

secret_name(n) if upper(n) == "DATABASE_URL"

# Types whose deletion loses data, guarded by STATE-001.
stateful_types := {
	"aws_db_instance", "aws_rds_cluster", "aws_s3_bucket", "aws_cognito_user_pool",
	"aws_kms_key", "aws_ecr_repository", "aws_cloudwatch_log_group",
}

# list(x): x, or [] when x is null (optional nested blocks).
list(x) := x if x != null

list(null) := []
