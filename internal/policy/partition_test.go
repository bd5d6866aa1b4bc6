package policy

import (
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/plan"
)

// TestPartition: every rule in exactly one group, packages never split,
// no more groups than asked, and S3 (the costliest package) not grouped
// with tags (the second) when there are two groups.
func TestPartition(t *testing.T) {
	e := newEngine(t, Options{})
	pkg := func(i int) string { return e.rules[i].ref[:len(e.rules[i].ref)-1].String() }
	for _, n := range []int{1, 2, 3, 8, 1000} {
		groups := partition(e.rules, n)
		if len(groups) > n {
			t.Fatalf("n=%d: %d groups", n, len(groups))
		}
		var all []int
		owner := map[string]int{}
		for g, idx := range groups {
			if len(idx) == 0 {
				t.Errorf("n=%d: group %d is empty", n, g)
			}
			for _, i := range idx {
				if o, ok := owner[pkg(i)]; ok && o != g {
					t.Errorf("n=%d: package %s split over groups %d and %d", n, pkg(i), o, g)
				}
				owner[pkg(i)] = g
				all = append(all, i)
			}
		}
		sort.Ints(all)
		for i := range e.rules {
			if i >= len(all) || all[i] != i {
				t.Fatalf("n=%d: rules not each in exactly one group: %v", n, all)
			}
		}
		if n == 2 && owner["data.tfgate.aws.s3"] == owner["data.tfgate.aws.tags"] {
			t.Errorf("n=2: s3 and tags in the same group")
		}
	}
}

// TestPruneInput: the embedded library alone gets the pruned input (its
// rules never read the state sections or change.before), a --policy dir
// turns pruning off, and so would a library rule mentioning such a key.
func TestPruneInput(t *testing.T) {
	if e := newEngine(t, Options{}); !e.prune {
		t.Error("embedded library: input not pruned (does a rule read change.before or a state section now?)")
	}
	if e := newEngine(t, Options{ExtraDirs: []string{"../gate/testdata/repo/policies"}}); e.prune {
		t.Error("with a --policy dir the input must be whole")
	}
	mod := ast.MustParseModule("package x\n\nimport rego.v1\n\nb contains x if x := input.resource_changes[_].change.before\n")
	if !readsUnread(map[string]*ast.Module{"x.rego": mod}) {
		t.Error("a rule reading change.before was not noticed")
	}
}

// TestInputValueInChunks: converting the resource changes in parallel
// chunks gives OPA's own conversion of the input (InterfaceToValue), with
// resources_by_type sharing the changes' terms, equal strings sharing one
// term and equal small objects (tags, tags_all) one object; pruned, the
// same without the unread keys. The plan is large enough for several chunks.
func TestInputValueInChunks(t *testing.T) {
	p, err := plan.Parse(gen.Plan(4*256+7), "generated")
	if err != nil {
		t.Fatal(err)
	}
	// As Go values, with resources_by_type holding the resource_changes
	// maps themselves (as a caller's decoded input may).
	m := policyInput(t, p).Go()
	byType := map[string]any{}
	for _, v := range m["resource_changes"].([]any) {
		typ := v.(map[string]any)["type"].(string)
		list, _ := byType[typ].([]any)
		byType[typ] = append(list, v)
	}
	m["resources_by_type"] = byType
	want, err := ast.InterfaceToValue(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := convertInput(m, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Compare(want) != 0 {
		t.Fatal("convertInput differs from ast.InterfaceToValue")
	}
	top := got.(ast.Object)
	first := top.Get(ast.StringTerm("resource_changes")).Value.(*ast.Array).Elem(0)
	typ := first.Get(ast.StringTerm("type"))
	shared := top.Get(ast.StringTerm("resources_by_type")).Get(typ).Value.(*ast.Array).Elem(0)
	if shared.Value != first.Value {
		t.Error("resources_by_type does not share the change's term")
	}
	second := top.Get(ast.StringTerm("resource_changes")).Value.(*ast.Array).Elem(1)
	if a, b := first.Get(ast.StringTerm("mode")), second.Get(ast.StringTerm("mode")); a != b {
		t.Error("equal strings of one chunk are not one term")
	}
	sharedTags := false
	for i := range top.Get(ast.StringTerm("resource_changes")).Value.(*ast.Array).Len() {
		after := top.Get(ast.StringTerm("resource_changes")).Value.(*ast.Array).Elem(i).Get(ast.StringTerm("change")).Get(ast.StringTerm("after"))
		tags, all := after.Get(ast.StringTerm("tags")), after.Get(ast.StringTerm("tags_all"))
		if tags != nil && all != nil && tags.Value.Compare(all.Value) == 0 {
			if tags.Value != all.Value {
				t.Fatalf("change %d: equal tags and tags_all are two objects", i)
			}
			sharedTags = true
		}
	}
	if !sharedTags {
		t.Error("the generated plan has no resource with equal tags and tags_all to check")
	}

	e := newEngine(t, Options{})
	pruned, err := e.inputValue(m)
	if err != nil {
		t.Fatal(err)
	}
	changes := pruned.(ast.Object).Get(ast.StringTerm("resource_changes")).Value.(*ast.Array)
	if changes.Len() != len(m["resource_changes"].([]any)) {
		t.Fatalf("pruned input has %d changes", changes.Len())
	}
	for i := range changes.Len() {
		ch := changes.Elem(i).Get(ast.StringTerm("change"))
		if ch.Get(ast.StringTerm("before")) != nil || ch.Get(ast.StringTerm("after")) == nil {
			t.Fatalf("change %d: before kept or after lost", i)
		}
	}
}
