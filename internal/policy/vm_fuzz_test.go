package policy

import (
	"context"
	"reflect"
	"testing"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/plan"
)

// FuzzEvaluators: on any plan tfgate accepts, the VM and OPA's evaluator
// give the same findings, or both fail. Seeds: generated plans (every shape
// the library's rules link: buckets and their settings, references through
// modules, unknown values) and a minimal one.
func FuzzEvaluators(f *testing.F) {
	f.Add(gen.Plan(10))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","change":{"actions":["create"],"after":{"bucket":"x"},"after_unknown":{"id":true}}}]}`))
	vm := newEngine(f, Options{Evaluator: "vm"})
	td := newEngine(f, Options{Evaluator: "topdown"})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.Parse(data, "fuzz")
		if err != nil {
			return
		}
		p.SetGate("production", nil)
		p.SetContext(plan.Context{RequiredTags: stackTags})
		in := policyInput(t, p)
		a, errA := vm.EvaluateInput(context.Background(), in, "production")
		b, errB := td.EvaluateInput(context.Background(), in, "production")
		if (errA != nil) != (errB != nil) {
			t.Fatalf("vm error %v, topdown error %v", errA, errB)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("findings differ: vm %d, topdown %d\nvm:      %+v\ntopdown: %+v", len(a), len(b), a, b)
		}
	})
}
