package policy

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/plan"
)

func TestPkgCostTmp(t *testing.T) {
	if os.Getenv("PKGCOST") == "" {
		t.Skip()
	}
	ctx := context.Background()
	e := newEngine(t, Options{Groups: 1})
	p, err := plan.Parse(gen.Plan(10000), "generated")
	if err != nil {
		t.Fatal(err)
	}
	p.SetGate("production", nil)
	v, err := vmInput(p.Input, true)
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		name string
		d    time.Duration
	}
	var out []res
	var parts [][]int
	if os.Getenv("PKGCOST") == "rules" {
		for i, r := range e.rules {
			if strings.Contains(r.ref.String(), ".s3.") {
				parts = append(parts, []int{i})
			}
		}
	} else {
		parts = partition(e.rules, len(e.rules))
	}
	for _, idx := range parts {
		pkg := e.rules[idx[0]].ref
		if len(idx) > 1 {
			pkg = pkg[:len(pkg)-1]
		}
		body := ast.Body{}
		for _, i := range idx {
			body = append(body, ast.Equality.Expr(ast.VarTerm(fmt.Sprintf("r%d", i)),
				ast.SetComprehensionTerm(ast.VarTerm("f"), ast.NewBody(
					ast.Assign.Expr(ast.VarTerm("f"), ast.NewTerm(e.rules[i].ref.Append(ast.VarTerm("$_"))))))))
		}
		q, err := rego.New(rego.ParsedQuery(body), rego.Compiler(e.compiler), rego.Target(vmTarget)).PrepareForEval(ctx)
		if err != nil {
			t.Fatal(err)
		}
		best := time.Hour
		for range 3 {
			s := time.Now()
			if _, err := q.Eval(ctx, rego.EvalInput(v)); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(s))
		}
		out = append(out, res{pkg.String(), best})
	}
	for _, qs := range strings.Fields(os.Getenv("QUERIES")) {
		q, err := rego.New(rego.Query("x := count("+qs+")"), rego.Compiler(e.compiler), rego.Target(vmTarget)).PrepareForEval(ctx)
		if err != nil {
			t.Fatal(err)
		}
		best := time.Hour
		for range 3 {
			s := time.Now()
			if _, err := q.Eval(ctx, rego.EvalInput(v)); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(s))
		}
		out = append(out, res{qs, best})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].d > out[j].d })
	for _, r := range out {
		t.Logf("%-32s %v", r.name, r.d)
	}
}
