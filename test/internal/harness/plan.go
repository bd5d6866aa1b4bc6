package harness

import (
	"encoding/json"
	"sort"
	"testing"

	tt "github.com/gruntwork-io/terratest/modules/terraform"
	tfjson "github.com/hashicorp/terraform-json"
)

// Plan is a real plan of the stack: terratest's struct (for assertions) and
// the JSON bytes `terraform show -json` printed (for the gate and mutations).
type Plan struct {
	*tt.PlanStruct
	Env  string
	JSON []byte
}

// Resources returns the planned values of every resource of one type, sorted
// by address so failures read the same on every run.
func (p *Plan) Resources(typ string) []*tfjson.StateResource {
	var out []*tfjson.StateResource
	for _, r := range p.ResourcePlannedValuesMap {
		if r.Type == typ && r.Mode == tfjson.ManagedResourceMode {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// One returns the only resource of a type, failing the test when there is
// not exactly one: the suites assert on the stack's shape, so "more than
// expected" is as much a regression as "missing".
func (p *Plan) One(t testing.TB, typ string) *tfjson.StateResource {
	t.Helper()
	rs := p.Resources(typ)
	if len(rs) != 1 {
		t.Fatalf("%s plan: want exactly one %s, got %d (%v)", p.Env, typ, len(rs), addresses(rs))
	}
	return rs[0]
}

// Change returns the resource change of an address, or nil.
func (p *Plan) Change(addr string) *tfjson.ResourceChange { return p.ResourceChangesMap[addr] }

// Actions counts resource changes by their normalised action (create,
// update, delete, replace, no-op, read).
func (p *Plan) Actions() map[string]int {
	out := map[string]int{}
	for _, rc := range p.RawPlan.ResourceChanges {
		out[Action(rc.Change.Actions)]++
	}
	return out
}

// Action names a change's action list the way tfgate's policy input does.
func Action(a tfjson.Actions) string {
	switch {
	case a.Replace():
		return "replace"
	case a.Create():
		return "create"
	case a.Delete():
		return "delete"
	case a.Update():
		return "update"
	case a.Read():
		return "read"
	default:
		return "no-op"
	}
}

func addresses(rs []*tfjson.StateResource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Address
	}
	return out
}

// ParsePlan wraps terratest's parser and keeps the bytes.
func ParsePlan(env string, data []byte) (*Plan, error) {
	ps, err := tt.ParsePlanJSON(string(data))
	if err != nil {
		return nil, err
	}
	return &Plan{PlanStruct: ps, Env: env, JSON: data}, nil
}

// Get walks a decoded JSON value (maps and lists) along path; list indexes
// are ints. ok is false when any step is missing.
func Get(v any, path ...any) (any, bool) {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || s < 0 || s >= len(l) {
				return nil, false
			}
			v = l[s]
		default:
			return nil, false
		}
	}
	return v, true
}

// Str, Num and Bool read a typed leaf; the zero value and false when absent
// or of another type.
func Str(v any, path ...any) (string, bool) {
	x, ok := Get(v, path...)
	s, ok2 := x.(string)
	return s, ok && ok2
}

func Num(v any, path ...any) (float64, bool) {
	x, ok := Get(v, path...)
	switch n := x.(type) {
	case float64:
		return n, ok
	case json.Number:
		f, err := n.Float64()
		return f, ok && err == nil
	case int:
		return float64(n), ok
	}
	return 0, false
}

func Bool(v any, path ...any) (bool, bool) {
	x, ok := Get(v, path...)
	b, ok2 := x.(bool)
	return b, ok && ok2
}

// List reads a list leaf.
func List(v any, path ...any) []any {
	x, _ := Get(v, path...)
	l, _ := x.([]any)
	return l
}
