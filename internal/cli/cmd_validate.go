package cli

import (
	"github.com/saprism/tfgate/internal/run"
	"github.com/spf13/cobra"
)

func (a *App) validateCommand() *cobra.Command {
	var pluginDir string
	c := &cobra.Command{
		Use:   "validate",
		Short: "terraform fmt -check, terraform validate, and tfgate's static HCL checks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := a.interruptible(cmd)
			defer stop()
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			return run.Validate(ctx, cfg, pluginDir, a.noInstall(), a.Stdout, a.Stderr, a.Getenv)
		},
	}
	c.Flags().StringVar(&pluginDir, "plugin-dir", "", "provider mirror directory (default: $TFGATE_PLUGIN_DIR, implied mirrors, registry)")
	return c
}
