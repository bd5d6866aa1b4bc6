package run

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/gate"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// DefaultCheckEnv is the environment `check` judges a plan by when neither
// the caller nor the plan's location says: the strictest, so an unknown
// plan is never waved through by dev's advisory enforcement.
const DefaultCheckEnv = "production"

// CheckOptions gate one existing plan.
type CheckOptions struct {
	Config *config.Config
	Path   string // plan JSON, or a saved binary plan
	// Env and Local; Env "" means from the plan's .tfgate/<env>/<mode>/
	// location, else DefaultCheckEnv.
	Env   string
	Local bool
	Plan  PlanOptions // VarFiles are the tfvars the plan used
	Log   io.Writer
	// Getenv reads the caller's environment (TF_CLI_CONFIG_FILE).
	Getenv func(string) string
}

// Check gates any Terraform plan: a `terraform show -json` document (from
// any repository) or a saved binary plan (converted with terraform show
// -json in the environment's initialised working dir; no AWS access).
func Check(ctx context.Context, o CheckOptions) (*Gated, error) {
	cfg := o.Config
	data, err := os.ReadFile(o.Path)
	if err != nil {
		return nil, fmt.Errorf("plan %s: %w", o.Path, err)
	}
	env, local := o.Env, o.Local
	if env == "" {
		if e, l, ok := cfg.EnvFromPath(o.Path); ok {
			env, local = e, l || local
		} else {
			env = DefaultCheckEnv
			fmt.Fprintf(o.Log, "check: no --env given; judging the plan by %s enforcement\n", env)
		}
	}
	layout, err := tfg.NewLayout(cfg, env, local)
	if err != nil {
		return nil, fmt.Errorf("--env: %w", err)
	}
	name := o.Path
	if isBinaryPlan(data) {
		WarnCLIConfig(o.Log, o.Getenv)
		if data, err = showBinaryPlan(ctx, layout, o.Path); err != nil {
			return nil, err
		}
		name = o.Path + " (terraform show -json)"
	}
	for _, f := range o.Plan.VarFiles {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("--var-file %s: no such file", f)
		}
	}
	p, err := decode(data, name)
	if err != nil {
		return nil, err
	}
	out, err := gate.Evaluate(ctx, gate.Options{
		Config:       cfg,
		Env:          env,
		Plan:         p,
		VarFiles:     o.Plan.VarFiles,
		PolicyDirs:   o.Plan.PolicyDirs,
		AllowDestroy: o.Plan.AllowDestroy,
		Strict:       o.Plan.Strict,
		ToolVersion:  o.Plan.ToolVersion,
	})
	if err != nil {
		return nil, err
	}
	return &Gated{Result: out.Result, Plan: p, PlanName: cfg.Rel(o.Path)}, nil
}

// isBinaryPlan: saved plans are zip archives.
func isBinaryPlan(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04"))
}

func showBinaryPlan(ctx context.Context, layout tfg.Layout, path string) ([]byte, error) {
	if !layout.Initialised() {
		return nil, fmt.Errorf("%s is a binary plan: it needs the initialised working dir of environment %s (%s mode); run `tfgate init --env %s` first, or pass plan JSON (terraform show -json)",
			path, layout.Env, layout.Mode(), layout.Env)
	}
	bin, err := tfg.Find(ctx)
	if err != nil {
		return nil, err
	}
	env, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Offline: true})
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	r := &tfg.Runner{Bin: bin, Layout: layout, Env: env}
	js, err := r.ShowPlan(ctx, abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return js, nil
}
