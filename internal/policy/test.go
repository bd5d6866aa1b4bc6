package policy

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestReport is the outcome of running the Rego tests.
type TestReport struct {
	Results  []*tester.Result
	Passed   int
	Failed   int           // failed or errored
	Coverage *cover.Report // nil unless coverage was asked; rule files only
}

// OK is true when every test passed and at least one ran.
func (r *TestReport) OK() bool { return r.Failed == 0 && r.Passed > 0 }

// RunTests runs the *_test.rego tests of the embedded library plus dirs
// (dirs alone when one of them carries its own tfgate.lib, e.g. the
// repository's policies/) through OPA's tester, optionally with coverage.
func RunTests(ctx context.Context, dirs []string, coverage bool) (*TestReport, error) {
	srcs, err := assemble(dirs, false)
	if err != nil {
		return nil, err
	}
	mods, err := parse(srcs)
	if err != nil {
		return nil, err
	}
	var cov *cover.Cover
	runner := tester.NewRunner().
		SetCompiler(ast.NewCompiler().WithEnablePrintStatements(true)).
		SetStore(inmem.New()).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		SetModules(mods)
	if coverage {
		cov = cover.New()
		runner = runner.SetCoverageQueryTracer(cov)
	}
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		if errs, ok := err.(ast.Errors); ok {
			return nil, astErrors(errs)
		}
		return nil, fmt.Errorf("policy tests: %w", err)
	}
	rep := &TestReport{}
	for r := range ch {
		rep.Results = append(rep.Results, r)
		if r.Pass() {
			rep.Passed++
		} else if !r.Skip {
			rep.Failed++
		}
	}
	if cov != nil {
		// Coverage of the rules, not of the tests themselves.
		ruleMods := map[string]*ast.Module{}
		for name, m := range mods {
			if !isTest(name) {
				ruleMods[name] = m
			}
		}
		r := cov.Report(ruleMods)
		for name := range r.Files {
			if isTest(name) {
				delete(r.Files, name)
			}
		}
		recount(&r)
		rep.Coverage = &r
	}
	return rep, nil
}

// recount recomputes the totals of a report after files were dropped.
func recount(r *cover.Report) {
	r.CoveredLines, r.NotCoveredLines = 0, 0
	for _, f := range r.Files {
		r.CoveredLines += f.CoveredLines
		r.NotCoveredLines += f.NotCoveredLines
	}
	if total := r.CoveredLines + r.NotCoveredLines; total > 0 {
		r.Coverage = 100 * float64(r.CoveredLines) / float64(total)
	}
}

// Test runs the Rego tests (see RunTests) and writes OPA's report to w,
// followed by per-file coverage when asked. ok is false when a test failed.
func Test(ctx context.Context, dirs []string, w io.Writer, coverage bool) (bool, error) {
	rep, err := RunTests(ctx, dirs, coverage)
	if err != nil {
		return false, err
	}
	if err := rep.Write(w); err != nil {
		return false, err
	}
	return rep.OK(), nil
}

// Write prints OPA's test report, then per-file coverage when computed.
func (rep *TestReport) Write(w io.Writer) error {
	ch := make(chan *tester.Result, len(rep.Results))
	for _, r := range rep.Results {
		ch <- r
	}
	close(ch)
	if err := (tester.PrettyReporter{Output: w, Verbose: false}).Report(ch); err != nil {
		return err
	}
	if rep.Coverage != nil {
		names := make([]string, 0, len(rep.Coverage.Files))
		for n := range rep.Coverage.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(w, "coverage:")
		for _, n := range names {
			f := rep.Coverage.Files[n]
			fmt.Fprintf(w, "  %-40s %6.2f%%", n, f.Coverage)
			if len(f.NotCovered) > 0 {
				fmt.Fprint(w, "  not covered:")
				for _, rg := range f.NotCovered {
					if rg.Start.Row == rg.End.Row {
						fmt.Fprintf(w, " %d", rg.Start.Row)
					} else {
						fmt.Fprintf(w, " %d-%d", rg.Start.Row, rg.End.Row)
					}
				}
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "  %-40s %6.2f%%\n", "total", rep.Coverage.Coverage)
	}
	return nil
}
