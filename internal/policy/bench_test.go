package policy

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/plan"
)

// BenchmarkEvaluate measures Evaluate alone (input conversion + the one
// prepared query over every rule) on generated plans.
func BenchmarkEvaluate(b *testing.B) {
	ctx := context.Background()
	e := newEngine(b, Options{})
	for _, n := range []int{100, 1000, 10000} {
		p, err := plan.Parse(gen.Plan(n), "generated")
		if err != nil {
			b.Fatal(err)
		}
		p.SetGate("production", nil)
		in := policyInput(b, p)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			var findings int
			for b.Loop() {
				fs, err := e.EvaluateInput(ctx, in, "production")
				if err != nil {
					b.Fatal(err)
				}
				findings = len(fs)
			}
			b.ReportMetric(float64(findings), "findings")
		})
		b.Run(fmt.Sprintf("preconverted/resources=%d", n), func(b *testing.B) {
			// The VM's own value: an OPA value would be converted again on
			// every evaluation.
			v := in.JSON()
			for b.Loop() {
				if _, err := e.evaluate(ctx, rego.EvalInput(v), sync.OnceValue(v.AST), "production"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueryShape compares the engine's query (one set comprehension
// per rule, in one prepared query) with evaluating the whole
// data.tfgate.aws document, which also materialises every helper rule.
func BenchmarkQueryShape(b *testing.B) {
	ctx := context.Background()
	e := newEngine(b, Options{})
	c, err := e.compiler()
	if err != nil {
		b.Fatal(err)
	}
	whole, err := rego.New(rego.Query("data.tfgate.aws"), rego.Compiler(c)).PrepareForEval(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1000, 10000} {
		p, err := plan.Parse(gen.Plan(n), "generated")
		if err != nil {
			b.Fatal(err)
		}
		v := policyInput(b, p).JSON().AST()
		b.Run(fmt.Sprintf("per-rule/resources=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := e.evaluateValue(ctx, v, "production"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("whole-document/resources=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := whole.Eval(ctx, rego.EvalParsedInput(v)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPackages evaluates each rule package alone on the 10k plan
// (preconverted input, the VM as in production), for the per-package cost the engine's grouping
// balances: go test -run '^$' -bench Packages ./internal/policy. Each
// package pays for the library helpers it uses, so the sum exceeds one
// evaluation of all of them.
func BenchmarkPackages(b *testing.B) {
	ctx := context.Background()
	e := newEngine(b, Options{Groups: 1})
	p, err := plan.Parse(gen.Plan(10000), "generated")
	if err != nil {
		b.Fatal(err)
	}
	p.SetGate("production", nil)
	p.SetContext(plan.Context{RequiredTags: stackTags})
	c, err := e.compiler()
	if err != nil {
		b.Fatal(err)
	}
	for _, idx := range partition(e.rules, len(e.rules)) {
		pkg := e.rules[idx[0]].ref[:len(e.rules[idx[0]].ref)-1]
		body := ast.Body{}
		for _, i := range idx {
			body = append(body, ast.Equality.Expr(ast.VarTerm(fmt.Sprintf("r%d", i)),
				ast.SetComprehensionTerm(ast.VarTerm("f"), ast.NewBody(
					ast.Assign.Expr(ast.VarTerm("f"), ast.NewTerm(e.rules[i].ref.Append(ast.VarTerm("$_"))))))))
		}
		q, err := rego.New(rego.ParsedQuery(body), rego.Compiler(c), rego.Target(vmTarget)).PrepareForEval(ctx)
		if err != nil {
			b.Fatal(err)
		}
		v := policyInput(b, p).JSON()
		b.Run(strings.TrimPrefix(pkg.String(), "data.tfgate.aws."), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := q.Eval(ctx, rego.EvalInput(v)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
