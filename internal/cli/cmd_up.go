package cli

import (
	"time"

	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) upCommand() *cobra.Command {
	var ef envFlags
	var pf planFlags
	var healthTimeout time.Duration
	c := &cobra.Command{
		Use:   "up --env E [--local] [plan flags]",
		Short: "init → plan → gate → apply → outputs → smoke → health, in one command",
		Long: "up plans the environment, runs the gate, applies the saved plan only if the gate passed, prints\n" +
			"the outputs and checks them. On AWS it then waits until the target groups named in the stack's\n" +
			"health_target_groups output report healthy targets (--health-timeout); on the emulator, which runs no\n" +
			"tasks, it checks that they exist. With --local it starts the local AWS emulator when none runs\n" +
			"(`tfgate down --local` stops it again).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			specs, err := pf.parse(ef.json)
			if err != nil {
				return err
			}
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "up", true, false)
			if err != nil {
				return err
			}
			defer env.Close()
			env.MarkEmulatorOwned()
			g, err := a.planAndReport(ctx, env, &pf, &ef, specs)
			if err == nil && g.Result.Verdict == result.Fail {
				a.infof("not applying: the gate denied the plan")
				err = &run.DeniedError{}
			}
			if err != nil {
				env.StopUnusedEmulator()
				return err
			}
			if err := env.Apply(ctx, pf.applyOptions()); err != nil {
				return err
			}
			outs, err := env.Outputs(ctx)
			if err != nil {
				return err
			}
			if !ef.json {
				if err := run.WriteOutputs(a.Stdout, outs, false); err != nil {
					return err
				}
			}
			if err := run.Smoke(outs); err != nil {
				return err
			}
			if err := env.CheckHealth(ctx, outs, healthTimeout); err != nil {
				return err
			}
			if ef.json {
				run.Emit(a.Stdout, map[string]any{"type": "tfgate_up", "environment": env.Layout().Env, "smoke": "passed"})
			} else {
				a.infof("up: %s is up; smoke checks passed", env)
			}
			return nil
		},
	}
	ef.register(c.Flags(), true)
	pf.register(c.Flags())
	c.Flags().DurationVar(&healthTimeout, "health-timeout", 10*time.Minute, "how long up waits on AWS for healthy load balancer targets (0: do not wait)")
	c.Flags().BoolVar(&ef.json, "json", false, "machine progress: Terraform's JSON UI events and tfgate's on stdout")
	return c
}
