// Package e2e holds the end-to-end suites: the dev stack brought up with
// tfgate (`up`), verified through the AWS SDK v2 against the live API (the
// local emulator, or real AWS), re-planned for drift, and torn down.
// e2e-local and e2e-aws share one package so they share the verify code and
// one test binary (test-structure pulls in a large dependency tree; building
// it once is enough).
package e2e

import (
	"encoding/json"
	"os"
	"sort"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// Stack is the applied state of the stack: every managed resource, read
// from `terraform show -json` of the state. The verify code takes ids and
// ARNs from it, then asks the live API what is really there.
type Stack struct {
	byType map[string][]*tfjson.StateResource
}

// LoadStack reads a state JSON (`terraform show -json`).
func LoadStack(t testing.TB, data []byte) *Stack {
	t.Helper()
	var st tfjson.State
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("state JSON: %v", err)
	}
	s := &Stack{byType: map[string][]*tfjson.StateResource{}}
	if st.Values == nil || st.Values.RootModule == nil {
		t.Fatalf("state JSON holds no resources (was the stack applied?)")
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		for _, r := range m.Resources {
			if r.Mode == tfjson.ManagedResourceMode {
				s.byType[r.Type] = append(s.byType[r.Type], r)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(st.Values.RootModule)
	for _, rs := range s.byType {
		sort.Slice(rs, func(i, j int) bool { return rs[i].Address < rs[j].Address })
	}
	return s
}

// LoadStackFile is LoadStack on a file.
func LoadStackFile(t testing.TB, path string) *Stack {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("state JSON: %v", err)
	}
	return LoadStack(t, data)
}

// All returns the resources of a type.
func (s *Stack) All(typ string) []*tfjson.StateResource { return s.byType[typ] }

// Count of managed resources.
func (s *Stack) Count() int {
	n := 0
	for _, rs := range s.byType {
		n += len(rs)
	}
	return n
}

// Need returns the resources of a type and fails the test when there is
// none: a verify step with nothing to verify must not pass.
func (s *Stack) Need(t testing.TB, typ string) []*tfjson.StateResource {
	t.Helper()
	rs := s.byType[typ]
	if len(rs) == 0 {
		t.Fatalf("state has no %s", typ)
	}
	return rs
}

// Attr reads a string attribute of a state resource.
func Attr(r *tfjson.StateResource, key string) string {
	s, _ := r.AttributeValues[key].(string)
	return s
}
