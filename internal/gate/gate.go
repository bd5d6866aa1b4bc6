// Package gate is the pipeline's glue: plan → policy → exceptions → source
// locations → verdict, and the decision record that ties a verdict to the
// exact saved plan that `tfgate apply` may run. Every error is returned:
// the gate never turns a failure into a pass.
package gate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/exceptions"
	"github.com/saprism/tfgate/internal/input"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/source"
)

// Options of one gate run.
type Options struct {
	// Config is the project config; nil means defaults (no overrides, no
	// exceptions, no source mapping).
	Config *config.Config
	Env    string

	// The plan: Plan when the caller decoded it already (a run decodes its
	// plan once and hands it along), else PlanJSON bytes, else the file
	// PlanPath. Binary plans are converted by the caller (terraform show
	// -json). PlanName labels PlanJSON in errors.
	Plan     *plan.Plan
	PlanPath string
	PlanJSON []byte
	PlanName string
	// SavedPlan is the binary plan the decision record is about (empty for
	// `check` on a plan JSON).
	SavedPlan string

	VarFiles     []string // tfvars, for pointing findings at the assignment
	PolicyDirs   []string // added to config policy_dirs and the embedded set
	AllowDestroy []string // addresses allowed to be deleted or replaced
	Strict       bool     // fail on warnings too
	Now          time.Time
	ToolVersion  string // recorded in the result; "dev" when empty

	// SourceDir is the Terraform configuration the plan came from, for
	// file:line; empty means Config.Root/Config.TerraformDir. NoSource skips
	// source mapping (e.g. `check` on a plan from another repository).
	SourceDir string
	NoSource  bool
	// Discover (for `check` on any plan) picks the configuration in this
	// order: SourceDir, terraform_dir from tfgate.yaml, else the directory
	// under Config.Root that declares the plan's root module
	// (source.Discover); Outcome.Notes says which and why. Without it the
	// configuration is SourceDir or Config.TerraformDir, as for `plan`.
	Discover bool

	// PolicyChanges, when set, are the differences between the trusted
	// policy set the gate judged by and the working tree's; reported, never
	// part of the verdict (they take effect after merge).
	PolicyChanges *result.PolicyChanges

	// Drift, when set, makes this a drift run: the plan is the refreshed
	// state (plan.Drift) and findings on drifted attributes are denies.
	Drift *result.Drift

	// Engine, when set, is used instead of compiling the policies again
	// (benchmarks, long-running callers).
	Engine Engine
}

// Engine is the part of the policy engine the gate uses
// (*policy.Engine satisfies it).
type Engine interface {
	Rules() []result.Rule
	Hash() string
	// Prunes: the policies may be given an input without input.Unread.
	Prunes() bool
	EvaluateInput(ctx context.Context, in *input.Value, env string) ([]result.Finding, error)
}

// Outcome is a gate run's result plus the loaded plan, for callers that need
// the plan's redactor or raw JSON (reports, decision record).
type Outcome struct {
	Result *result.Result
	Plan   *plan.Plan
	// Notes are one-line messages for the user: which configuration the
	// findings were mapped to (Discover), modules that could not be read.
	Notes []string
	// SourceFile is the configuration's root file (main.tf, else its
	// first .tf file) relative to Config.Root; "" when no configuration was
	// used. Reports use it for findings without a location.
	SourceFile string
}

// Run evaluates one plan and returns the decided result.
func Run(ctx context.Context, o Options) (*result.Result, error) {
	out, err := Evaluate(ctx, o)
	if err != nil {
		return nil, err
	}
	return out.Result, nil
}

// Evaluate is Run that also returns the loaded plan.
func Evaluate(ctx context.Context, o Options) (*Outcome, error) {
	if o.Env == "" {
		return nil, errors.New("gate: no environment given")
	}
	if o.Config != nil {
		if _, err := o.Config.Env(o.Env); err != nil {
			return nil, err
		}
	}
	// Compiling the policies does not need the plan: it runs while the plan
	// is decoded (a fifth of a 10k-resource check, most of a small one).
	type compiled struct {
		eng *policy.Engine
		err error
	}
	var engine chan compiled
	popts := policy.Options{ExtraDirs: policyDirs(o), Overrides: overrides(o.Config), Evaluator: evaluator(o.Config)}
	prune := policy.Prunes(popts)
	if o.Engine != nil {
		prune = o.Engine.Prunes()
	} else {
		engine = make(chan compiled, 1)
		cctx, cancel := context.WithCancel(ctx)
		var compiling sync.WaitGroup
		defer func() {
			// An early return (bad plan) stops the compile and waits for
			// it: no goroutine outlives the call.
			cancel()
			compiling.Wait()
		}()
		compiling.Go(func() {
			eng, err := policy.New(cctx, popts)
			engine <- compiled{eng, err}
		})
	}
	p, err := loadPlan(o, plan.Options{Prune: prune})
	if err != nil {
		return nil, err
	}
	// The plan's bytes are not read again (its hash is taken): let them go
	// before the evaluation allocates.
	o.PlanJSON = nil
	// Exceptions are read before the evaluation so a broken exceptions
	// file fails fast.
	var exc []exceptions.Exception
	if o.Config != nil {
		if exc, err = o.Config.LoadExceptions(); err != nil {
			return nil, err
		}
	}
	p.SetGate(o.Env, o.AllowDestroy)
	cs := readSource(o, p)
	pc := sourceContext(cs, p)
	if o.Config != nil {
		pc.RequiredTags = o.Config.RequiredTags
	}
	p.SetContext(pc)

	eng := o.Engine
	if eng == nil {
		c := <-engine
		if c.err != nil {
			return nil, fmt.Errorf("policy: %s", p.Redactor.Redact(c.err.Error()))
		}
		eng = c.eng
	}
	in, err := p.PolicyInput()
	if err != nil {
		return nil, fmt.Errorf("policy input: %s", p.Redactor.Redact(err.Error()))
	}
	if o.Plan == nil {
		// Not needed after the evaluation; a caller's plan keeps it (a run
		// gates the same plan again before apply).
		p.Input = nil
	}
	findings, err := eng.EvaluateInput(ctx, in, o.Env)
	if err != nil {
		return nil, fmt.Errorf("policy evaluation: %s", p.Redactor.Redact(err.Error()))
	}

	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	findings, used, err := exceptions.Apply(findings, exc, now)
	if err != nil {
		return nil, err
	}

	if o.VarFiles == nil && o.Config != nil {
		if e, err := o.Config.Env(o.Env); err == nil {
			o.VarFiles = e.VarFiles
		}
	}
	src, err := annotate(o, p, cs, findings)
	if err != nil {
		return nil, err
	}
	if err := applyDrift(o, p, cs, findings); err != nil {
		return nil, err
	}
	for i := range findings {
		redactFinding(p.Redactor, &findings[i])
	}
	for i := range used {
		used[i].Reason = p.Redactor.Redact(used[i].Reason)
		for j, a := range used[i].UsedBy {
			used[i].UsedBy[j] = p.Redactor.Redact(a)
		}
	}
	sum := p.Summary
	sum.Destroys = make([]string, len(p.Summary.Destroys))
	for i, a := range p.Summary.Destroys {
		sum.Destroys[i] = p.Redactor.Redact(a)
	}
	if len(sum.Destroys) == 0 {
		sum.Destroys = nil
	}
	if findings == nil {
		findings = []result.Finding{}
	}
	if used == nil {
		used = []result.Exception{}
	}

	ver := o.ToolVersion
	if ver == "" {
		ver = "dev"
	}
	res := &result.Result{
		SchemaVersion: result.SchemaVersion,
		Environment:   o.Env,
		Strict:        o.Strict,
		Findings:      findings,
		Exceptions:    used,
		Plan:          sum,
		PlanSHA256:    p.SHA256,
		PolicyHash:    eng.Hash(),
		ToolVersion:   ver,
		Time:          now.UTC(),
		Rules:         eng.Rules(),
		PolicyChanges: o.PolicyChanges,
		Drift:         o.Drift,
	}
	res.Decide()
	for i, n := range src.notes {
		src.notes[i] = p.Redactor.Redact(n)
	}
	return &Outcome{Result: res, Plan: p, Notes: src.notes, SourceFile: src.file}, nil
}

func loadPlan(o Options, po plan.Options) (*plan.Plan, error) {
	switch {
	case o.Plan != nil:
		return o.Plan, nil
	case o.PlanJSON != nil:
		name := o.PlanName
		if name == "" {
			name = o.PlanPath
		}
		if name == "" {
			name = "plan JSON"
		}
		return plan.ParseWith(o.PlanJSON, name, po)
	case o.PlanPath != "":
		return plan.LoadWith(o.PlanPath, po)
	}
	return nil, errors.New("gate: no plan given")
}

func policyDirs(o Options) []string {
	if o.Config == nil {
		return o.PolicyDirs
	}
	return o.Config.PolicyPaths(o.PolicyDirs)
}

func evaluator(c *config.Config) string {
	if c == nil {
		return ""
	}
	return c.PolicyEvaluator
}

func overrides(c *config.Config) map[string]map[string]string {
	if c == nil {
		return nil
	}
	return c.Enforcement
}

// sourceDir returns the repo root and Terraform dir for source mapping, or
// ok=false when unknown (no config and no SourceDir, or the dir is absent);
// note says which was chosen and why (Discover only).
func sourceDir(o Options, p *plan.Plan) (root, dir, note string, ok bool) {
	if o.NoSource {
		return "", "", "", false
	}
	root = "."
	if o.Config != nil && o.Config.Root != "" {
		root = o.Config.Root
	}
	from := ""
	switch {
	case o.SourceDir != "":
		abs, err := filepath.Abs(o.SourceDir)
		if err != nil {
			return "", "", "", false
		}
		dir, from = abs, "--config-dir"
	case o.Config != nil && (!o.Discover || o.Config.TerraformDirSet):
		dir, from = o.Config.TerraformPath(), "terraform_dir in "+config.FileName
	case o.Discover:
		absRoot, err := filepath.Abs(root)
		if err != nil {
			return "", "", "", false
		}
		prefer := ""
		if o.Config != nil {
			prefer, _ = filepath.Abs(o.Config.TerraformPath())
		}
		d := source.Discover(absRoot, p.Raw.Config, p.Addresses, prefer)
		if d.Dir == "" {
			return "", "", "source: findings have no file:line: " + d.Reason, false
		}
		dir, from = d.Dir, "found: "+d.Reason
	default:
		return "", "", "", false
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", "", fmt.Sprintf("source: findings have no file:line: %s (%s) is not a directory", dir, from), false
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if o.Discover {
		note = fmt.Sprintf("source: mapping findings to %s (%s)", relDir(root, dir), from)
	}
	return root, dir, note, true
}

// relDir shows dir relative to root when inside it ("./" for root itself).
func relDir(root, dir string) string {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return dir
	}
	r, err := filepath.Rel(absRoot, dir)
	if err != nil || r == ".." || strings.HasPrefix(r, "../") {
		return dir
	}
	if r == "." {
		return "./"
	}
	return filepath.ToSlash(r) + "/"
}

// redactFinding scrubs every free-text field a report prints.
func redactFinding(r *plan.Redactor, f *result.Finding) {
	f.Message = r.Redact(f.Message)
	f.Address = r.Redact(f.Address)
	f.Title = r.Redact(f.Title)
	f.Remediation = r.Redact(f.Remediation)
	f.Attribute = r.Redact(f.Attribute)
}

// configSource is the configuration, discovered and parsed once per gate
// run: the policies' context and the findings' locations both come from it.
type configSource struct {
	root, note string
	ix         *source.Index // nil: no configuration dir, or it did not parse
	err        error         // why it did not parse
}

func readSource(o Options, p *plan.Plan) configSource {
	root, dir, note, ok := sourceDir(o, p)
	cs := configSource{root: root, note: note}
	if ok {
		cs.ix, cs.err = source.Load(root, dir)
	}
	return cs
}

// sourceContext is what the policies need from the configuration and the
// plan JSON lacks (locals, jsonencode policy objects); a configuration that
// cannot be read gives none (annotate reports why).
func sourceContext(cs configSource, p *plan.Plan) plan.Context {
	if cs.ix == nil {
		return plan.Context{}
	}
	return plan.Context{Locals: cs.ix.LocalReferences(p.Raw), Documents: cs.ix.JSONDocuments(p.Raw)}
}

// sourced is what source mapping reports back to the run.
type sourced struct {
	notes []string
	file  string // the configuration's root file, relative to the repository root
}

// annotate adds file:line and value chains to findings. A root module that
// does not parse is an error (Terraform would not have planned it either);
// an unknown configuration dir, or a module that cannot be read, only means
// fewer locations, and a note says so.
func annotate(o Options, p *plan.Plan, cs configSource, f []result.Finding) (sourced, error) {
	var out sourced
	if cs.note != "" {
		out.notes = append(out.notes, cs.note)
	}
	if (cs.ix == nil && cs.err == nil) || (len(f) == 0 && !o.Discover) {
		return out, nil
	}
	if cs.err != nil && o.Discover {
		// check maps a plan it did not make: a configuration that does not
		// parse costs the locations, not the verdict.
		out.notes = append(out.notes, "source: findings have no file:line: "+cs.err.Error())
		return out, nil
	}
	if cs.err != nil {
		return out, fmt.Errorf("source: %s", p.Redactor.Redact(cs.err.Error()))
	}
	out.file = cs.ix.RootFile()
	cs.ix.Annotate(f, p.Raw, existing(cs.root, o.VarFiles))
	for _, w := range cs.ix.Warnings() {
		out.notes = append(out.notes, "source: warning: "+w)
	}
	return out, nil
}

// existing drops var files that do not exist: tfgate.yaml's defaults
// (terraform/env/<env>.tfvars) name files a foreign repository lacks, and
// one missing file must not cost the tfvars lines of the others.
func existing(root string, files []string) []string {
	var out []string
	for _, f := range files {
		if !filepath.IsAbs(f) {
			if _, err := os.Stat(filepath.Join(root, f)); err == nil {
				out = append(out, f)
				continue
			}
		}
		if _, err := os.Stat(f); err == nil {
			out = append(out, f)
		}
	}
	return out
}
