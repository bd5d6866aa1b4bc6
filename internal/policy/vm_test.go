package policy

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/input"
	"github.com/saprism/tfgate/internal/plan"
)

// TestEvaluatorsAgree: the VM and OPA's evaluator give the same findings
// (every field) on the stack's real plans in every environment and on
// generated plans, with the embedded library and with the repository's
// policies loaded as a --policy dir (no input pruning), in one group and in
// several.
func TestEvaluatorsAgree(t *testing.T) {
	type plans struct {
		name string
		p    *plan.Plan
	}
	var ps []plans
	for _, name := range []string{"production", "dev", "noprotect", "singleaz", "rdsplain", "s3plain", "nowafassoc", "a-base", "a-plainsecret", "a-rdsreplace"} {
		ps = append(ps, plans{name, loadPlan(t, name)})
	}
	for _, n := range []int{100, 1000} {
		p, err := plan.Parse(gen.Plan(n), "generated")
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, plans{fmt.Sprintf("generated-%d", n), p})
	}
	for _, o := range []Options{{}, {Groups: 1}, {ExtraDirs: []string{"../../policies"}}} {
		vmOpts, tdOpts := o, o
		vmOpts.Evaluator, tdOpts.Evaluator = "vm", "topdown"
		vm, td := newEngine(t, vmOpts), newEngine(t, tdOpts)
		if !vm.vm || td.vm {
			t.Fatal("evaluator option not applied")
		}
		for _, pl := range ps {
			for _, env := range []string{"production", "dev"} {
				pl.p.SetGate(env, nil)
				pl.p.SetContext(plan.Context{RequiredTags: stackTags})
				in := policyInput(t, pl.p)
				a, err := vm.EvaluateInput(context.Background(), in, env)
				if err != nil {
					t.Fatalf("%s %s vm: %v", pl.name, env, err)
				}
				b, err := td.EvaluateInput(context.Background(), in, env)
				if err != nil {
					t.Fatalf("%s %s topdown: %v", pl.name, env, err)
				}
				if len(b) == 0 && pl.name != "production" {
					t.Errorf("%s %s: no findings at all: the comparison would be vacuous", pl.name, env)
				}
				if !reflect.DeepEqual(a, b) {
					t.Errorf("%+v %s %s: vm and topdown differ:\nvm:      %d findings\ntopdown: %d findings", o, pl.name, env, len(a), len(b))
				}
			}
		}
	}
}

// TestVMErrorDecidedByTopdown: a rule that errors only under the VM (a
// later function body's strict type error; topdown stops at the first true
// body) gives topdown's findings, and a rule that errors under both gives
// topdown's error, naming the file and line.
func TestVMErrorDecidedByTopdown(t *testing.T) {
	dir := writeRego(t, map[string]string{"odd.rego": `package tfgate.custom.odd

import rego.v1

root(c) if c.user == null

root(c) if startswith(c.user, "root:")

# METADATA
# title: odd
# custom:
#   id: ODD-001
#   severity: low
odd contains msg if {
	some rc in input.resource_changes
	root({"user": null})
	msg := sprintf("%s: odd", [rc.address])
}
`})
	in := planOf(rc("aws_sns_topic", "a", []string{"create"}, map[string]any{}))
	for _, ev := range Evaluators {
		e := newEngine(t, Options{ExtraDirs: []string{dir}, Evaluator: ev})
		fs, err := e.Evaluate(context.Background(), in, "dev")
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		if f := find(fs, "ODD-001", ""); f == nil || f.Message != "aws_sns_topic.a: odd" {
			t.Fatalf("%s: ODD-001 = %+v in %d findings", ev, f, len(fs))
		}
	}
	// Without the fallback the VM fails on it: the test above tests the
	// fallback, not a VM that happens to agree.
	e := newEngine(t, Options{ExtraDirs: []string{dir}})
	g := e.groups[0]
	for _, gg := range e.groups {
		for _, i := range gg.rules {
			if e.rules[i].ID == "ODD-001" {
				g = gg
			}
		}
	}
	v, err := input.FromMap(in, e.prune)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.vm.eval(context.Background(), v.JSON()); err == nil {
		t.Fatal("the VM alone evaluated the odd rule without error: this test no longer exercises the fallback")
	}
}

func TestUnknownEvaluator(t *testing.T) {
	_, err := New(context.Background(), Options{Evaluator: "wasm"})
	if err == nil || !strings.Contains(err.Error(), `evaluator "wasm"`) || !strings.Contains(err.Error(), "vm, topdown") {
		t.Fatalf("err = %v", err)
	}
}

// TestBuiltinErrorFailsClosed: a builtin error at run time (to_number of a
// non-number) is an error under both evaluators, naming the file and line,
// with no findings; and the VM alone reports it too (it is not turned into
// "undefined", which would silently drop the rule's findings).
func TestBuiltinErrorFailsClosed(t *testing.T) {
	dir := writeRego(t, map[string]string{"s.rego": customRule("s", "S-001", `	some rc in input.resource_changes
	n := to_number(rc.name)
	msg := sprintf("%v", [n])
`)})
	in := planOf(rc("aws_sns_topic", "abc", []string{"create"}, map[string]any{}))
	for _, ev := range Evaluators {
		e := newEngine(t, Options{ExtraDirs: []string{dir}, Evaluator: ev})
		fs, err := e.Evaluate(context.Background(), in, "dev")
		if err == nil || fs != nil || !strings.Contains(err.Error(), "s.rego:12") || !strings.Contains(err.Error(), "to_number") {
			t.Fatalf("%s: want the to_number error at s.rego:12 and no findings, got %v, %d findings", ev, err, len(fs))
		}
	}
	e := newEngine(t, Options{ExtraDirs: []string{dir}, Evaluator: "vm"})
	v, err := input.FromMap(in, e.prune)
	if err != nil {
		t.Fatal(err)
	}
	failed := false
	for _, g := range e.groups {
		if _, err := g.vm.eval(context.Background(), v.JSON()); err != nil {
			failed = strings.Contains(err.Error(), "to_number")
		}
	}
	if !failed {
		t.Fatal("the VM alone evaluated a failing builtin without error")
	}
}

// TestRuleDigestsUnderVM: an engine on the VM does not keep the compiled
// policy set; RuleDigests compiles it again and gives what an engine that
// kept it gives.
func TestRuleDigestsUnderVM(t *testing.T) {
	vm, td := newEngine(t, Options{}), newEngine(t, Options{Evaluator: "topdown"})
	a, err := vm.RuleDigests()
	if err != nil {
		t.Fatal(err)
	}
	b, err := td.RuleDigests()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(vm.Rules()) || !reflect.DeepEqual(a, b) {
		t.Fatalf("digests differ: vm %d, topdown %d", len(a), len(b))
	}
}
