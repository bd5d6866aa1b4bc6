package input

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/ast"
	fjson "github.com/saprism/tfgate/internal/third_party/eopa/json"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

const doc = `{"format_version":"1.2","prior_state":{"values":{}},"variables":{"n":{"value":12345678901234567890}},
 "resource_changes":[
  {"address":"a.x","type":"a","change":{"actions":["update"],"before":{"p":"old"},"before_sensitive":{},"after":{"p":"new","n":1.50,"tags":{"Env":"prod"},"tags_all":{"Env":"prod"}}}},
  {"address":"b.y","type":"b","change":{"actions":["create"],"before":null,"after":{"tags":{"Env":"prod"}}}}]}`

// TestFromMap: the value's Go form is the map it was converted from
// (numbers keep their digits); pruned, without the Unread parts.
func TestFromMap(t *testing.T) {
	for _, prune := range []bool{false, true} {
		m := decode(t, doc)
		v, err := FromMap(m, prune)
		if err != nil {
			t.Fatal(err)
		}
		want := decode(t, doc)
		if prune {
			delete(want, "prior_state")
			for _, rc := range want["resource_changes"].([]any) {
				ch := rc.(map[string]any)["change"].(map[string]any)
				delete(ch, "before")
				delete(ch, "before_sensitive")
			}
		}
		if got := v.Go(); !reflect.DeepEqual(got, want) {
			t.Errorf("prune=%v:\n got %v\nwant %v", prune, got, want)
		}
		if v.Pruned != prune {
			t.Errorf("Pruned = %v", v.Pruned)
		}
	}
}

// TestBuilder: changes and members given one by one make the input
// FromMap makes of the whole document, plus resources_by_type sharing the
// changes' values; equal small objects are one value; With adds members
// without changing the value it is called on.
func TestBuilder(t *testing.T) {
	m := decode(t, doc)
	b := NewBuilder(false)
	b.StartChanges()
	for _, rc := range m["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if err := b.Change(rc, rc["type"].(string), true); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"format_version", "prior_state", "variables"} {
		if err := b.Member(k, m[k]); err != nil {
			t.Fatal(err)
		}
	}
	v := b.Value()
	got := v.Go()
	want := decode(t, doc)
	rcs := want["resource_changes"].([]any)
	want["resources_by_type"] = map[string]any{"a": []any{rcs[0]}, "b": []any{rcs[1]}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %v\nwant %v", got, want)
	}
	j := v.JSON()
	rc1, _ := j.Extract("/resource_changes/1")
	byType, _ := j.Extract("/resources_by_type/b/0")
	if rc1 != byType {
		t.Error("resources_by_type does not share the change's value")
	}
	t0, _ := j.Extract("/resource_changes/0/change/after/tags")
	t1, _ := j.Extract("/resource_changes/1/change/after/tags")
	all, _ := j.Extract("/resource_changes/0/change/after/tags_all")
	if t0 != t1 || t0 != all {
		t.Error("equal small objects are not one value")
	}
	w, err := v.With(map[string]any{"tfgate": map[string]any{"environment": "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.Go()["tfgate"]; ok {
		t.Error("With changed the value it was called on")
	}
	if w.Go()["tfgate"].(map[string]any)["environment"] != "dev" {
		t.Error("With did not add the member")
	}
	if b, err := json.Marshal(w); err != nil || !strings.Contains(string(b), `"environment":"dev"`) {
		t.Errorf("MarshalJSON: %s, %v", b, err)
	}
}

// TestBuilderScrub: a string converted before the secret it contains was
// known is rewritten by Scrub; pruning still holds; without a match
// nothing is rebuilt.
func TestBuilderScrub(t *testing.T) {
	b := NewBuilder(true)
	b.StartChanges()
	rc := decode(t, `{"address":"a.x","type":"a","change":{"actions":["create"],"before":{"p":"CANARY-input-not-a-real-secret"},"after":{"doc":"{\"pw\":\"CANARY-input-not-a-real-secret\"}","keep":"plain"}}}`)
	if err := b.Change(rc, "a", true); err != nil {
		t.Fatal(err)
	}
	if err := b.Member("prior_state", map[string]any{"p": "CANARY-input-not-a-real-secret"}); err != nil {
		t.Fatal(err)
	}
	before := b.Value().JSON()
	if err := b.Scrub(func(s string) string { return s }); err != nil {
		t.Fatal(err)
	}
	if unchanged, _ := b.Value().JSON().Extract("/resource_changes/0"); unchanged != mustExtract(t, before, "/resource_changes/0") {
		t.Error("Scrub rebuilt the value though nothing changed")
	}
	if err := b.Scrub(func(s string) string { return strings.ReplaceAll(s, "CANARY-input-not-a-real-secret", "***") }); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(b.Value())
	if strings.Contains(string(got), "CANARY") {
		t.Fatalf("secret left: %s", got)
	}
	if !strings.Contains(string(got), `"keep":"plain"`) || !strings.Contains(string(got), `***`) || strings.Contains(string(got), "prior_state") || strings.Contains(string(got), `"before"`) {
		t.Fatalf("scrubbed value: %s", got)
	}
}

func mustExtract(t *testing.T, v fjson.Json, p string) fjson.Json {
	t.Helper()
	x, err := v.Extract(p)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestAST: the OPA value is OPA's own conversion of the value's Go form,
// with the value's sharing kept: resources_by_type holds the changes'
// terms, equal strings are one term, and equal small objects one term.
func TestAST(t *testing.T) {
	m := decode(t, doc)
	b := NewBuilder(false)
	b.StartChanges()
	for _, rc := range m["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if err := b.Change(rc, rc["type"].(string), true); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"format_version", "prior_state", "variables"} {
		if err := b.Member(k, m[k]); err != nil {
			t.Fatal(err)
		}
	}
	v := b.Value()
	want, err := ast.InterfaceToValue(v.Go())
	if err != nil {
		t.Fatal(err)
	}
	got := v.AST()
	if got.Compare(want) != 0 {
		t.Fatalf("AST differs from OPA's conversion:\n got %v\nwant %v", got, want)
	}
	find := func(ref string) *ast.Term {
		t.Helper()
		x, err := got.Find(ast.MustParseRef("x." + ref)[1:])
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		return ast.NewTerm(x)
	}
	top := got.(ast.Object)
	rc1 := top.Get(ast.StringTerm("resource_changes")).Value.(*ast.Array).Elem(1)
	byType := top.Get(ast.StringTerm("resources_by_type")).Get(ast.StringTerm("b")).Value.(*ast.Array).Elem(0)
	if rc1 != byType {
		t.Error("resources_by_type does not share the change's term")
	}
	tags := find(`resource_changes[0].change.after.tags`)
	all := find(`resource_changes[0].change.after.tags_all`)
	if tags.Value != all.Value {
		t.Error("equal small objects are not one term")
	}
	key := func(obj *ast.Term, name string) *ast.Term {
		for _, k := range obj.Value.(ast.Object).Keys() {
			if k.Value.Compare(ast.String(name)) == 0 {
				return k
			}
		}
		t.Fatalf("no key %s", name)
		return nil
	}
	rc0 := top.Get(ast.StringTerm("resource_changes")).Value.(*ast.Array).Elem(0)
	if key(rc0, "address") != key(rc1, "address") {
		t.Error("equal strings are not one term")
	}
}
