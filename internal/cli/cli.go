// Package cli is tfgate's command line: one file per cobra command, flags
// turned into calls of the pipeline packages, and named exit codes. The
// streams are fields, never os.Stdout/os.Stderr, so every command runs in
// tests exactly as from a shell.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes: the contract CI pipelines rely on.
const (
	ExitPass   = 0 // passed (warnings allowed)
	ExitDenied = 1 // denied by policy
	ExitError  = 2 // usage or runtime error
)

// Version is tfgate's version, set at build time with
// -ldflags "-X github.com/saprism/tfgate/internal/cli.Version=v1.2.3".
var Version = "dev"

// exitError carries an exit code out of a command; its message (if any) is
// printed once as "tfgate: <message>".
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// denied returns the error that makes tfgate exit 1 without another message
// (the report already said why).
func denied() error { return &exitError{code: ExitDenied} }

// failf is a runtime or usage error: exit 2 with one clear line.
func failf(format string, a ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, a...)}
}

// App is one tfgate invocation.
type App struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string

	root      string // -C: the repository root, "" means discover
	warnedCLI bool
}

// Run runs tfgate with args (without the program name) and returns the exit
// code.
func Run(args []string, stdout, stderr io.Writer) int {
	a := &App{Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}
	return a.Run(args)
}

// Run executes one command line.
func (a *App) Run(args []string) int {
	cmd := a.rootCommand()
	cmd.SetArgs(args)
	cmd.SetOut(a.Stdout)
	cmd.SetErr(a.Stderr)
	err := cmd.Execute()
	if err == nil {
		return ExitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			a.errorf("%v", ee.err)
		}
		return ee.code
	}
	// Anything else is a cobra usage error (unknown flag, missing argument)
	// or an unexpected runtime error: exit 2 with one line.
	a.errorf("%v", err)
	return ExitError
}

func (a *App) errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	msg = strings.TrimSpace(msg)
	fmt.Fprintln(a.Stderr, "tfgate: "+msg)
}

func (a *App) infof(format string, args ...any) {
	fmt.Fprintf(a.Stderr, format+"\n", args...)
}

func (a *App) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "tfgate",
		Short:         "Gate Terraform changes behind policies and tests",
		Long:          "tfgate plans a Terraform stack per environment, runs the plan through OPA policies,\nand applies only a saved plan that passed. Exit codes: 0 passed, 1 denied by policy, 2 error.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().StringVarP(&a.root, "chdir", "C", "", "repository root (default: the nearest directory up holding tfgate.yaml or .git)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if a.root == "" {
			return nil
		}
		_, err := a.findRoot()
		return err
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitError, err: fmt.Errorf("%v (see tfgate %s --help)", err, c.Name())}
	})
	root.AddCommand(
		a.initCommand(),
		a.validateCommand(),
		a.planCommand(),
		a.driftCommand(),
		a.checkCommand(),
		a.applyCommand(),
		a.upCommand(),
		a.downCommand(),
		a.outputCommand(),
		a.localCommand(),
		a.policyCommand(),
		a.testCommand(),
		a.bootstrapCommand(),
		a.versionCommand(),
	)
	return root
}
