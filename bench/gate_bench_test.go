package bench

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/exceptions"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/policy"
)

// benchConfig has one exception per kind of generated violation, so the
// exception matching runs on every finding.
func benchConfig() *config.Config {
	c := &config.Config{Root: ".", TerraformDir: "does-not-exist", Environments: map[string]*config.Environment{"production": {}, "dev": {}}}
	c.RequiredTags = []string{"Project", "Environment", "ManagedBy"}
	c.Exceptions = []exceptions.Exception{
		{ID: "bench-logs", RuleID: "LOG-001", Address: "module.svc[*].aws_cloudwatch_log_group.*", Reason: "bench", Owner: "bench", Expires: "2099-01-01"},
		{ID: "bench-unused", RuleID: "RDS-001", Address: "aws_db_instance.none", Reason: "bench", Owner: "bench", Expires: "2099-01-01"},
	}
	return c
}

// BenchmarkGate measures one whole gate run on a generated plan: plan
// parse and normalisation, policy evaluation of the full embedded library
// (compiled once, outside the loop, as in one tfgate process), exceptions
// and the verdict. Source mapping is off: the plan has no .tf files.
func BenchmarkGate(b *testing.B) {
	ctx := context.Background()
	eng, err := policy.New(ctx, policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, n := range sizes {
		data := gen.Plan(n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var findings int
			start := cpuTime(b)
			for b.Loop() {
				res, err := gate.Run(ctx, gate.Options{
					Config: benchConfig(), Env: "production", PlanJSON: data, PlanName: "generated",
					Engine: eng, Now: now, NoSource: true,
				})
				if err != nil {
					b.Fatal(err)
				}
				findings = len(res.Findings)
			}
			reportCPU(b, start)
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// BenchmarkPolicyCompile measures policy.New: parse and compile the
// embedded library once, the fixed cost of every tfgate process.
func BenchmarkPolicyCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.New(context.Background(), policy.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGateGroups is BenchmarkGate on the 10k plan with the rule
// packages evaluated in one group (serial) and in GOMAXPROCS groups (the
// default): the parallel evaluation's wall-time gain and its CPU cost
// (helpers each group recomputes).
func BenchmarkGateGroups(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	data := gen.Plan(10000)
	for _, groups := range []int{1, runtime.GOMAXPROCS(0)} {
		eng, err := policy.New(ctx, policy.Options{Groups: groups})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("groups=%d/resources=10000", groups), func(b *testing.B) {
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				if _, err := gate.Run(ctx, gate.Options{
					Config: benchConfig(), Env: "production", PlanJSON: data, PlanName: "generated",
					Engine: eng, Now: now, NoSource: true,
				}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}
