package cli

import (
	"fmt"

	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

func (a *App) bootstrapCommand() *cobra.Command {
	var ef envFlags
	c := &cobra.Command{
		Use:   "bootstrap --env E [--backend-config K=V]...",
		Short: "AWS mode: create the environment's state bucket (versioned, encrypted, private, TLS only)",
		Long: "bootstrap creates the S3 bucket named by environments.<env>.backend.bucket (and the DynamoDB lock\n" +
			"table when dynamodb_table is set) with versioning, default encryption, a public access block and a\n" +
			"TLS-only policy. Credentials come from the AWS environment; it never talks to the local emulator.\n" +
			"Existing resources are left as they are and their settings enforced.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			steps, err := tfg.Bootstrap(cmd.Context(), cfg, ef.env, ef.backendConfig)
			for _, s := range steps {
				fmt.Fprintln(a.Stdout, s)
			}
			return err
		},
	}
	c.Flags().StringVar(&ef.env, "env", "", "environment")
	c.Flags().StringArrayVar(&ef.backendConfig, "backend-config", nil, "backend setting KEY=VALUE (repeatable; adds to tfgate.yaml)")
	return c
}
