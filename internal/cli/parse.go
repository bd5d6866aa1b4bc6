package cli

import (
	"fmt"
	"io"

	"github.com/saprism/tfgate/internal/report"
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
	for _, check := range []func() error{
		func() error { return cmd.ParseFlags(rest) },
		func() error { return cmd.ValidateArgs(cmd.Flags().Args()) },
		cmd.ValidateRequiredFlags,
		cmd.ValidateFlagGroups,
		func() error { // --output values name known formats (none: no flag)
			specs, _ := cmd.Flags().GetStringArray("output")
			_, err := report.ParseOutputs(specs, false, false, "")
			return err
		},
	} {
		if err := check(); err != nil {
			return fmt.Errorf("tfgate %s: %w", cmd.Name(), err)
		}
	}
	return nil
}
