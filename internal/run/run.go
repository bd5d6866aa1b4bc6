// Package run is the run of one environment: open it (config, layout,
// lock, terraform binary, provider mirror, emulator in local mode), init,
// plan + gate + decision record, apply the saved plan, destroy, outputs and
// smoke checks. It knows no flags and no output formats: the CLI turns flags
// into Options and renders what a run returns. Progress goes to the injected
// writers; errors are returned, typed where a caller must tell them apart
// (DeniedError).
//
// A run decodes its plan once: Plan keeps the *plan.Plan it handed to the
// gate, and Apply in the same run uses that plan's redactor and change count
// instead of reading the JSON again.
package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	"github.com/saprism/tfgate/internal/plan"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// DeniedError is a refusal by the gate: the plan's verdict is fail, or the
// saved plan's decision record says it failed. The CLI exits 1 for it (2
// for every other error). Reason is "" when a report already said why.
type DeniedError struct{ Reason string }

func (e *DeniedError) Error() string {
	if e.Reason == "" {
		return "denied by policy"
	}
	return e.Reason
}

// EmulatorDiedError: the local emulator exited while Terraform ran.
type EmulatorDiedError struct {
	PID             int
	During          string // plan, apply, destroy
	State, Log, Env string
}

func (e *EmulatorDiedError) Error() string {
	return fmt.Sprintf("the local emulator (pid %d) exited during %s; its resources are gone with it. Terraform's state is intact in %s; see %s, then `tfgate local start` and `tfgate down --env %s --local` to clean up",
		e.PID, e.During, e.State, e.Log, e.Env)
}

// Options open one environment.
type Options struct {
	Config *config.Config
	Env    string
	Local  bool
	// Command names the holder of the environment lock in messages.
	Command string
	// PluginDir is the provider mirror flag ("" = $TFGATE_PLUGIN_DIR,
	// implied mirrors, registry); BackendConfig are KEY=VALUE overrides of
	// the environment's S3 backend settings (AWS mode).
	PluginDir     string
	BackendConfig []string
	// StartEmulator: in local mode start the emulator when none runs (up,
	// down); otherwise a missing emulator is an error.
	StartEmulator bool
	// NoLock: read-only commands (output) do not take the environment lock.
	NoLock bool
	// NoInstall: never install Terraform or moto into tfgate's cache
	// (--no-install, TFGATE_NO_INSTALL).
	NoInstall bool

	// Log receives human progress and warnings (the CLI's stderr). Events
	// receives Terraform's progress in JSONStream mode (the CLI's stdout).
	Log    io.Writer
	Events io.Writer
	Mode   tfg.ProgressMode
	// Getenv reads the caller's environment (TF_CLI_CONFIG_FILE); nil means
	// no warning about it.
	Getenv func(string) string
}

// Env is one open environment: its layout, lock and Terraform runner.
type Env struct {
	o         Options
	cfg       *config.Config
	layout    tfg.Layout
	lock      *tfg.Lock
	runner    *tfg.Runner
	pluginDir string
	emu       *emulator.Emulator
	// emuStarted: this run started the emulator (up/down stop it again).
	emuStarted bool
	// planned is the plan this run made and gated: Apply uses it.
	planned *Gated
}

// Open validates the environment, takes its lock, finds terraform and
// builds Terraform's environment (with the emulator's in local mode).
func Open(ctx context.Context, o Options) (*Env, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Events == nil {
		o.Events = io.Discard
	}
	layout, err := tfg.NewLayout(o.Config, o.Env, o.Local)
	if err != nil {
		return nil, err
	}
	e := &Env{o: o, cfg: o.Config, layout: layout}
	if !o.NoLock {
		if e.lock, err = tfg.AcquireLock(layout, o.Command); err != nil {
			return nil, err
		}
	}
	if err := e.setup(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func (e *Env) setup(ctx context.Context) error {
	WarnCLIConfig(e.o.Log, e.o.Getenv)
	bin, err := tfg.Ensure(ctx, e.o.NoInstall, e.o.Log)
	if err != nil {
		return err
	}
	if e.pluginDir, _, err = tfg.PluginDir(e.o.PluginDir); err != nil {
		return err
	}
	var emuEnv []string
	if e.layout.Local {
		warns, err := emulator.CheckCaller(os.Environ())
		if err != nil {
			return err
		}
		for _, w := range warns {
			e.infof("warning: %s", w)
		}
		if err := e.attachEmulator(ctx); err != nil {
			return err
		}
		emuEnv = emulator.EnvFor(e.emu.Endpoint(), nil)
	}
	env, dropped, err := tfg.BuildEnv(tfg.EnvOptions{Layout: e.layout, Emulator: emuEnv})
	if err != nil {
		return err
	}
	if e.layout.Local {
		if err := emulator.CheckLocalSafety(tfg.Pairs(env)); err != nil {
			return err
		}
	} else if len(dropped) > 0 {
		e.infof("warning: ignoring %s: pass variables with --var or --var-file", strings.Join(dropped, ", "))
	}
	e.runner = &tfg.Runner{Bin: bin, Layout: e.layout, Env: env}
	return nil
}

// Close releases the environment lock.
func (e *Env) Close() {
	if e.lock != nil {
		e.lock.Release()
		e.lock = nil
	}
}

// Layout is where the environment's files are.
func (e *Env) Layout() tfg.Layout { return e.layout }

// PluginDir is the provider mirror in use, "" for the registry.
func (e *Env) PluginDir() string { return e.pluginDir }

// String is "dev (local mode)".
func (e *Env) String() string { return fmt.Sprintf("%s (%s mode)", e.layout.Env, e.layout.Mode()) }

// LocalFlag is " --local" in local mode, for commands suggested to the user.
func (e *Env) LocalFlag() string {
	if e.layout.Local {
		return " --local"
	}
	return ""
}

func (e *Env) infof(format string, args ...any) { fmt.Fprintf(e.o.Log, format+"\n", args...) }

// progressf is human progress, left out of the --json event stream.
func (e *Env) progressf(format string, args ...any) {
	if e.o.Mode != tfg.JSONStream {
		e.infof(format, args...)
	}
}

// Init prepares the working dir and runs init when it has not run yet for
// this environment, or always with force.
func (e *Env) Init(ctx context.Context, force bool) error {
	if err := e.layout.Prepare(); err != nil {
		return err
	}
	if !force && e.layout.Initialised() {
		return nil
	}
	o := tfg.InitOptions{PluginDir: e.pluginDir}
	if e.layout.Local {
		// The local backend lives in the copy; reconfigure silently picks up
		// a changed override without a migration prompt.
		o.Reconfigure = true
	} else {
		bc, err := tfg.BackendConfig(e.cfg, e.layout.Env, e.o.BackendConfig)
		if err != nil {
			return err
		}
		if len(bc) == 0 {
			return fmt.Errorf("environment %s has no S3 backend settings: add environments.%s.backend (bucket, key, region, use_lockfile or dynamodb_table) to %s, pass --backend-config KEY=VALUE, or use --local",
				e.layout.Env, e.layout.Env, config.FileName)
		}
		o.BackendConfig = bc
	}
	e.infof("terraform init (%s, %s mode)...", e.layout.Env, e.layout.Mode())
	return e.runner.Init(ctx, o)
}

// progress returns a Progress for a Terraform run: human progress to Log,
// the JSON event stream to Events; red (when set) scrubs both.
func (e *Env) progress(total int, red *plan.Redactor) *tfg.Progress {
	w := e.o.Log
	if e.o.Mode == tfg.JSONStream {
		w = e.o.Events
	}
	if red != nil {
		w = redactingWriter{w: w, red: red}
	}
	return tfg.NewProgress(w, tfg.ProgressOptions{Mode: e.o.Mode, Total: total, Path: e.layout.SourcePath})
}

// redactingWriter scrubs each write (Progress writes whole lines).
type redactingWriter struct {
	w   io.Writer
	red *plan.Redactor
}

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, r.red.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// terraformRun runs one Terraform command while watching the emulator; an
// emulator that died meanwhile is the error, not Terraform's retries.
func (e *Env) terraformRun(ctx context.Context, what string, f func(context.Context) error) error {
	wctx, stop := e.emu.Watch(ctx)
	err := f(wctx)
	stop()
	if err != nil && ctx.Err() == nil && e.emu != nil && e.emu.Dead() {
		return &EmulatorDiedError{PID: e.emu.PID(), During: what, State: e.layout.Rel(e.layout.StatePath()),
			Log: e.layout.Rel(filepath.Join(e.emulatorDir(), "emulator.log")), Env: e.layout.Env}
	}
	return err
}

// WarnCLIConfig says that TF_CLI_CONFIG_FILE names a missing file; Terraform's
// own copy of that warning is filtered from its errors.
func WarnCLIConfig(w io.Writer, getenv func(string) string) {
	if getenv == nil {
		return
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if msg := tfg.CLIConfigWarning(getenv, exists); msg != "" {
		fmt.Fprintln(w, msg)
	}
}

// Plural is "1 resource", "2 resources".
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

var errNoEmulator = errors.New("no local emulator is running: start it with `tfgate local start` (or use `tfgate up --local`, which starts one)")

// Config is the project config the environment was opened with.
func (e *Env) Config() *config.Config { return e.cfg }
