// Package cli is tfgate's command line: one file per cobra command, flags
// turned into calls of internal/run and the pipeline packages, and the
// mapping of errors to named exit codes (exitCode, the one place). The
// streams are fields, never os.Stdout/os.Stderr, so every command runs in
// tests exactly as from a shell.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/run"
	"github.com/saprism/tfgate/internal/suite"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/saprism/tfgate/internal/toolcache"
	"github.com/spf13/cobra"
)

// Exit codes: the contract CI pipelines rely on.
const (
	ExitPass   = 0 // passed (warnings allowed)
	ExitDenied = 1 // denied by policy (or failing tests)
	ExitError  = 2 // usage or runtime error
)

// Version is tfgate's version, set at build time with
// -ldflags "-X github.com/saprism/tfgate/internal/cli.Version=v1.2.3".
var Version = "dev"

// App is one tfgate invocation.
type App struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string

	root      string // -C: the repository root, "" means discover
	noInstFlg bool   // --no-install
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
	code, msg := exitCode(cmd.Execute())
	if msg != "" {
		fmt.Fprintln(a.Stderr, "tfgate: "+strings.TrimSpace(msg))
	}
	return code
}

// exitCode maps an error to the exit code and the one line to print: a
// refusal by the gate (or failing tests) is 1, everything else 2 (usage
// errors from cobra included).
func exitCode(err error) (int, string) {
	var denied *run.DeniedError
	var failed *suite.FailedError
	switch {
	case err == nil:
		return ExitPass, ""
	case errors.As(err, &denied):
		return ExitDenied, denied.Reason
	case errors.As(err, &failed):
		return ExitDenied, err.Error()
	}
	return ExitError, err.Error()
}

// noInstall: --no-install or TFGATE_NO_INSTALL turns off tfgate's own
// installs of Terraform and moto.
func (a *App) noInstall() bool { return a.noInstFlg || toolcache.NoInstall(a.Getenv) }

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
	root.PersistentFlags().BoolVar(&a.noInstFlg, "no-install", false, "never install Terraform or the emulator's Python packages into tfgate's cache (also "+toolcache.NoInstallEnv+"=1)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if a.root == "" {
			return nil
		}
		_, err := config.FindRoot(a.root)
		return err
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%v (see tfgate %s --help)", err, c.Name())
	})
	root.AddCommand(
		a.initCommand(), a.validateCommand(), a.planCommand(), a.driftCommand(), a.checkCommand(), a.applyCommand(),
		a.upCommand(), a.downCommand(), a.outputCommand(), a.localCommand(), a.policyCommand(),
		a.testCommand(), a.bootstrapCommand(), a.versionCommand(), a.doctorCommand(), a.unlockCommand(),
	)
	return root
}

func (a *App) loadConfig() (*config.Config, error) {
	root, err := config.FindRoot(a.root)
	if err != nil {
		return nil, err
	}
	return config.Load(root)
}

// interruptible returns the command's context, cancelled on Ctrl-C so
// Terraform stops cleanly; a second Ctrl-C forces it.
func (a *App) interruptible(cmd *cobra.Command) (context.Context, func()) {
	return tfg.Interrupt(cmd.Context(), func(msg string) { a.infof("\ntfgate: %s", msg) })
}

// envFlags are the flags of every command that works on one environment.
type envFlags struct {
	env           string
	local         bool
	pluginDir     string
	backendConfig []string
	json          bool
}

type flagSet interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	StringArrayVar(*[]string, string, []string, string)
}

func (f *envFlags) register(c flagSet, withLocal bool) {
	c.StringVar(&f.env, "env", "", "environment: dev, staging or production (tfgate.yaml may add more)")
	if withLocal {
		c.BoolVar(&f.local, "local", false, "run against the local AWS emulator (state under .tfgate/<env>/local/)")
	}
	c.StringVar(&f.pluginDir, "plugin-dir", "", "provider mirror directory (default: $TFGATE_PLUGIN_DIR, then Terraform's implied mirrors, then the registry)")
	c.StringArrayVar(&f.backendConfig, "backend-config", nil, "AWS mode: backend setting KEY=VALUE for terraform init (repeatable; adds to tfgate.yaml)")
}

// open opens the environment the flags name for one command.
func (a *App) open(ctx context.Context, f *envFlags, command string, startEmulator, noLock bool) (*run.Env, error) {
	o, err := a.options(f, command, startEmulator, noLock)
	if err != nil {
		return nil, err
	}
	return run.Open(ctx, o)
}

func (a *App) options(f *envFlags, command string, startEmulator, noLock bool) (run.Options, error) {
	cfg, err := a.loadConfig()
	return run.Options{
		Config: cfg, Env: f.env, Local: f.local, Command: command,
		PluginDir: f.pluginDir, BackendConfig: f.backendConfig,
		StartEmulator: startEmulator, NoLock: noLock, NoInstall: a.noInstall(),
		Log: a.Stderr, Events: a.Stdout, Mode: tfg.ModeFor(f.json, a.Getenv, a.Stderr), Getenv: a.Getenv,
	}, err
}
