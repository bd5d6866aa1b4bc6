package policy

import (
	"sort"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
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
