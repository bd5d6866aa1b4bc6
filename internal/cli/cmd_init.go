package cli

import (
	"github.com/spf13/cobra"
)

func (a *App) initCommand() *cobra.Command {
	var ef envFlags
	c := &cobra.Command{
		Use:   "init --env E [--local] [--plugin-dir DIR] [--backend-config K=V]...",
		Short: "Initialise an environment's working directory (providers, backend)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := a.interruptible(cmd)
			defer stop()
			env, err := a.open(ctx, &ef, "init", false, false)
			if err != nil {
				return err
			}
			defer env.Close()
			if err := env.Init(ctx, true); err != nil {
				return err
			}
			where := "the registry"
			if env.PluginDir() != "" {
				where = env.PluginDir()
			}
			l := env.Layout()
			a.infof("initialised %s: data dir %s, providers from %s", env, l.Rel(l.DataDir()), where)
			return nil
		},
	}
	ef.register(c.Flags(), true)
	return c
}
