package cli

import (
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) unlockCommand() *cobra.Command {
	var ef envFlags
	c := &cobra.Command{
		Use:   "unlock --env E [--local]",
		Short: "Clear the lock a killed run left on an environment (refused while its holder runs)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			msg, err := run.Unlock(cfg, ef.env, ef.local)
			if err == nil {
				a.infof("%s", msg)
			}
			return err
		},
	}
	c.Flags().StringVar(&ef.env, "env", "", "environment to unlock")
	c.Flags().BoolVar(&ef.local, "local", false, "the local-mode state of the environment")
	return c
}
