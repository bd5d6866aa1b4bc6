package cli

import (
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) unlockCommand() *cobra.Command {
	var ef envFlags
	var lockID string
	c := &cobra.Command{
		Use:   "unlock --env E [--local] [--lock-id ID]",
		Short: "Clear the lock a killed run left on an environment (refused while its holder runs)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := a.options(&ef, "unlock", false, false)
			if err != nil {
				return err
			}
			msg, err := run.Unlock(cmd.Context(), o, lockID)
			if err == nil {
				a.infof("%s", msg)
			}
			return err
		},
	}
	ef.register(c.Flags(), true)
	c.Flags().StringVar(&lockID, "lock-id", "", "AWS mode: also remove Terraform's remote state lock ID (named in the lock error) that a killed run left")
	c.MarkFlagsMutuallyExclusive("local", "lock-id")
	return c
}
