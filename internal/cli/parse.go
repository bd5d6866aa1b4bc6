package cli

import (
	"fmt"
	"io"
)

// ParseOnly checks a tfgate command line the way Run would (the command
// exists, its flags parse, its positional arguments fit, --output values
// name known formats) without running it. Tests use it on every command
// line of the CI workflows, so a renamed flag breaks a test, not CI.
func ParseOnly(args []string) error {
	a := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	root := a.rootCommand()
	cmd, rest, err := root.Find(args)
	if err != nil {
		return err
	}
	if cmd == root {
		return fmt.Errorf("no tfgate command in %q", args)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		return fmt.Errorf("tfgate %s: %w", cmd.Name(), err)
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		return fmt.Errorf("tfgate %s: %w", cmd.Name(), err)
	}
	if err := cmd.ValidateRequiredFlags(); err != nil {
		return fmt.Errorf("tfgate %s: %w", cmd.Name(), err)
	}
	if err := cmd.ValidateFlagGroups(); err != nil {
		return fmt.Errorf("tfgate %s: %w", cmd.Name(), err)
	}
	if f := cmd.Flags().Lookup("output"); f != nil && f.Changed {
		specs, err := cmd.Flags().GetStringArray("output")
		if err != nil {
			return err
		}
		if _, err := parseOutputs(specs, false); err != nil {
			return fmt.Errorf("tfgate %s: %w", cmd.Name(), err)
		}
	}
	return nil
}
