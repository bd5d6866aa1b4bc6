package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// envFlags are the flags of every command that works on one environment.
type envFlags struct {
	env           string
	local         bool
	pluginDir     string
	backendConfig []string
	json          bool
}

func (f *envFlags) register(c interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
	StringArrayVar(*[]string, string, []string, string)
}, withLocal bool) {
	c.StringVar(&f.env, "env", "", "environment: dev, staging or production (tfgate.yaml may add more)")
	if withLocal {
		c.BoolVar(&f.local, "local", false, "run against the local AWS emulator (state under .tfgate/<env>/local/)")
	}
	c.StringVar(&f.pluginDir, "plugin-dir", "", "provider mirror directory (default: $TFGATE_PLUGIN_DIR, then Terraform's implied mirrors, then the registry)")
	c.StringArrayVar(&f.backendConfig, "backend-config", nil, "AWS mode: backend setting KEY=VALUE for terraform init (repeatable; adds to tfgate.yaml)")
}

// findRoot returns the repository root: -C, else the nearest directory up
// from the working directory that holds tfgate.yaml or .git.
func (a *App) findRoot() (string, error) {
	if a.root != "" {
		abs, err := filepath.Abs(a.root)
		if err != nil {
			return "", failf("-C %s: %v", a.root, err)
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return "", failf("-C %s: not a directory", a.root)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", failf("working directory: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, marker := range []string{config.FileName, ".git"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return wd, nil
		}
	}
}

func (a *App) loadConfig() (*config.Config, error) {
	root, err := a.findRoot()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(root)
	if err != nil {
		return nil, failf("%v", err)
	}
	return cfg, nil
}

// warnCLIConfig says once per run that TF_CLI_CONFIG_FILE names a missing
// file; Terraform's own copy of that warning is filtered from its errors.
func (a *App) warnCLIConfig() {
	if a.warnedCLI {
		return
	}
	a.warnedCLI = true
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if w := tfg.CLIConfigWarning(a.Getenv, exists); w != "" {
		a.infof("%s", w)
	}
}

// session is one command's hold on an environment.
type session struct {
	a         *App
	cfg       *config.Config
	layout    tfg.Layout
	lock      *tfg.Lock
	bin       *tfg.Binary
	runner    *tfg.Runner
	pluginDir string
	emu       *emulator.Emulator
	// emuStarted: this run started the emulator (up/down stop it again).
	emuStarted bool
	// red scrubs the saved plan's sensitive values from Terraform's
	// progress and errors while it is applied.
	red redactor
}

type openOptions struct {
	command string
	// startEmulator: in local mode start the emulator when none runs
	// (up, down); otherwise a missing emulator is an error.
	startEmulator bool
	// noLock: read-only commands (output) do not take the env lock.
	noLock bool
}

// open validates the environment, takes its lock, finds terraform and
// builds Terraform's environment (with the emulator's in local mode).
func (a *App) open(ctx context.Context, f *envFlags, o openOptions) (*session, error) {
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	layout, err := tfg.NewLayout(cfg, f.env, f.local)
	if err != nil {
		return nil, failf("%v", err)
	}
	s := &session{a: a, cfg: cfg, layout: layout}
	if !o.noLock {
		lk, err := tfg.AcquireLock(layout, o.command)
		if err != nil {
			return nil, failf("%v", err)
		}
		s.lock = lk
	}
	if err := s.setup(ctx, f, o); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *session) setup(ctx context.Context, f *envFlags, o openOptions) error {
	a := s.a
	a.warnCLIConfig()
	bin, err := tfg.Find(ctx)
	if err != nil {
		return failf("%v", err)
	}
	s.bin = bin
	dir, from, err := tfg.PluginDir(f.pluginDir)
	if err != nil {
		return failf("%v", err)
	}
	s.pluginDir = dir
	_ = from
	var emuEnv []string
	if s.layout.Local {
		warns, err := emulator.CheckCaller(os.Environ())
		if err != nil {
			return failf("%v", err)
		}
		for _, w := range warns {
			a.infof("warning: %s", w)
		}
		if err := s.attachEmulator(ctx, o.startEmulator); err != nil {
			return err
		}
		emuEnv = emulator.EnvFor(s.emu.Endpoint(), nil)
	}
	env, dropped, err := tfg.BuildEnv(tfg.EnvOptions{Layout: s.layout, Emulator: emuEnv})
	if err != nil {
		return failf("%v", err)
	}
	if s.layout.Local {
		if err := emulator.CheckLocalSafety(pairs(env)); err != nil {
			return failf("%v", err)
		}
	}
	if len(dropped) > 0 && !s.layout.Local {
		a.infof("warning: ignoring %s: pass variables with --var or --var-file", strings.Join(dropped, ", "))
	}
	s.runner = &tfg.Runner{Bin: bin, Layout: s.layout, Env: env}
	return nil
}

func (s *session) emulatorDir() string {
	return filepath.Join(s.layout.Root, emulator.DefaultStateDir)
}

// attachEmulator finds the running emulator, or starts one when allowed.
func (s *session) attachEmulator(ctx context.Context, start bool) error {
	dir := s.emulatorDir()
	e, err := emulator.Attach(dir)
	if err == nil {
		s.emu = e
		return nil
	}
	if !errors.Is(err, emulator.ErrNotRunning) {
		return failf("%v", err)
	}
	if !start {
		return failf("no local emulator is running: start it with `tfgate local start` (or use `tfgate up --local`, which starts one)")
	}
	s.a.infof("starting the local AWS emulator...")
	e, err = emulator.Start(ctx, emulator.Options{StateDir: dir})
	if err != nil {
		return failf("%v", err)
	}
	s.a.infof("emulator: %s (pid %d, log %s)", e.Endpoint(), e.PID(), s.layout.Rel(filepath.Join(dir, "emulator.log")))
	s.emu, s.emuStarted = e, true
	return nil
}

// ownerMark records that `up` started the emulator for this environment, so
// `down` (another process) knows to stop it again.
func (s *session) ownerMark() string {
	return filepath.Join(s.layout.ModeDir(), "emulator.owned")
}

// emulatorDied reports whether the emulator this session uses has exited.
func (s *session) emulatorDied() bool {
	if s.emu == nil {
		return false
	}
	if ch := s.emu.Exited(); ch != nil {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	// Attached from another process: only ask the kernel, a health probe
	// every few seconds would flood the emulator's log.
	err := syscall.Kill(s.emu.PID(), 0)
	return errors.Is(err, syscall.ESRCH)
}

func (s *session) emulatorDiedError(what string) error {
	return failf("the local emulator (pid %d) exited during %s; its resources are gone with it. Terraform's state is intact in %s; see %s, then `tfgate local start` and `tfgate down --env %s --local` to clean up",
		s.emu.PID(), what, s.layout.Rel(s.layout.StatePath()), s.layout.Rel(filepath.Join(s.emulatorDir(), "emulator.log")), s.layout.Env)
}

// watchEmulator cancels ctx when the emulator dies, so Terraform stops
// instead of retrying against a dead endpoint.
func (s *session) watchEmulator(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	if s.emu == nil {
		return ctx, cancel
	}
	stop := make(chan struct{})
	go func() {
		t := newTicker()
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if s.emulatorDied() {
					cancel()
					return
				}
			}
		}
	}()
	return ctx, func() { close(stop); cancel() }
}

func (s *session) close() {
	if s.lock != nil {
		s.lock.Release()
		s.lock = nil
	}
}

// ensureInit prepares the working dir and runs init when it has not run
// yet for this environment (or force).
func (s *session) ensureInit(ctx context.Context, force bool, backendFlags []string) error {
	if err := s.layout.Prepare(); err != nil {
		return failf("%v", err)
	}
	if !force && s.layout.Initialised() {
		return nil
	}
	o := tfg.InitOptions{PluginDir: s.pluginDir}
	if s.layout.Local {
		// The local backend lives in the copy; reconfigure silently picks up
		// a changed override without a migration prompt.
		o.Reconfigure = true
	} else {
		bc, err := tfg.BackendConfig(s.cfg, s.layout.Env, backendFlags)
		if err != nil {
			return failf("%v", err)
		}
		if len(bc) == 0 {
			return failf("environment %s has no S3 backend settings: add environments.%s.backend (bucket, key, region, use_lockfile or dynamodb_table) to %s, pass --backend-config KEY=VALUE, or use --local",
				s.layout.Env, s.layout.Env, config.FileName)
		}
		o.BackendConfig = bc
	}
	s.a.infof("terraform init (%s, %s mode)...", s.layout.Env, s.layout.Mode())
	if err := s.runner.Init(ctx, o); err != nil {
		return s.a.tfError(err)
	}
	return nil
}

// tfError maps an internal/terraform error to an exit error.
func (a *App) tfError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	msg := err.Error()
	for _, s := range []string{"Backend initialization required", "Backend configuration changed", "Inconsistent dependency lock file", "Required plugins are not installed"} {
		if strings.Contains(msg, s) {
			// The working dir was initialised for other settings.
			msg += " (run `tfgate init --env <env>` again)"
			break
		}
	}
	return failf("%s", msg)
}

func pairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// progressMode picks how Terraform progress is shown.
func (a *App) progressMode(jsonFlag bool) tfg.ProgressMode {
	if jsonFlag {
		return tfg.JSONStream
	}
	if a.Getenv("NO_COLOR") != "" || !isTerminal(a.Stderr) {
		return tfg.Plain
	}
	return tfg.Live
}

// progress returns a Progress for a Terraform run: human progress goes to
// stderr (stdout carries reports), the --json event stream to stdout.
func (s *session) progress(jsonFlag bool, total int) *tfg.Progress {
	a := s.a
	mode := a.progressMode(jsonFlag)
	w := a.Stderr
	if mode == tfg.JSONStream {
		w = a.Stdout
	}
	if s.red != nil {
		w = redactingWriter{w: w, red: s.red}
	}
	return tfg.NewProgress(w, tfg.ProgressOptions{Mode: mode, Total: total, Path: s.layout.SourcePath})
}

// redactingWriter scrubs each write (Progress writes whole lines).
type redactingWriter struct {
	w   io.Writer
	red redactor
}

func (r redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, r.red.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func describe(s *session) string {
	return fmt.Sprintf("%s (%s mode)", s.layout.Env, s.layout.Mode())
}
