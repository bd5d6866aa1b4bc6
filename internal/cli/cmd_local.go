package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	"github.com/spf13/cobra"
)

func (a *App) localCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "local start|stop|status|reset",
		Short: "Manage the local AWS emulator (moto_server with tfgate's extensions)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("local needs a subcommand: start, stop, status or reset")
		},
	}
	var port int
	start := a.localSub("start [--port N]", "Start the emulator on a free (or the given) 127.0.0.1 port", func(ctx context.Context, dir string) (string, error) {
		if port < 0 || port > 65535 {
			return "", fmt.Errorf("--port %d: not a port number", port)
		}
		e, err := emulator.Start(ctx, emulator.Options{StateDir: dir, Port: port, NoInstall: a.noInstall(), Progress: a.Stderr})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("emulator running: %s (pid %d)\nlog: %s\nstop it with: tfgate local stop", e.Endpoint(), e.PID(), filepath.Join(dir, "emulator.log")), nil
	})
	start.Flags().IntVar(&port, "port", 0, "port on 127.0.0.1 (default: a free one)")
	stop := a.localSub("stop", "Stop the emulator; no process is left", func(_ context.Context, dir string) (string, error) {
		return emulator.StopDir(dir)
	})
	status := a.localSub("status", "Say whether the emulator runs, where, and since when", func(_ context.Context, dir string) (string, error) {
		st, err := emulator.Status(dir)
		return st.String(), err
	})
	reset := a.localSub("reset", "Empty every service of the running emulator", func(ctx context.Context, dir string) (string, error) {
		e, err := emulator.Attach(dir)
		if err != nil {
			return "", err
		}
		if err := e.Reset(ctx); err != nil {
			return "", fmt.Errorf("reset: %w", err)
		}
		return "emulator reset: every service is empty (local Terraform state now points at nothing; run `tfgate down --local` or delete .tfgate/<env>/local)", nil
	})
	c.AddCommand(start, stop, status, reset)
	return c
}

// localSub is one `tfgate local` subcommand: do runs on the repository's
// emulator directory and its message goes to stdout.
func (a *App) localSub(use, short string, do func(ctx context.Context, dir string) (string, error)) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root, err := config.FindRoot(a.root)
			if err != nil {
				return err
			}
			msg, err := do(cmd.Context(), config.EmulatorDir(root))
			if err != nil {
				return err
			}
			fmt.Fprintln(a.Stdout, msg)
			return nil
		}}
}
