package policy

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/saprism/tfgate/internal/input"
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
// Prunes, decided before the compile (the plan is read meanwhile), is the
// engine's own decision; embeddedReadsUnread is what the library says.
func TestPruneInput(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want bool
	}{{Options{}, true}, {Options{Evaluator: "topdown"}, true}, {Options{ExtraDirs: []string{"../gate/testdata/repo/policies"}}, false}} {
		e := newEngine(t, c.o)
		if e.Prunes() != c.want {
			t.Errorf("%+v: engine prunes %v, want %v (does a library rule read change.before or a state section now?)", c.o, e.Prunes(), c.want)
		}
		if Prunes(c.o) != e.Prunes() {
			t.Errorf("%+v: Prunes %v, engine %v", c.o, Prunes(c.o), e.Prunes())
		}
	}
	srcs, err := embeddedSources()
	if err != nil {
		t.Fatal(err)
	}
	srcs = slices.DeleteFunc(srcs, func(s source) bool { return isTest(s.name) })
	mods, err := parse(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if got := readsUnread(mods); got != embeddedReadsUnread {
		t.Fatalf("the embedded library reads input.Unread: %v; embeddedReadsUnread is %v", got, embeddedReadsUnread)
	}
	mod := ast.MustParseModule("package x\n\nimport rego.v1\n\nb contains x if x := input.resource_changes[_].change.before\n")
	if !readsUnread(map[string]*ast.Module{"x.rego": mod}) {
		t.Error("a rule reading change.before was not noticed")
	}
}

// TestPrunedInputRefused: an engine whose policies may read what pruning
// leaves out refuses a pruned input instead of judging a plan with parts
// missing.
func TestPrunedInputRefused(t *testing.T) {
	dir := writeRego(t, map[string]string{"c.rego": customRule("c", "C-001", `	some rc in input.resource_changes
	rc.change.before.x
	msg := rc.address
`)})
	in := planOf(rc("aws_sns_topic", "t", []string{"update"}, map[string]any{}))
	in["resource_changes"].([]any)[0].(map[string]any)["change"].(map[string]any)["before"] = map[string]any{"x": true}
	pruned, err := input.FromMap(in, true)
	if err != nil {
		t.Fatal(err)
	}
	full, err := input.FromMap(in, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range Evaluators {
		e := newEngine(t, Options{ExtraDirs: []string{dir}, Evaluator: ev})
		if _, err := e.EvaluateInput(context.Background(), pruned, "dev"); err == nil || !strings.Contains(err.Error(), "before values") {
			t.Errorf("%s: pruned input: err = %v", ev, err)
		}
		fs, err := e.EvaluateInput(context.Background(), full, "dev")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range fs {
			if f.RuleID == "C-001" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: full input: %d C-001 findings, want 1", ev, n)
		}
	}
}
