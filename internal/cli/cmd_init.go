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
			s, err := a.open(ctx, &ef, openOptions{command: "init"})
			if err != nil {
				return err
			}
			defer s.close()
			if err := s.ensureInit(ctx, true, ef.backendConfig); err != nil {
				return err
			}
			where := "the registry"
			if s.pluginDir != "" {
				where = s.pluginDir
			}
			a.infof("initialised %s: data dir %s, providers from %s", describe(s), s.layout.Rel(s.layout.DataDir()), where)
			return nil
		},
	}
	ef.register(c.Flags(), true)
	return c
}
