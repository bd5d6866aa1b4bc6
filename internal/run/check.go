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
	// NoInstall: never install Terraform into tfgate's cache.
	NoInstall bool
	// Getenv reads the caller's environment (TF_CLI_CONFIG_FILE).
	Getenv func(string) string
	// ConfigDir is the configuration the plan was made from (--config-dir);
	// empty: terraform_dir of tfgate.yaml, else discovered under the root.
	ConfigDir string
}

// Check gates any Terraform plan: a `terraform show -json` document (from
// any repository) or a saved binary plan (converted with terraform show
// -json in the environment's initialised working dir; no AWS access).
func Check(ctx context.Context, o CheckOptions) (*Gated, error) {
	cfg := o.Config
	o.Path = underRoot(cfg, o.Path)
	if o.ConfigDir != "" {
		o.ConfigDir = underRoot(cfg, o.ConfigDir)
		if st, err := os.Stat(o.ConfigDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--config-dir %s: not a directory", o.ConfigDir)
		}
	}
	binary, err := isBinaryPlanFile(o.Path)
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
	if binary {
		if _, _, own := cfg.EnvFromPath(o.Path); !own && (err != nil || !layout.Initialised()) {
			// Not one of this repository's own saved plans: only the
			// Terraform that made it can read it.
			return nil, fmt.Errorf("%s is a saved binary plan; pass its JSON instead: run `terraform show -json %s > plan.json` where it was planned, then `tfgate check plan.json`", o.Path, filepath.Base(o.Path))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("--env: %w", err)
	}
	// A JSON plan is read by the gate as a stream from its file.
	var data []byte
	name := o.Path
	if binary {
		WarnCLIConfig(o.Log, o.Getenv)
		if data, err = showBinaryPlan(ctx, layout, o.Path, o.NoInstall, o.Log); err != nil {
			return nil, err
		}
		name = o.Path + " (terraform show -json)"
	}
	for _, f := range o.Plan.VarFiles {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("--var-file %s: no such file", f)
		}
	}
	gcfg, pending, done, err := trustedPolicy(ctx, cfg, o.Plan, o.Log)
	if err != nil {
		return nil, err
	}
	defer done()
	out, err := gate.Evaluate(ctx, gate.Options{
		Config:        gcfg,
		PolicyChanges: pending,
		Env:           env,
		// The gate reads the plan itself: it compiles the policies
		// meanwhile, and drops the input after the evaluation.
		PlanJSON:     data,
		PlanPath:     o.Path,
		PlanName:     name,
		VarFiles:     o.Plan.VarFiles,
		PolicyDirs:   o.Plan.PolicyDirs,
		AllowDestroy: o.Plan.AllowDestroy,
		Strict:       o.Plan.Strict,
		ToolVersion:  o.Plan.ToolVersion,
		SourceDir:    o.ConfigDir,
		Discover:     true,
	})
	if err != nil {
		return nil, err
	}
	for _, n := range out.Notes {
		fmt.Fprintln(o.Log, n)
	}
	return &Gated{Result: out.Result, Plan: out.Plan, PlanName: cfg.Rel(o.Path), SourceFile: out.SourceFile}, nil
}

// underRoot resolves a relative path given to check against the working
// directory, else against the repository root (`tfgate -C REPO check
// plan.json` with the plan in REPO).
func underRoot(cfg *config.Config, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	if _, err := os.Stat(p); err != nil {
		alt := filepath.Join(cfg.Root, p)
		if _, err := os.Stat(alt); err == nil {
			return alt
		}
	}
	return p
}

// isBinaryPlanFile: the file at path is a saved binary plan (a zip
// archive); only its first bytes are read.
func isBinaryPlanFile(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 4)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return false, err
	}
	return bytes.HasPrefix(head[:n], []byte("PK\x03\x04")), nil
}

func showBinaryPlan(ctx context.Context, layout tfg.Layout, path string, noInstall bool, log io.Writer) ([]byte, error) {
	if !layout.Initialised() {
		return nil, fmt.Errorf("%s is a binary plan: it needs the initialised working dir of environment %s (%s mode); run `tfgate init --env %s` first, or pass plan JSON (terraform show -json)",
			path, layout.Env, layout.Mode(), layout.Env)
	}
	bin, err := tfg.Ensure(ctx, noInstall, log)
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
