package cli

import (
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/source"
)

// checkVarFiles checks var files against the configuration's variable
// declarations (internal/source.CheckVars) before Terraform runs.
func checkVarFiles(cfg *config.Config, varFiles []string) error {
	ix, err := source.Load(cfg.Root, cfg.TerraformDir)
	if err != nil {
		return err
	}
	return ix.CheckVars(varFiles)
}
