package cli

import (
	"context"
	"time"

	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

// interruptible returns the command's context, cancelled on Ctrl-C so
// Terraform stops cleanly; a second Ctrl-C forces it.
func (a *App) interruptible(cmd *cobra.Command) (context.Context, func()) {
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	return tfg.Interrupt(parent, func(msg string) { a.infof("\ntfgate: %s", msg) })
}

func newTicker() *time.Ticker { return time.NewTicker(2 * time.Second) }
