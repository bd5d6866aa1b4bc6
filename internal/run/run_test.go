package run

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// One `up` (plan + gate + record + apply) decodes its plan JSON exactly
// once: the gate judges, and apply scrubs and counts with, the same
// *plan.Plan. It runs the CLI's one-bucket stack on the local emulator.
func TestUpDecodesThePlanOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test (real terraform and emulator); run without -short")
	}
	if _, err := tfg.Find(t.Context()); err != nil {
		t.Fatalf("this test needs terraform >= 1.5 (PATH or TFGATE_TERRAFORM): %v", err)
	}
	stack, err := filepath.Abs("../cli/testdata/stack")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, config.FileName), []byte("terraform_dir: "+stack+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if e, err := emulator.Attach(config.EmulatorDir(root)); err == nil {
			e.Stop()
		}
	})

	var decoded []*plan.Plan
	orig := decode
	decode = func(data []byte, name string) (*plan.Plan, error) {
		p, err := orig(data, name)
		decoded = append(decoded, p)
		return p, err
	}
	t.Cleanup(func() { decode = orig })

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	env, err := Open(ctx, Options{Config: cfg, Env: "dev", Local: true, Command: "up", StartEmulator: true, Log: &log, Mode: tfg.Plain})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	g, err := env.Plan(ctx, PlanOptions{ToolVersion: "test"})
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, log.String())
	}
	if g.Result.Verdict == result.Fail {
		t.Fatalf("the one-bucket stack was denied: %+v", g.Result.Summary)
	}
	if err := env.Apply(ctx, ApplyOptions{ToolVersion: "test"}); err != nil {
		t.Fatalf("apply: %v\n%s", err, log.String())
	}
	if len(decoded) != 1 || decoded[0] != g.Plan {
		t.Errorf("one up decoded the plan %d times; want once, and the gate's plan reused by apply", len(decoded))
	}
	// Apply's progress total came from that decoded plan.
	if !strings.Contains(log.String(), "[1/1 ") {
		t.Errorf("apply progress has no total from the decoded plan:\n%s", log.String())
	}
	// The live state was recorded after the apply, with the plan's own
	// variable values (the stack's name variable has no default), and the
	// var file holding them is gone.
	if !strings.Contains(log.String(), "recording the live state") || strings.Contains(log.String(), "recording the live state failed") {
		t.Errorf("no clean refresh-only apply after the apply:\n%s", log.String())
	}
	if _, err := os.Stat(filepath.Join(env.Layout().ModeDir(), "refresh.tfvars.json")); !os.IsNotExist(err) {
		t.Errorf("refresh var file left behind: %v", err)
	}
	if err := env.Destroy(ctx, nil, nil); err != nil {
		t.Fatalf("destroy: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "stopped the local emulator") {
		t.Errorf("destroy did not stop the emulator this run started:\n%s", log.String())
	}
}
