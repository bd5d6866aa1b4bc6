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
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
)

// Version is the tfgate version recorded in results when Options.ToolVersion
// is empty; the CLI sets it from its build info.
var Version = "dev"

// Options of one gate run.
type Options struct {
	// Config is the project config; nil means defaults (no overrides, no
	// exceptions, no source mapping).
	Config *config.Config
	Env    string

	// The plan: PlanJSON bytes if set, else the file PlanPath. Binary plans
	// are converted by the caller (terraform show -json). PlanName labels
	// PlanJSON in errors.
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
	ToolVersion  string

	// SourceDir is the Terraform configuration the plan came from, for
	// file:line; empty means Config.Root/Config.TerraformDir. NoSource skips
	// source mapping (e.g. `check` on a plan from another repository).
	SourceDir string
	NoSource  bool

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
	Evaluate(ctx context.Context, input map[string]any, env string) ([]result.Finding, error)
}

// Outcome is a gate run's result plus the loaded plan, for callers that need
// the plan's redactor or raw JSON (reports, decision record).
type Outcome struct {
	Result *result.Result
	Plan   *plan.Plan
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
	p, err := loadPlan(o)
	if err != nil {
		return nil, err
	}
	// Exceptions are read before the evaluation so a broken exceptions
	// file fails fast.
	var exc []config.Exception
	if o.Config != nil {
		if exc, err = o.Config.LoadExceptions(); err != nil {
			return nil, err
		}
	}
	p.SetGate(o.Env, o.AllowDestroy)

	eng := o.Engine
	if eng == nil {
		eng, err = newEngine(ctx, policyDirs(o), overrides(o.Config))
		if err != nil {
			return nil, fmt.Errorf("policy: %s", p.Redactor.Redact(err.Error()))
		}
	}
	findings, err := eng.Evaluate(ctx, p.Input, o.Env)
	if err != nil {
		return nil, fmt.Errorf("policy evaluation: %s", p.Redactor.Redact(err.Error()))
	}

	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	findings, used, err := applyExceptions(findings, exc, now)
	if err != nil {
		return nil, err
	}

	if o.VarFiles == nil && o.Config != nil {
		if e, err := o.Config.Env(o.Env); err == nil {
			o.VarFiles = e.VarFiles
		}
	}
	if err := annotate(o, p, findings); err != nil {
		return nil, err
	}
	if err := applyDrift(o, p, findings); err != nil {
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
		ver = Version
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
	return &Outcome{Result: res, Plan: p}, nil
}

func loadPlan(o Options) (*plan.Plan, error) {
	switch {
	case o.PlanJSON != nil:
		name := o.PlanName
		if name == "" {
			name = o.PlanPath
		}
		if name == "" {
			name = "plan JSON"
		}
		return plan.Parse(o.PlanJSON, name)
	case o.PlanPath != "":
		return plan.Load(o.PlanPath)
	}
	return nil, errors.New("gate: no plan given")
}

func policyDirs(o Options) []string {
	var dirs []string
	if o.Config != nil {
		dirs = o.Config.PolicyDirPaths()
	}
	return append(dirs, o.PolicyDirs...)
}

func overrides(c *config.Config) map[string]map[string]string {
	if c == nil {
		return nil
	}
	return c.Enforcement
}

// sourceDir returns the repo root and Terraform dir for source mapping, or
// ok=false when unknown (no config and no SourceDir, or the dir is absent).
func sourceDir(o Options) (root, dir string, ok bool) {
	if o.NoSource {
		return "", "", false
	}
	root = "."
	if o.Config != nil && o.Config.Root != "" {
		root = o.Config.Root
	}
	switch {
	case o.SourceDir != "":
		abs, err := filepath.Abs(o.SourceDir)
		if err != nil {
			return "", "", false
		}
		dir = abs
	case o.Config != nil:
		// terraform_dir may be absolute (a project root that points at a
		// stack elsewhere, as the e2e suites' roots do).
		dir = o.Config.TerraformDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
	default:
		return "", "", false
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", "", false
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return root, dir, true
}

// redactFinding scrubs every free-text field a report prints.
func redactFinding(r *plan.Redactor, f *result.Finding) {
	f.Message = r.Redact(f.Message)
	f.Address = r.Redact(f.Address)
	f.Title = r.Redact(f.Title)
	f.Remediation = r.Redact(f.Remediation)
	f.Attribute = r.Redact(f.Attribute)
}
