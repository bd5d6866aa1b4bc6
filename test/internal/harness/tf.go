package harness

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tt "github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Config loads the repository's tfgate.yaml (or its defaults).
func Config(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Load(Root(t))
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	return cfg
}

// IsolatedConfig is the repository's config re-rooted at a temp dir: the
// stack and var files are the repository's (absolute paths), but .tfgate/
// (data dir, state, saved plans) lives in the temp dir. A suite's plans and
// applies then never touch a developer's own `.tfgate/<env>` state, and
// parallel suites never share a data dir.
func IsolatedConfig(t testing.TB) *config.Config {
	t.Helper()
	real := Config(t)
	c := *real
	c.Root = t.TempDir()
	c.TerraformDir = real.TerraformPath()
	c.Environments = map[string]*config.Environment{}
	for name, e := range real.Environments {
		ne := *e
		ne.VarFiles = nil
		for _, f := range e.VarFiles {
			ne.VarFiles = append(ne.VarFiles, real.Abs(f))
		}
		c.Environments[name] = &ne
	}
	return &c
}

// Emulator starts tfgate's local AWS (moto with tfgate's extensions) with
// its state under a temp dir, and stops it when the test ends, pass or fail.
func Emulator(t testing.TB) *emulator.Emulator {
	t.Helper()
	RequireTools(t, "terraform")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	e, err := emulator.Start(ctx, emulator.Options{StateDir: filepath.Join(t.TempDir(), "emulator")})
	if err != nil {
		t.Fatalf("harness: start the emulator: %v", err)
	}
	Track(e)
	t.Cleanup(func() {
		if err := e.Stop(); err != nil {
			t.Errorf("harness: stop the emulator (pid %d): %v", e.PID(), err)
		}
	})
	t.Logf("emulator: %s (pid %d, log %s)", e.Endpoint(), e.PID(), filepath.Join(e.StateDir(), "emulator.log"))
	return e
}

// EmulatorEnv is the emulator's own environment for Terraform and SDK
// clients (endpoint, fake credentials, no profile, no IMDS), from tfgate's
// emulator package.
func EmulatorEnv(e *emulator.Emulator) []string { return e.Env(nil) }

// Options are Terratest options for one environment, built through tfgate's
// own working-dir, provider-mirror and environment handling
// (internal/terraform Workdir and BuildEnv): what the suite plans is what
// `tfgate plan --env <env>` would plan. emuEnv is the emulator's environment
// for local mode, nil for AWS mode. The returned options write their saved
// plan under the isolated .tfgate dir.
func Options(t testing.TB, cfg *config.Config, env string, emuEnv []string) *tt.Options {
	t.Helper()
	local := emuEnv != nil
	dir, extra, varFiles, err := tfg.Workdir(cfg, env, local)
	if err != nil {
		t.Fatalf("harness: %s working dir: %v", env, err)
	}
	layout, err := tfg.NewLayout(cfg, env, local)
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
	full, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Emulator: emuEnv})
	if err != nil {
		t.Fatalf("harness: %s environment: %v", env, err)
	}
	for k, v := range tfg.EnvMap(extra) {
		full[k] = v
	}
	// Terratest starts from os.Environ() and adds EnvVars: blank out what
	// tfgate's BuildEnv dropped (a profile, real credentials) so the emulator
	// run can never pick them up.
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, kept := full[k]; !kept && (strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "TF_VAR_")) {
			full[k] = ""
		}
	}
	return &tt.Options{
		TerraformDir: dir,
		VarFiles:     varFiles,
		EnvVars:      full,
		PlanFilePath: layout.PlanPath(),
		NoColor:      true,
		Lock:         true,
		// Terratest would otherwise retry on its list of "transient" errors;
		// a suite must see the first failure as it is.
		MaxRetries: 0,
	}
}

// PlanEnv plans one environment (init → plan -out → show -json) with
// terratest and returns the parsed plan.
func PlanEnv(t testing.TB, cfg *config.Config, env string, emuEnv []string, vars map[string]any) *Plan {
	t.Helper()
	o := Options(t, cfg, env, emuEnv)
	o.Vars = vars
	o.SetVarsAfterVarFiles = true // -var overrides the tfvars, like tfgate plan --var
	start := time.Now()
	// Terratest logs the whole plan; the JSON is what the suites read, and
	// the text would bury the assertion failures.
	o.Logger = quietLogger(t)
	js, err := tt.InitAndPlanAndShowE(t, o)
	if err != nil {
		t.Fatalf("plan %s: %v", env, err)
	}
	p, err := ParsePlan(env, []byte(js))
	if err != nil {
		t.Fatalf("plan %s: parse show -json: %v", env, err)
	}
	t.Logf("plan %s: %d resource changes in %s", env, len(p.RawPlan.ResourceChanges), time.Since(start).Round(time.Second))
	return p
}
