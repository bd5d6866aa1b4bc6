package harness

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
)

var (
	engineOnce sync.Once
	engine     *policy.Engine
	engineErr  error
)

// Engine compiles the policy set once per test binary, with the same
// inputs the gate would use (embedded policies, the config's policy_dirs
// and enforcement overrides), so a suite running dozens of gate cases does
// not recompile Rego for each.
func Engine(t testing.TB, cfg *config.Config) *policy.Engine {
	t.Helper()
	engineOnce.Do(func() {
		engine, engineErr = policy.New(context.Background(), policy.Options{ExtraDirs: cfg.PolicyPaths(nil), Overrides: cfg.Enforcement})
	})
	if engineErr != nil {
		t.Fatalf("policy engine: %v", engineErr)
	}
	return engine
}

// Gate runs tfgate's gate (internal/gate: plan → policies → exceptions →
// file:line → verdict) on a plan JSON with the repository's own config, as
// `tfgate check --env <env>` would.
func Gate(t testing.TB, env, name string, planJSON []byte) *result.Result {
	t.Helper()
	cfg := Config(t)
	varFiles := []string{}
	if e, err := cfg.Env(env); err == nil {
		varFiles = e.VarFiles
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := gate.Run(ctx, gate.Options{
		Engine:   Engine(t, cfg),
		Config:   cfg,
		Env:      env,
		PlanJSON: planJSON,
		PlanName: name,
		VarFiles: varFiles,
	})
	if err != nil {
		t.Fatalf("gate %s (%s): %v", env, name, err)
	}
	return res
}

// Describe renders findings one per line (rule, enforcement, address,
// file:line) for failure messages; never values, so no secret can leak.
func Describe(fs []result.Finding) string {
	lines := make([]string, 0, len(fs))
	for _, f := range fs {
		loc := ""
		if f.File != "" {
			loc = fmt.Sprintf(" (%s:%d)", f.File, f.Line)
		}
		unk := ""
		if f.Unknown {
			unk = " (unknown until apply)"
		}
		lines = append(lines, fmt.Sprintf("  %s %s %s%s%s", f.RuleID, f.Enforcement, f.Address, loc, unk))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
