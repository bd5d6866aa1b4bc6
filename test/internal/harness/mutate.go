package harness

import (
	"encoding/json"
	"testing"
)

// Doc is a decoded plan JSON that a policy-regression case edits in place to
// produce a variant of a real plan: much cheaper than a terraform plan per
// case (~10 s each on 2 cores), and it exercises exactly the shapes the
// policies see. Every edit touches resource_changes and planned_values
// together so the variant stays a coherent plan.
type Doc struct {
	M map[string]any
}

// Mutable decodes a fresh copy of a plan JSON.
func Mutable(t testing.TB, data []byte) *Doc {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("mutate: plan JSON: %v", err)
	}
	return &Doc{M: m}
}

// Bytes re-encodes the document.
func (d *Doc) Bytes(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(d.M)
	if err != nil {
		t.Fatalf("mutate: encode: %v", err)
	}
	return b
}

// Changes returns the resource_changes entries of one resource type.
func (d *Doc) Changes(typ string) []map[string]any {
	var out []map[string]any
	for _, x := range List(d.M, "resource_changes") {
		rc, _ := x.(map[string]any)
		if rc != nil && rc["type"] == typ && rc["mode"] == "managed" {
			out = append(out, rc)
		}
	}
	return out
}

// planned returns the planned_values resources of one type, in every module.
func (d *Doc) planned(typ string) []map[string]any {
	var out []map[string]any
	var walk func(mod any)
	walk = func(mod any) {
		for _, x := range List(mod, "resources") {
			r, _ := x.(map[string]any)
			if r != nil && r["type"] == typ && r["mode"] == "managed" {
				out = append(out, r)
			}
		}
		for _, c := range List(mod, "child_modules") {
			walk(c)
		}
	}
	if root, ok := Get(d.M, "planned_values", "root_module"); ok {
		walk(root)
	}
	return out
}

// Set sets attribute key of every planned resource of typ (after value and
// planned value; the key is no longer unknown). It fails the test when the
// type is absent: a mutation that matches nothing would make its case pass
// for the wrong reason.
func (d *Doc) Set(t testing.TB, typ, key string, v any) {
	t.Helper()
	d.SetWhere(t, typ, func(map[string]any) bool { return true }, key, v)
}

// SetWhere is Set restricted to resources whose after value satisfies match.
func (d *Doc) SetWhere(t testing.TB, typ string, match func(after map[string]any) bool, key string, v any) {
	t.Helper()
	n := 0
	for _, rc := range d.Changes(typ) {
		after, _ := Get(rc, "change", "after")
		am, _ := after.(map[string]any)
		if am == nil || !match(am) {
			continue
		}
		am[key] = v
		if u, ok := Get(rc, "change", "after_unknown"); ok {
			if um, ok := u.(map[string]any); ok {
				delete(um, key)
			}
		}
		n++
	}
	for _, r := range d.planned(typ) {
		vals, _ := r["values"].(map[string]any)
		if vals != nil && match(vals) {
			vals[key] = v
		}
	}
	if n == 0 {
		t.Fatalf("mutate: no %s in the plan matched (the stack changed?)", typ)
	}
}

// Edit calls fn on the after value of every planned resource of typ (and
// its planned value), for edits deeper than one attribute.
func (d *Doc) Edit(t testing.TB, typ string, fn func(after map[string]any)) {
	t.Helper()
	n := 0
	for _, rc := range d.Changes(typ) {
		if am, ok := mustMap(Get(rc, "change", "after")); ok {
			fn(am)
			n++
		}
	}
	for _, r := range d.planned(typ) {
		if vals, ok := r["values"].(map[string]any); ok {
			fn(vals)
		}
	}
	if n == 0 {
		t.Fatalf("mutate: no %s in the plan (the stack changed?)", typ)
	}
}

func mustMap(v any, ok bool) (map[string]any, bool) {
	m, ok2 := v.(map[string]any)
	return m, ok && ok2
}

// Remove drops every resource of typ from the plan, as if its block had been
// deleted from the configuration before a first apply.
func (d *Doc) Remove(t testing.TB, typ string) {
	t.Helper()
	n := 0
	var keep []any
	for _, x := range List(d.M, "resource_changes") {
		rc, _ := x.(map[string]any)
		if rc != nil && rc["type"] == typ && rc["mode"] == "managed" {
			n++
			continue
		}
		keep = append(keep, x)
	}
	if n == 0 {
		t.Fatalf("mutate: no %s to remove (the stack changed?)", typ)
	}
	d.M["resource_changes"] = keep
	var walk func(mod any)
	walk = func(mod any) {
		m, _ := mod.(map[string]any)
		if m == nil {
			return
		}
		var rs []any
		for _, x := range List(m, "resources") {
			r, _ := x.(map[string]any)
			if r != nil && r["type"] == typ && r["mode"] == "managed" {
				continue
			}
			rs = append(rs, x)
		}
		if _, had := m["resources"]; had {
			m["resources"] = rs
		}
		for _, c := range List(m, "child_modules") {
			walk(c)
		}
	}
	if root, ok := Get(d.M, "planned_values", "root_module"); ok {
		walk(root)
	}
	if root, ok := Get(d.M, "configuration", "root_module"); ok {
		walk(root)
	}
}

// Replace turns the change of every resource of typ into a replacement
// forced by attribute path, with the prior state equal to the new value
// except that attribute — the shape Terraform prints for "must be replaced".
func (d *Doc) Replace(t testing.TB, typ, attr string, before any) {
	t.Helper()
	d.changeAction(t, typ, []any{"delete", "create"}, func(rc, ch map[string]any) {
		after, _ := ch["after"].(map[string]any)
		prior := map[string]any{}
		for k, v := range after {
			prior[k] = v
		}
		prior[attr] = before
		ch["before"] = prior
		rc["action_reason"] = "replace_because_cannot_update"
		ch["replace_paths"] = []any{[]any{attr}}
	})
}

// Delete turns the change of every resource of typ into a delete of an
// existing resource.
func (d *Doc) Delete(t testing.TB, typ string) {
	t.Helper()
	d.changeAction(t, typ, []any{"delete"}, func(rc, ch map[string]any) {
		ch["before"] = ch["after"]
		ch["after"] = nil
		ch["after_unknown"] = map[string]any{}
		rc["action_reason"] = "delete_because_no_resource_config"
	})
}

func (d *Doc) changeAction(t testing.TB, typ string, actions []any, fn func(rc, ch map[string]any)) {
	t.Helper()
	rcs := d.Changes(typ)
	if len(rcs) == 0 {
		t.Fatalf("mutate: no %s in the plan (the stack changed?)", typ)
	}
	for _, rc := range rcs {
		ch, _ := rc["change"].(map[string]any)
		ch["actions"] = actions
		fn(rc, ch)
	}
}

// EditAddress calls fn on the after value (and planned value) of the one
// resource at address; the test fails when it is not in the plan.
func (d *Doc) EditAddress(t testing.TB, address string, fn func(after map[string]any)) {
	t.Helper()
	found := false
	for _, x := range List(d.M, "resource_changes") {
		rc, _ := x.(map[string]any)
		if rc == nil || rc["address"] != address {
			continue
		}
		if am, ok := mustMap(Get(rc, "change", "after")); ok {
			fn(am)
			found = true
		}
	}
	var walk func(mod any)
	walk = func(mod any) {
		for _, x := range List(mod, "resources") {
			r, _ := x.(map[string]any)
			if r != nil && r["address"] == address {
				if vals, ok := r["values"].(map[string]any); ok {
					fn(vals)
				}
			}
		}
		for _, c := range List(mod, "child_modules") {
			walk(c)
		}
	}
	if root, ok := Get(d.M, "planned_values", "root_module"); ok {
		walk(root)
	}
	if !found {
		t.Fatalf("mutate: no %s in the plan (the stack changed?)", address)
	}
}

// Known marks attribute key of every resource of typ as known (drops it
// from after_unknown), for edits that give a computed attribute a value.
func (d *Doc) Known(typ, key string) {
	for _, rc := range d.Changes(typ) {
		if um, ok := mustMap(Get(rc, "change", "after_unknown")); ok {
			delete(um, key)
		}
	}
}

// Add appends a managed resource being created (resource_changes and the
// root module of planned_values), for the rules about resource types the
// stack does not use: a registry-style addition to the real plan.
func (d *Doc) Add(t testing.TB, typ, name string, after map[string]any) {
	t.Helper()
	addr := typ + "." + name
	for _, rc := range d.Changes(typ) {
		if rc["address"] == addr {
			t.Fatalf("mutate: %s already in the plan", addr)
		}
	}
	d.M["resource_changes"] = append(List(d.M, "resource_changes"), map[string]any{
		"address": addr, "mode": "managed", "type": typ, "name": name,
		"provider_name": "registry.terraform.io/hashicorp/aws",
		"change":        map[string]any{"actions": []any{"create"}, "before": nil, "after": after, "after_unknown": map[string]any{}},
	})
	if root, ok := mustMap(Get(d.M, "planned_values", "root_module")); ok {
		root["resources"] = append(List(root, "resources"), map[string]any{
			"address": addr, "mode": "managed", "type": typ, "name": name, "values": after,
		})
	}
}
