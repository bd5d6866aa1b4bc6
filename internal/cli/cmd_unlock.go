package cli

import (
	tfg "github.com/saprism/tfgate/internal/terraform"
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
			l, err := tfg.NewLayout(cfg, ef.env, ef.local)
			if err != nil {
				return failf("%v", err)
			}
			st, err := tfg.Unlock(l)
			if err != nil {
				return failf("unlock refused: %v", err)
			}
			switch {
			case st.Holder != "" || len(st.Files) > 0:
				a.infof("unlocked %s: cleared the lock of %s, which is no longer running %v", l.Env, orDead(st.Holder), st.Files)
			default:
				a.infof("%s was not locked", l.Env)
			}
			return nil
		},
	}
	c.Flags().StringVar(&ef.env, "env", "", "environment to unlock")
	c.Flags().BoolVar(&ef.local, "local", false, "the local-mode state of the environment")
	return c
}

func orDead(h string) string {
	if h == "" {
		return "a run"
	}
	return h
}
