package policy

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/input"
)

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

// TestEmbeddedPrunes: Prunes, decided before the policies compile, is the
// engine's own decision; embeddedReadsUnread is what the embedded library
// says (a rule that starts reading change.before fails this test until the
// constant follows).
func TestEmbeddedPrunes(t *testing.T) {
	srcs, err := embeddedSources()
	if err != nil {
		t.Fatal(err)
	}
	var lib []source
	for _, s := range srcs {
		if !isTest(s.name) {
			lib = append(lib, s)
		}
	}
	mods, err := parse(lib)
	if err != nil {
		t.Fatal(err)
	}
	if got := readsUnread(mods); got != embeddedReadsUnread {
		t.Fatalf("the embedded library reads input.Unread: %v; embeddedReadsUnread is %v", got, embeddedReadsUnread)
	}
	dir := writeRego(t, map[string]string{"b.rego": `package tfgate.custom.b

import rego.v1

# METADATA
# title: b
# custom:
#   id: B-001
#   severity: low
b contains msg if {
	some rc in input.resource_changes
	rc.change.before.x
	msg := rc.address
}
`})
	for _, o := range []Options{{}, {Evaluator: "topdown"}, {ExtraDirs: []string{dir}}, {ExtraDirs: []string{dir}, NoEmbedded: true}} {
		if e := newEngine(t, o); Prunes(o) != e.Prunes() {
			t.Errorf("%+v: Prunes %v, engine %v", o, Prunes(o), e.Prunes())
		}
	}
	if !Prunes(Options{}) {
		t.Error("the embedded library alone is not pruned: every check converts the state sections for nothing")
	}
}

// TestPrunedInputRefused: an engine whose policies may read what pruning
// leaves out refuses a pruned input instead of judging a plan with parts
// missing.
func TestPrunedInputRefused(t *testing.T) {
	dir := writeRego(t, map[string]string{"c.rego": `package tfgate.custom.c

import rego.v1

# METADATA
# title: c
# custom:
#   id: C-001
#   severity: low
c contains msg if {
	some rc in input.resource_changes
	rc.change.before.x
	msg := rc.address
}
`})
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
