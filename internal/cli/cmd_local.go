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
	start := &cobra.Command{
		Use:   "start [--port N]",
		Short: "Start the emulator on a free (or the given) 127.0.0.1 port",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.emulatorDir()
			if err != nil {
				return err
			}
			if port < 0 || port > 65535 {
				return fmt.Errorf("--port %d: not a port number", port)
			}
			e, err := emulator.Start(cmd.Context(), emulator.Options{StateDir: dir, Port: port, NoInstall: a.noInstall(), Progress: a.Stderr})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "emulator running: %s (pid %d)\nlog: %s\nstop it with: tfgate local stop\n", e.Endpoint(), e.PID(), filepath.Join(dir, "emulator.log"))
			return nil
		},
	}
	start.Flags().IntVar(&port, "port", 0, "port on 127.0.0.1 (default: a free one)")
	stop := &cobra.Command{
		Use:   "stop",
		Short: "Stop the emulator; no process is left",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.emulatorDir()
			if err != nil {
				return err
			}
			msg, err := emulator.StopAny(dir)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.Stdout, msg)
			return nil
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Say whether the emulator runs, where, and since when",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.emulatorDir()
			if err != nil {
				return err
			}
			st, err := emulator.Status(dir)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.Stdout, st)
			return nil
		},
	}
	reset := &cobra.Command{
		Use:   "reset",
		Short: "Empty every service of the running emulator",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := a.emulatorDir()
			if err != nil {
				return err
			}
			e, err := emulator.Attach(dir)
			if err != nil {
				return err
			}
			if err := e.Reset(context.Background()); err != nil {
				return fmt.Errorf("reset: %w", err)
			}
			fmt.Fprintln(a.Stdout, "emulator reset: every service is empty (local Terraform state now points at nothing; run `tfgate down --local` or delete .tfgate/<env>/local)")
			return nil
		},
	}
	c.AddCommand(start, stop, status, reset)
	return c
}

func (a *App) emulatorDir() (string, error) {
	root, err := config.FindRoot(a.root)
	if err != nil {
		return "", err
	}
	return config.EmulatorDir(root), nil
}
