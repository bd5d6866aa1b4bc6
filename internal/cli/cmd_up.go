package cli

import (
	"os"

	"github.com/saprism/tfgate/internal/result"
	"github.com/spf13/cobra"
)

func (a *App) upCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	c := &cobra.Command{
		Use:   "up --env E [--local] [plan flags]",
		Short: "init → plan → gate → apply → outputs → smoke, in one command",
		Long: "up plans the environment, runs the gate, applies the saved plan only if the gate passed, prints\n" +
			"the outputs and checks them. With --local it starts the local AWS emulator when none runs\n" +
			"(`tfgate down --local` stops it again).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			specs, err := parseOutputs(pf.outputs, ef.json)
			if err != nil {
				return err
			}
			if err := checkVars(pf.vars); err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			s, err := a.open(ctx, &ef, openOptions{command: "up", startEmulator: true})
			if err != nil {
				return err
			}
			defer s.close()
			if s.emuStarted {
				// The mark tells `down` that it may stop this emulator; without
				// it `down` leaves the process running, so say so.
				err := os.MkdirAll(s.layout.ModeDir(), 0o755)
				if err == nil {
					err = os.WriteFile(s.ownerMark(), []byte("started by tfgate up\n"), 0o644)
				}
				if err != nil {
					a.infof("warning: cannot record that this run started the emulator (%v); stop it with `tfgate local stop`", err)
				}
			}
			g, err := s.planAndGate(ctx, &pf, &ef, specs)
			if err == nil && g.res.Verdict == result.Fail {
				a.infof("not applying: the gate denied the plan")
				err = denied()
			}
			if err != nil {
				s.stopUnusedEmulator()
				return err
			}
			if err := s.applySaved(ctx, &ef); err != nil {
				return err
			}
			if err := s.recordLive(ctx, &pf, &ef); err != nil {
				return err
			}
			outs, err := s.runner.Output(ctx)
			if err != nil {
				return a.tfError(err)
			}
			if !ef.json {
				if err := a.printOutputs(outs, false); err != nil {
					return failf("%v", err)
				}
			}
			if err := smoke(outs); err != nil {
				return failf("%v", err)
			}
			if !ef.json {
				a.infof("up: %s is up; smoke checks passed", describe(s))
			} else {
				a.emit(map[string]any{"type": "tfgate_up", "environment": s.layout.Env, "smoke": "passed"})
			}
			return nil
		},
	}
	ef.register(c.Flags(), true)
	pf.register(c.Flags())
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events and tfgate's on stdout")
	return c
}

// stopUnusedEmulator stops an emulator this run started when nothing was
// applied to it yet, so a failed `up` leaves no process behind.
func (s *session) stopUnusedEmulator() {
	if !s.emuStarted || s.emu == nil {
		return
	}
	if st, err := os.Stat(s.layout.StatePath()); err == nil && st.Size() > 0 && hasResources(s.layout.StatePath()) {
		return
	}
	s.a.infof("stopping the emulator this run started (nothing was applied)")
	s.emu.Stop()
	os.Remove(s.ownerMark())
}
