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

# after(rc, p) is the planned value at path p, null when absent. (object.get
# takes a key or a path array itself: no path(p) call on the hottest helper.)
after(rc, p) := object.get(rc.change.after, p, null) if is_object(rc.change.after)

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
	u := unknowns(rc)
	count(u) > 0
	some i, _ in p
	object.get(u, array.slice(p, 0, i + 1), false) == true
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

# unknowns(rcs, p): THE way every rule reports a value known only after
# apply: one "unknown until apply" violation per resource of rcs whose value
# at p (or a block containing it) is unknown. Rules judge only known values
# (lib.known) and add these, so an unknown value is never a silent pass nor
# a definite violation.
unknown_violations(rcs, p) := {unknown_violation(rc, p) | some rc in rcs; unknown(rc, p)}

# resources(types): the live resources of several types, as one list.
resources(types) := [rc | some t in types; some rc in live(t)]

# require(types, p, want, msg): every live resource of the given types has
# `want` at path p; an unknown value is reported, never passed.
require(types, p, want, msg) := {v |
	some rc in resources(types)
	known(rc, p)
	got := after(rc, p)
	got != want
	v := violation(rc, p, sprintf("%s: %s (%s = %v)", [rc.address, msg, attribute(p), got]))
} | unknown_violations(resources(types), p)

# require_set: the value at p must be non-empty. An unknown value the
# configuration assigns from another resource (kms_key_id =
# aws_kms_key.x.arn) is set; one the provider computes is unknown.
require_set(types, p, msg) := {v |
	some rc in resources(types)
	known(rc, p)
	empty(after(rc, p))
	v := violation(rc, p, sprintf("%s: %s (%s is not set)", [rc.address, msg, attribute(p)]))
} | unknown_violations([rc | some rc in resources(types); not configured_from_resource(rc, p)], p)

# configured_from_resource(rc, p): the configuration sets p from another
# resource's attribute (directly or through locals/variables/outputs).
configured_from_resource(rc, p) if {
	some k in link_keys_of_refs(rc, p)
	k[0] == "r"
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
module_key(rc) := strip_keys(object.get(rc, "module_address", ""))

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
	refs := block_references(module_key(rc), config_address(rc), p)
} else := []

# block_references: by block, not by resource, so OPA computes it once for
# all instances of a block (count, for_each, module instances).
block_references(mod, addr, p) := refs if {
	expr := object.get(config_blocks[[mod, addr]].expressions, path(p), {})
	refs := object.get(expr, "references", [])
} else := []

# ref_address: the resource a reference points at, without attribute or
# instance key: "aws_lb.main[0].arn" -> "aws_lb.main".
ref_address(ref) := concat(".", array.slice(parts, 0, 3)) if {
	parts := split(strip_keys(ref), ".")
	parts[0] == "data"
} else := concat(".", array.slice(parts, 0, 2)) if {
	parts := split(strip_keys(ref), ".")
	not parts[0] in {"var", "local", "module", "each", "count", "path", "terraform", "self"}
}

# --- resolving references through locals, variables and module outputs ---
# A reference like local.vpc_id, var.vpc_id or module.network.vpc_id is
# followed to the resource it ends at: locals through input.tfgate.locals
# (the gate reads them from the configuration source, which the plan JSON
# does not carry), variables through the calling module's arguments and
# outputs through the called module's output expressions. Rego has no
# recursion, so the hops are unrolled (4 deep covers local -> var ->
# output chains of registry modules).

# module_parts("module.a[\"x\"].module.b") = [["module.a[\"x\"]", "a"], ["module.b", "b"]]
module_parts(mod) := [[m[0], m[1]] | some m in regex.find_all_string_submatch_n(`module\.([^.\[]+)(\[[^\]]*\])?`, mod, -1)]

# Most addresses have no instance key: skip the regex for them.
strip_keys(mod) := mod if not contains(mod, "[")

else := regex.replace(mod, `\[[^\]]*\]`, "")

parent_module(mod) := concat(".", [p[0] | some i, p in module_parts(mod); i < count(module_parts(mod)) - 1])

join_module("", child) := child

join_module(parent, child) := sprintf("%s.%s", [parent, child]) if parent != ""

locals := object.get(object.get(input, "tfgate", {}), "locals", {})

# step(mod, ref): the references one hop further, as [module, reference].
step(mod, ref) := ({[mod, r] |
	parts := split(ref, ".")
	parts[0] == "local"
	some r in object.get(locals, [strip_keys(mod), regex.replace(parts[1], `\[.*`, "")], [])
} | {[parent, r] |
	parts := split(ref, ".")
	parts[0] == "var"
	mp := module_parts(mod)
	count(mp) > 0
	parent := parent_module(mod)
	call := config_modules[strip_keys(parent)].module_calls[mp[count(mp) - 1][1]]
	some r in object.get(call, ["expressions", regex.replace(parts[1], `\[.*`, ""), "references"], [])
}) | {[child, r] |
	parts := split(ref, ".")
	parts[0] == "module"
	count(parts) >= 3
	name := regex.replace(parts[1], `\[.*`, "")
	key := trim_prefix(parts[1], name)
	child := join_module(mod, sprintf("module.%s%s", [name, key]))
	out := config_modules[strip_keys(child)].outputs[regex.replace(parts[2], `\[.*`, "")]
	some r in object.get(out, ["expression", "references"], [])
}

hop1(mod, ref) := step(mod, ref)

hop2(mod, ref) := {x | some [m, r] in hop1(mod, ref); some x in step(m, r)}

hop3(mod, ref) := {x | some [m, r] in hop2(mod, ref); some x in step(m, r)}

hop4(mod, ref) := {x | some [m, r] in hop3(mod, ref); some x in step(m, r)}

# resolve(mod, ref): the resources [module address, resource address] a
# reference made in module mod ends at.
resolve(mod, ref) := {[mod, a] | a := ref_address(ref)} if {
	# A direct reference (aws_s3_bucket.data.id) has no hop to follow:
	# step() is empty for it, so the hops need not be computed.
	not ref_module_hop(ref)
} else := {[m, a] |
	some [m, r] in (((({[mod, ref]} | hop1(mod, ref)) | hop2(mod, ref)) | hop3(mod, ref)) | hop4(mod, ref))
	a := ref_address(r)
}

# --- linking resources: a's attribute p points at b ---------------------
# By equal known values (p holds b's id/arn/name) or, when ids are unknown
# until apply, by the configuration references (resolved through locals,
# variables and module outputs). Rules build an index of link_keys once and
# look targets up by target_keys, so linking is linear.

# link_keys(a, p): what a's attribute p points at.
link_keys(a, p) := {["v", v] | some v in known_values(a, p)} | link_keys_of_refs(a, p)

# The common case first (a resource without an instance key referring
# directly to other resources, no literal index): resolve is the reference's
# own address in a's module and instance_keys is {"any"}, so both calls,
# which dominated the S3 link index on large plans, are skipped.
link_keys_of_refs(a, p) := keys if {
	object.get(a, "index", null) == null
	refs := references(a, p)
	every ref in refs {
		not contains(ref, "[")
		not ref_module_hop(ref)
	}
	mod := object.get(a, "module_address", "")
	keys := {["r", mod, addr, "any"] | some ref in refs; addr := ref_address(ref)}
} else := {["r", m, addr, k] |
	refs := references(a, p)
	some ref in refs
	some [m, addr] in resolve(object.get(a, "module_address", ""), ref)
	some k in instance_keys(a, ref, refs, m, addr)
}

# instance_keys: which instances of the resource block addr a reference
# points at. A literal index (aws_s3_bucket.data["logs"]) names one; a
# for_each/count resource referring to another block without a literal
# index (bucket = aws_s3_bucket.data[each.key].id) points at the instance
# with its own key, or at a single-instance block (null); anything else,
# "any" instance of the block.
instance_keys(a, ref, refs, _, addr) := {k} if {
	k := literal_index(ref)
} else := set() if {
	some other in refs
	ref_address(other) == addr
	literal_index(other)
} else := {a.index, null} if {
	not ref_module_hop(ref)
	object.get(a, "index", null) != null
} else := {"any"}

literal_index(ref) := json.unmarshal(m[0][1]) if {
	contains(ref, "[")
	m := regex.find_all_string_submatch_n(`^[^\[]+\[([^\]]+)\]`, ref, 1)
	json.is_valid(m[0][1])
}

ref_module_hop(ref) if split(ref, ".")[0] in {"local", "var", "module"}

# unresolved_link(a, p): a's attribute p points at something that cannot
# be known now (unknown value, and no reference resolves to a resource):
# rules that need a link report "unknown" instead of "missing".
unresolved_link(a, p) if {
	unknown(a, p)
	count(link_keys_of_refs(a, p)) == 0
}

# target_keys(b, attrs): how resource b can be pointed at: by the known
# value of one of attrs, or by its configuration address.
target_keys(b, attrs) := {["v", v] |
	some attr in attrs
	v := object.get(b.change.after, attr, null)
	is_string(v)
	known(b, attr)
} | {["r", object.get(b, "module_address", ""), config_address(b), k] | some k in ["any", object.get(b, "index", null)]}

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

# list(x): x when it is a list, else [] (optional nested blocks are null
# when absent; plans from other tools can hold anything there).
list(x) := x if is_array(x)

else := []

# --- policy documents -----------------------------------------------------

# policy_statements(rc, p): the statements of the IAM policy document at p,
# normalised to {effect, actions, resources} with actions/resources null
# when only known after apply. From the planned JSON when known; when it is
# unknown until apply, from the aws_iam_policy_document data block it
# references (its statement blocks are in the configuration even when the
# ARNs inside are not). Undefined when neither can be read.
policy_statements(rc, p) := [normal_statement(st) | some st in as_list(json_attr(rc, p).Statement); is_object(st)] if {
	known(rc, p)
	json_attr(rc, p)
} else := [config_statement(st) | some st in document_block(rc, p).expressions.statement] if {
	unknown(rc, p)
	document_block(rc, p)
} else := [normal_statement(st) | some st in as_list(config_document(rc, p).Statement); is_object(st)] if {
	unknown(rc, p)
	is_object(config_document(rc, p))
}

# config_document(rc, p): the object inside `p = jsonencode({...})` in rc's
# configuration, read by the gate from the source (input.tfgate.documents;
# values known only after apply are null).
config_document(rc, p) := object.get(input, ["tfgate", "documents", module_key(rc), config_address(rc), attribute(p)], null)

as_list(x) := x if is_array(x)

as_list(x) := [x] if is_object(x)

normal_statement(st) := {
	"effect": object.get(st, "Effect", "Allow"),
	"actions": as_strings(object.get(st, "Action", [])),
	"not_actions": as_strings(object.get(st, "NotAction", [])),
	"resources": as_strings(object.get(st, "Resource", [])),
}

# as_strings: a string or a list of strings; null (unknown until apply)
# when the value, or an element of it, is not a known string.
as_strings(x) := [x] if is_string(x)

else := x if {
	is_array(x)
	every e in x {
		is_string(e)
	}
}

else := null

# A statement block of aws_iam_policy_document: constant lists are known,
# references (ARNs of resources being created) are unknown (null).
config_statement(st) := {
	"effect": object.get(st, ["effect", "constant_value"], "Allow"),
	"actions": config_list(st, "actions"),
	"not_actions": config_list(st, "not_actions"),
	"resources": config_list(st, "resources"),
}

config_list(st, k) := [] if not st[k]

else := st[k].constant_value if is_array(st[k].constant_value)

else := null

document_block(rc, p) := b if {
	some ref in references(rc, p)
	some [m, addr] in resolve(object.get(rc, "module_address", ""), ref)
	startswith(addr, "data.aws_iam_policy_document.")
	b := config_blocks[[strip_keys(m), addr]]
}

# get(x, k, d): object.get that tolerates non-objects (plans from other
# tools can put null or a string where a block is expected).
get(x, k, d) := object.get(x, k, d) if is_object(x)

else := d
