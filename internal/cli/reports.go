package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/report"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/run"
)

// planFlags are the gate flags of plan, up and check.
type planFlags struct {
	varFiles     []string
	vars         []string
	outputs      []string
	strict       bool
	allowDestroy []string
	policyDirs   []string
	verbose      bool   // text report: every address of a repeated finding
	minSeverity  string // text report: hide findings below (never changes the verdict)
	trustedRef   string
}

func (f *planFlags) register(c flagSet) {
	c.StringArrayVar(&f.varFiles, "var-file", nil, "extra tfvars file, after the environment's own (repeatable)")
	c.StringArrayVar(&f.vars, "var", nil, "variable K=V, after the var files (repeatable)")
	f.registerGate(c)
}

// registerGate registers the flags shared with check.
func (f *planFlags) registerGate(c flagSet) {
	c.StringArrayVar(&f.outputs, "output", nil, "report FMT[=FILE]: text, json, sarif, junit, markdown (repeatable; default text to stdout)")
	c.BoolVar(&f.strict, "strict", false, "fail on warnings too")
	c.StringArrayVar(&f.allowDestroy, "allow-destroy", nil, "allow deleting or replacing this stateful resource ADDRESS (repeatable)")
	c.StringArrayVar(&f.policyDirs, "policy", nil, "extra policy directory DIR, added to the embedded policies (repeatable)")
	c.BoolVar(&f.verbose, "verbose", false, "text report: list every address of a repeated finding")
	c.StringVar(&f.trustedRef, "trusted-ref", "", "judge by the policies, enforcement and exceptions of git commit REF (a pull request's base); the working tree's changes to them are reported as pending review")
	c.StringVar(&f.minSeverity, "min-severity", "", "text report: show findings of this severity and above (low|medium|high|critical); the verdict is unchanged")
}

func (f *planFlags) options() run.PlanOptions {
	return run.PlanOptions{VarFiles: f.varFiles, Vars: f.vars, PolicyDirs: f.policyDirs,
		AllowDestroy: f.allowDestroy, Strict: f.strict, ToolVersion: Version, TrustedRef: f.trustedRef}
}

func checkVars(vars []string) error {
	for _, v := range vars {
		k, _, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return fmt.Errorf("--var %q: want NAME=VALUE", v)
		}
	}
	return nil
}

// outputSpec is one --output FMT[=FILE].
type outputSpec struct {
	format string
	file   string // "" = stdout
	view   reportView
}

// reportView is how much of a result the text report shows.
type reportView struct {
	verbose     bool
	minSeverity result.Severity
}

// parseOutputs is parseOutputs with the report view flags (--verbose,
// --min-severity) checked and carried by every spec.
func (f *planFlags) parseOutputs(jsonStream bool) ([]outputSpec, error) {
	sev, err := report.ParseSeverity(f.minSeverity)
	if err != nil {
		return nil, err
	}
	specs, err := parseOutputs(f.outputs, jsonStream)
	for i := range specs {
		specs[i].view = reportView{verbose: f.verbose, minSeverity: sev}
	}
	return specs, err
}

// parseOutputs checks every --output before anything runs, so a typo is a
// usage error, not a surprise after a ten-minute plan. With --json stdout
// carries the event stream, so a report needs a file.
func parseOutputs(specs []string, jsonStream bool) ([]outputSpec, error) {
	if len(specs) == 0 {
		if jsonStream {
			return nil, nil
		}
		specs = []string{"text"}
	}
	var out []outputSpec
	for _, s := range specs {
		f, file, err := report.ParseOutput(s)
		if err != nil {
			return nil, err
		}
		if jsonStream && file == "" {
			return nil, fmt.Errorf("--output %s: with --json, stdout carries the event stream; write the report to a file (%s=FILE)", s, f)
		}
		out = append(out, outputSpec{format: f, file: file})
	}
	return out, nil
}

// writeReports renders a gated plan in every requested format.
func (a *App) writeReports(cfg *config.Config, specs []outputSpec, g *run.Gated) error {
	color := a.Getenv("NO_COLOR") == "" && isTerminal(a.Stdout)
	for _, s := range specs {
		fallback := g.SourceFile
		if fallback == "" {
			fallback = sarifFallback(cfg, g.PlanName)
		}
		r, err := report.New(s.format, report.Options{Color: color && s.file == "", Redactor: g.Plan.Redactor, FallbackFile: fallback,
			Verbose: s.view.verbose, MinSeverity: s.view.minSeverity})
		if err != nil {
			return err
		}
		if s.file == "" {
			if err := r.Report(a.Stdout, g.Result); err != nil {
				return fmt.Errorf("%s report: %w", s.format, err)
			}
			continue
		}
		if err := writeFile(s.file, func(f *os.File) error { return r.Report(f, g.Result) }); err != nil {
			return fmt.Errorf("--output %s=%s: %w", s.format, s.file, err)
		}
	}
	return nil
}

// verdict is exit 1 (a *run.DeniedError, the report said why) for a fail.
func verdict(g *run.Gated) error {
	if g.Result.Verdict == result.Fail {
		return &run.DeniedError{}
	}
	return nil
}

// planAndReport plans and gates the environment, writes the reports and,
// on the --json stream, the verdict event.
func (a *App) planAndReport(ctx context.Context, env *run.Env, pf *planFlags, ef *envFlags, specs []outputSpec) (*run.Gated, error) {
	g, err := env.Plan(ctx, pf.options())
	if err != nil {
		return nil, err
	}
	if err := a.writeReports(env.Config(), specs, g); err != nil {
		return nil, err
	}
	if ef.json {
		a.emit(map[string]any{"type": "tfgate_verdict", "verdict": g.Result.Verdict, "environment": env.Layout().Env, "summary": g.Result.Summary, "saved_plan": g.SavedPlan})
	}
	return g, nil
}

func writeFile(path string, write func(*os.File) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// sarifFallback is the file SARIF results the source mapper could not place
// point at (line 1): GitHub code scanning rejects results without a location,
// and a stateful-guard deny must not vanish from the PR. It is the stack's
// main.tf when present (where a reviewer looks first), else the plan file.
func sarifFallback(cfg *config.Config, planName string) string {
	if cfg != nil {
		if _, err := os.Stat(filepath.Join(cfg.TerraformPath(), "main.tf")); err == nil {
			return filepath.ToSlash(filepath.Join(cfg.TerraformDir, "main.tf"))
		}
	}
	if filepath.IsAbs(planName) {
		// A plan outside the repository: code scanning rejects absolute
		// and out-of-tree paths; its base name is at least relative.
		planName = filepath.Base(planName)
	}
	return filepath.ToSlash(planName)
}

// emit writes one tfgate event on the --json stream.
func (a *App) emit(ev map[string]any) {
	ev["@timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
	data, _ := json.Marshal(ev)
	fmt.Fprintln(a.Stdout, string(data))
}
