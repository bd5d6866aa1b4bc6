package plan

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/saprism/tfgate/internal/result"
)

// Drift reads a refresh-only plan (terraform plan -refresh-only): its
// resource_drift is what changed outside Terraform. It returns every drifted
// managed resource with its changed attributes (sensitive values replaced by
// Sensitive), and the refreshed state re-expressed as a plan document, so the
// policy gate judges the live objects exactly as it judges a plan: every
// resource of the refreshed state is a change whose "after" is its live
// value ("update" when it drifted, "no-op" otherwise).
func Drift(data []byte, name string) (*result.Drift, []byte, error) {
	if _, err := Parse(data, name); err != nil { // validates the document
		return nil, nil, err
	}
	obj, err := decodeObjectWhole(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	d := &result.Drift{Resources: []result.DriftedResource{}}
	drifted := map[string]map[string]any{} // address -> change
	rds, _ := obj["resource_drift"].([]any)
	for _, v := range rds {
		rc, _ := v.(map[string]any)
		if mode, _ := rc["mode"].(string); rc == nil || mode == "data" {
			continue
		}
		ch, _ := rc["change"].(map[string]any)
		addr, _ := rc["address"].(string)
		typ, _ := rc["type"].(string)
		act := Classify(stringsOf(ch["actions"]))
		r := result.DriftedResource{Address: addr, Type: typ, Action: act}
		if act == ActionDelete {
			r.Action = "deleted"
		} else {
			r.Attributes = dropVolatile(typ, diffAttributes(ch["before"], ch["after"], ch["before_sensitive"], ch["after_sensitive"], ""))
			if len(r.Attributes) == 0 && onlyVolatile(typ, ch["before"], ch["after"]) {
				continue
			}
			if len(r.Attributes) == 0 {
				// Terraform reports drift only when the objects differ; a
				// difference this diff cannot place is still drift.
				r.Attributes = []result.DriftedAttribute{{Path: "(object)", Before: "(changed)", After: "(changed)"}}
			}
			r.Action = "changed"
		}
		d.Resources = append(d.Resources, r)
		drifted[addr] = ch
	}
	sort.Slice(d.Resources, func(i, j int) bool { return d.Resources[i].Address < d.Resources[j].Address })

	// The refreshed state as resource changes.
	var changes []any
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		rs, _ := m["resources"].([]any)
		for _, v := range rs {
			r, _ := v.(map[string]any)
			if mode, _ := r["mode"].(string); r == nil || mode == "data" {
				continue
			}
			addr, _ := r["address"].(string)
			vals, _ := r["values"].(map[string]any)
			sens := r["sensitive_values"]
			if sens == nil {
				sens = map[string]any{}
			}
			before, actions, beforeSens := any(vals), []any{ActionNoOp}, sens
			if ch, ok := drifted[addr]; ok {
				before, actions = ch["before"], []any{ActionUpdate}
				if bs, ok := ch["before_sensitive"]; ok {
					beforeSens = bs
				}
			}
			rc := map[string]any{
				"address": addr, "mode": "managed", "type": r["type"], "name": r["name"],
				"provider_name": r["provider_name"],
				"change": map[string]any{
					"actions": actions, "before": before, "after": vals, "after_unknown": map[string]any{},
					"before_sensitive": beforeSens, "after_sensitive": sens,
				},
			}
			if idx, ok := r["index"]; ok {
				rc["index"] = idx
			}
			if i := strings.LastIndex(addr, "."+fmt.Sprint(r["type"])+"."); i > 0 && strings.HasPrefix(addr, "module.") {
				rc["module_address"] = addr[:i]
			}
			changes = append(changes, rc)
		}
		kids, _ := m["child_modules"].([]any)
		for _, k := range kids {
			if km, ok := k.(map[string]any); ok {
				walk(km)
			}
		}
	}
	if ps, ok := obj["prior_state"].(map[string]any); ok {
		if vals, ok := ps["values"].(map[string]any); ok {
			if root, ok := vals["root_module"].(map[string]any); ok {
				walk(root)
			}
		}
	}
	refreshed := map[string]any{
		"format_version":    obj["format_version"],
		"terraform_version": obj["terraform_version"],
		"resource_changes":  changes,
		"resource_drift":    obj["resource_drift"],
	}
	for _, k := range []string{"configuration", "variables"} {
		if v, ok := obj[k]; ok {
			refreshed[k] = v
		}
	}
	out, err := json.Marshal(refreshed)
	if err != nil {
		return nil, nil, err
	}
	return d, out, nil
}

// volatile are attributes the provider reads fresh on every refresh
// although nobody changed anything (timestamps of continuous backups):
// reporting them would make every drift check fire.
var volatile = map[string]map[string]bool{
	"aws_db_instance": {"latest_restorable_time": true},
	"aws_rds_cluster": {"latest_restorable_time": true},
}

func dropVolatile(typ string, attrs []result.DriftedAttribute) []result.DriftedAttribute {
	v := volatile[typ]
	if v == nil {
		return attrs
	}
	out := attrs[:0]
	for _, a := range attrs {
		if !v[a.Path] {
			out = append(out, a)
		}
	}
	return out
}

// onlyVolatile: the objects differ in volatile attributes only.
func onlyVolatile(typ string, before, after any) bool {
	v := volatile[typ]
	b, bok := before.(map[string]any)
	a, aok := after.(map[string]any)
	if v == nil || !bok || !aok {
		return false
	}
	strip := func(m map[string]any) map[string]any {
		c := make(map[string]any, len(m))
		for k, x := range m {
			if !v[k] {
				c[k] = x
			}
		}
		return c
	}
	return reflect.DeepEqual(strip(b), strip(a))
}

func stringsOf(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// maxValue bounds a rendered value: a drifted policy document or user data
// must not flood a PR comment.
const maxValue = 200

// diffAttributes lists the leaves that differ between before and after.
// Lists of different lengths are reported whole (their elements have no
// identity to pair them by).
func diffAttributes(before, after, bs, as any, path string) []result.DriftedAttribute {
	if isSensitive(bs) || isSensitive(as) {
		if reflect.DeepEqual(before, after) {
			return nil
		}
		return []result.DriftedAttribute{{Path: orObject(path), Before: Sensitive, After: Sensitive}}
	}
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok && aok {
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		var out []result.DriftedAttribute
		for _, k := range names {
			out = append(out, diffAttributes(bm[k], am[k], child(bs, k), child(as, k), join(path, k))...)
		}
		return out
	}
	bl, bok := before.([]any)
	al, aok := after.([]any)
	if bok && aok && len(bl) == len(al) {
		var out []result.DriftedAttribute
		for i := range bl {
			out = append(out, diffAttributes(bl[i], al[i], index(bs, i), index(as, i), path+"["+strconv.Itoa(i)+"]")...)
		}
		return out
	}
	if reflect.DeepEqual(before, after) {
		return nil
	}
	if containsSensitive(bs) || containsSensitive(as) {
		return []result.DriftedAttribute{{Path: orObject(path), Before: Sensitive, After: Sensitive}}
	}
	return []result.DriftedAttribute{{Path: orObject(path), Before: render(before), After: render(after)}}
}

func isSensitive(m any) bool { b, _ := m.(bool); return b }

// containsSensitive: any sensitive mark inside a value rendered whole.
func containsSensitive(m any) bool {
	switch v := m.(type) {
	case bool:
		return v
	case map[string]any:
		for _, x := range v {
			if containsSensitive(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if containsSensitive(x) {
				return true
			}
		}
	}
	return false
}

func child(m any, k string) any {
	if mm, ok := m.(map[string]any); ok {
		return mm[k]
	}
	return m // a whole-object mark (true) covers its children
}

func index(m any, i int) any {
	if l, ok := m.([]any); ok {
		if i < len(l) {
			return l[i]
		}
		return nil
	}
	return m
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orObject(p string) string {
	if p == "" {
		return "(object)"
	}
	return p
}

func render(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(b)
	if len(s) > maxValue {
		s = s[:maxValue] + "…"
	}
	return s
}
