package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/saprism/tfgate/internal/config"

	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

func (a *App) downCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "down --env E [--local]",
		Short: "Destroy an environment (and stop the emulator `up --local` started)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkVars(pf.vars); err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			s, err := a.open(ctx, &ef, openOptions{command: "down", startEmulator: true})
			if err != nil {
				return err
			}
			defer s.close()
			varFiles, err := s.cfg.VarFiles(s.layout.Env, pf.varFiles)
			if err != nil {
				return failf("%v", err)
			}
			s.removeSavedPlan()
			if err := s.ensureInit(ctx, false, ef.backendConfig); err != nil {
				s.stopOwnedEmulator()
				return err
			}
			if !ef.json {
				a.infof("terraform destroy (%s)...", describe(s))
			}
			prog := s.progress(ef.json, 0)
			wctx, stopWatch := s.watchEmulator(ctx)
			err = s.runner.Destroy(wctx, tfg.DestroyOptions{VarFiles: varFiles, Vars: pf.vars}, prog)
			stopWatch()
			if err != nil {
				if ctx.Err() == nil && s.emulatorDied() {
					return s.emulatorDiedError("destroy")
				}
				return a.tfError(err)
			}
			if !ef.json {
				done, _ := prog.Counts()
				a.infof("destroyed %s (%s)", plural(done, "resource"), describe(s))
			}
			if s.layout.Local {
				s.reportLeftovers(ctx)
			}
			s.stopOwnedEmulator()
			return nil
		},
	}
	ef.register(c.Flags(), true)
	c.Flags().StringArrayVar(&pf.varFiles, "var-file", nil, "extra tfvars file (repeatable)")
	c.Flags().StringArrayVar(&pf.vars, "var", nil, "variable K=V (repeatable)")
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events on stdout")
	return c
}

// stopOwnedEmulator stops the emulator after `down --local` when tfgate
// started it (this run, or `up`), unless another environment still has
// resources on it.
func (s *session) stopOwnedEmulator() {
	if !s.layout.Local || s.emu == nil {
		return
	}
	mark := s.ownerMark()
	_, err := os.Stat(mark)
	owned := err == nil || s.emuStarted
	os.Remove(mark)
	if !owned {
		s.a.infof("the emulator keeps running (started with `tfgate local start`; stop it with `tfgate local stop`)")
		return
	}
	others, _ := filepath.Glob(filepath.Join(s.layout.Root, config.StateRoot, "*", "local", "terraform.tfstate"))
	for _, st := range others {
		if st != s.layout.StatePath() && hasResources(st) {
			s.a.infof("the emulator keeps running: %s still has resources on it", s.layout.Rel(st))
			return
		}
	}
	if err := s.emu.Stop(); err != nil {
		s.a.infof("warning: stopping the emulator (pid %d): %v", s.emu.PID(), err)
		return
	}
	s.a.infof("stopped the local emulator (pid %d)", s.emu.PID())
}

// reportLeftovers says what the emulator still holds after a destroy
// (a resource the emulator cannot delete leaks silently otherwise).
func (s *session) reportLeftovers(ctx context.Context) {
	res, err := s.emu.Resources(ctx)
	if err != nil || len(res) == 0 {
		return
	}
	s.a.infof("warning: the emulator still holds %s after destroy:", plural(len(res), "resource"))
	for i, r := range res {
		if i == 10 {
			s.a.infof("  ... and %d more", len(res)-10)
			break
		}
		s.a.infof("  %s", r.String())
	}
}

// hasResources reports whether a state file holds any resource.
func hasResources(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var st struct {
		Resources []json.RawMessage `json:"resources"`
	}
	return json.Unmarshal(data, &st) == nil && len(st.Resources) > 0
}
