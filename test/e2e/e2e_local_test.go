package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	tt "github.com/gruntwork-io/terratest/modules/terraform"
	teststructure "github.com/gruntwork-io/terratest/modules/test-structure"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	"github.com/saprism/tfgate/test/internal/harness"
)

// TestE2ELocal brings the dev stack (every feature flag on) up on the local
// emulator with `tfgate up --local`, verifies it through the AWS SDK,
// re-plans for drift, takes it down with `tfgate down --local` and checks
// the emulator holds nothing.
//
// Stages (terratest test_structure; set SKIP_<stage>=1 to skip one):
//
//	emulator  start the emulator (skipped: reuse the one a previous run left)
//	apply     tfgate up --env dev --local
//	verify    SDK checks against the emulator
//	replan    a fresh plan must show no changes
//	destroy   tfgate down --env dev --local, then the emulator must be empty
//
// e.g. `SKIP_destroy=1 go test ./test/e2e -run Local` once, then
// `SKIP_emulator=1 SKIP_apply=1 go test ./test/e2e -run Local` re-runs
// verify (and replan, destroy) against the stack left up. The emulator is
// stopped at the end unless destroy was skipped: a failing run leaves no
// process behind.
func TestE2ELocal(t *testing.T) {
	harness.RequireTools(t, "terraform")
	root := filepath.Join(harness.Root(t), ".tfgate", "e2e-local")
	emuDir := filepath.Join(root, ".tfgate", "emulator")
	const env = "dev"

	var emu *emulator.Emulator
	destroyed := false
	t.Cleanup(func() {
		if os.Getenv("SKIP_destroy") != "" {
			if emu != nil {
				t.Logf("SKIP_destroy set: the stack and the emulator (pid %d, %s) stay up for the next run; "+
					"`go run ./cmd/tfgate -C %s down --env dev --local` and `... local stop` clean up", emu.PID(), emu.Endpoint(), root)
			}
			return
		}
		if emu == nil {
			return
		}
		if !destroyed && !t.Failed() {
			t.Errorf("the destroy stage did not run")
		}
		// Whatever happened, no emulator process outlives the suite (its
		// resources are in memory and vanish with it).
		if err := emu.Stop(); err != nil {
			t.Errorf("stop the emulator (pid %d): %v", emu.PID(), err)
		}
	})

	teststructure.RunTestStage(t, "emulator", func() {
		harness.Stage(t, "emulator", func(t *testing.T) {
			// A stale run's state or emulator would make this one lie.
			if old, err := emulator.Attach(emuDir); err == nil {
				_ = old.Stop()
			}
			if err := os.RemoveAll(root); err != nil {
				t.Fatal(err)
			}
			WriteRoot(t, root)
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			var err error
			emu, err = emulator.Start(ctx, emulator.Options{StateDir: emuDir})
			if err != nil {
				t.Fatalf("start the emulator: %v", err)
			}
			if os.Getenv("SKIP_destroy") == "" {
				harness.Track(emu)
			}
			t.Logf("emulator %s (pid %d), log %s", emu.Endpoint(), emu.PID(), filepath.Join(emuDir, "emulator.log"))
		})
	})
	if emu == nil {
		var err error
		if emu, err = emulator.Attach(emuDir); err != nil {
			t.Fatalf("SKIP_emulator: no emulator from a previous run in %s: %v", emuDir, err)
		}
		if os.Getenv("SKIP_destroy") == "" {
			harness.Track(emu)
		}
	}
	if t.Failed() {
		return
	}

	teststructure.RunTestStage(t, "apply", func() {
		harness.Stage(t, "apply", func(t *testing.T) {
			if code := Up(t, root, "up", "--env", env, "--local"); code != 0 {
				t.Fatalf("tfgate up --env %s --local exited %d", env, code)
			}
		})
	})
	if t.Failed() {
		return
	}

	cfg, err := config.Load(root)
	if err != nil {
		t.Fatalf("%s: %v", root, err)
	}
	emuEnv := harness.EmulatorEnv(emu)

	teststructure.RunTestStage(t, "verify", func() {
		harness.Stage(t, "verify", func(t *testing.T) {
			opts := harness.Options(t, cfg, env, emuEnv)
			opts.PlanFilePath = "" // show the state, not a plan
			state, err := tt.ShowE(t, opts)
			if err != nil {
				t.Fatalf("terraform show -json (state): %v", err)
			}
			stack := LoadStack(t, []byte(state))
			t.Logf("state holds %d managed resources", stack.Count())
			awsCfg, err := LocalConfig(context.Background(), emu.Endpoint(), emulator.Region)
			if err != nil {
				t.Fatal(err)
			}
			Verify(t, NewClients(awsCfg, true), stack, Expect{Project: "saprism", Env: env, HTTPS: true})
		})
	})

	teststructure.RunTestStage(t, "replan", func() {
		harness.Stage(t, "replan", func(t *testing.T) {
			p := harness.PlanEnv(t, cfg, env, emuEnv, nil)
			NoChanges(t, p)
		})
	})

	teststructure.RunTestStage(t, "destroy", func() {
		harness.Stage(t, "destroy", func(t *testing.T) {
			if code := Tfgate(t, root, "down", "--env", env, "--local"); code != 0 {
				t.Fatalf("tfgate down --env %s --local exited %d", env, code)
			}
			destroyed = true
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			left, err := emu.Resources(ctx)
			if err != nil {
				t.Fatalf("emulator resources: %v", err)
			}
			for _, r := range left {
				t.Errorf("left in the emulator after down: %s", r)
			}
		})
	})
}

// NoChanges fails with the addresses a plan would still change.
func NoChanges(t testing.TB, p *harness.Plan) {
	t.Helper()
	var drift []string
	for _, rc := range p.RawPlan.ResourceChanges {
		switch a := harness.Action(rc.Change.Actions); a {
		case "no-op", "read":
		default:
			drift = append(drift, a+" "+rc.Address)
		}
	}
	if len(drift) > 0 {
		t.Errorf("re-plan after apply is not empty (%d changes):\n  %s", len(drift), joinLines(drift))
	}
}

func joinLines(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += "\n  "
		}
		out += s
	}
	return out
}
