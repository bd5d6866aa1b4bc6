package terraform

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/saprism/tfgate/internal/config"
)

// OverrideFile is the file local mode adds to its copy of the configuration
// to replace the stack's partial S3 backend by a local one.
const OverrideFile = "backend_override.tf"

// overrideHCL keeps local-mode state next to (not inside) the working copy,
// in .tfgate/<env>/local/terraform.tfstate; the path is relative to the
// working copy so the directory can move.
const overrideHCL = `# Written by tfgate for --local runs: state stays in .tfgate/<env>/local/.
terraform {
  backend "local" {
    path = "../terraform.tfstate"
  }
}
`

// Layout is where one environment's Terraform runs and keeps its files.
type Layout struct {
	Root  string // repository root, absolute
	TFDir string // the configuration directory, absolute
	Env   string
	Local bool // local emulator mode
}

// NewLayout checks env against the config and returns its layout.
func NewLayout(cfg *config.Config, env string, local bool) (Layout, error) {
	if env == "" {
		return Layout{}, errors.New("--env is required (one of " + strings.Join(envNames(cfg), ", ") + ")")
	}
	if _, err := cfg.Env(env); err != nil {
		return Layout{}, err
	}
	if strings.ContainsAny(env, `/\`) || env == "." || env == ".." {
		return Layout{}, fmt.Errorf("environment name %q is not a plain name", env)
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return Layout{}, err
	}
	return Layout{Root: root, TFDir: cfg.TerraformPath(), Env: env, Local: local}, nil
}

func envNames(cfg *config.Config) []string {
	var names []string
	for n := range cfg.Environments {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// EnvDir is .tfgate/<env>.
func (l Layout) EnvDir() string { return config.EnvDir(l.Root, l.Env) }

// Mode is "local" or "aws".
func (l Layout) Mode() string {
	if l.Local {
		return "local"
	}
	return "aws"
}

// ModeDir is .tfgate/<env>/local or .tfgate/<env>/aws: the two modes never
// share a data dir, a saved plan or state.
func (l Layout) ModeDir() string { return config.ModeDir(l.Root, l.Env, l.Local) }

// WorkDir is where terraform runs: the copy in local mode, the configuration
// itself in AWS mode.
func (l Layout) WorkDir() string {
	if l.Local {
		return filepath.Join(l.ModeDir(), "work")
	}
	return l.TFDir
}

// DataDir is this environment's TF_DATA_DIR.
func (l Layout) DataDir() string { return filepath.Join(l.ModeDir(), "data") }

// PlanPath is the saved plan of the last `tfgate plan`.
func (l Layout) PlanPath() string { return filepath.Join(l.ModeDir(), "tfplan") }

// PlanJSONPath is the saved plan's `terraform show -json`.
func (l Layout) PlanJSONPath() string { return filepath.Join(l.ModeDir(), "tfplan.json") }

// StatePath is the local-mode state file (AWS mode keeps state in S3).
func (l Layout) StatePath() string { return filepath.Join(l.ModeDir(), "terraform.tfstate") }

// LockPath is the tfgate lock file of the environment (both modes: one
// person changes an environment at a time).
func (l Layout) LockPath() string { return filepath.Join(l.EnvDir(), "tfgate.lock") }

// Initialised reports whether init already ran for this layout and still
// holds: the data dir records a backend, holds the aws provider, and was
// initialised with the configuration's current lock file (a provider
// upgrade there needs a new init).
func (l Layout) Initialised() bool {
	if _, err := os.Stat(filepath.Join(l.DataDir(), "terraform.tfstate")); err != nil {
		return false
	}
	if _, err := os.Stat(filepath.Join(l.DataDir(), "providers", filepath.FromSlash(AWSProvider))); err != nil {
		return false
	}
	mark, err := os.ReadFile(filepath.Join(l.DataDir(), initMark))
	return err == nil && string(mark) == l.configLockSum()
}

// initMark records, in the data dir, the lock file init ran with.
const initMark = "tfgate-init.lock-sha256"

// markInitialised records a successful init.
func (l Layout) markInitialised() error {
	return os.WriteFile(filepath.Join(l.DataDir(), initMark), []byte(l.configLockSum()), 0o644)
}

// configLockSum is the sha256 of the configuration's lock file, "none"
// without one.
func (l Layout) configLockSum() string {
	data, err := os.ReadFile(filepath.Join(l.TFDir, ".terraform.lock.hcl"))
	if err != nil {
		return "none"
	}
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

// Rel returns p relative to the repository root when it is inside it.
func (l Layout) Rel(p string) string {
	if r, err := filepath.Rel(l.Root, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// SourcePath maps a file name from a Terraform diagnostic (relative to the
// working dir, or absolute) to a path relative to the repository root; in
// local mode the copy's files map back to the configuration they came from.
func (l Layout) SourcePath(name string) string {
	if name == "" {
		return ""
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(l.WorkDir(), name)
	}
	if l.Local {
		if r, err := filepath.Rel(l.WorkDir(), name); err == nil && !strings.HasPrefix(r, "..") {
			name = filepath.Join(l.TFDir, r)
		}
	}
	return l.Rel(name)
}

// Prepare creates the directories; in local mode it refreshes the copy of the
// configuration and writes the backend override.
func (l Layout) Prepare() error {
	if err := os.MkdirAll(l.DataDir(), 0o755); err != nil {
		return err
	}
	if !l.Local {
		return nil
	}
	if _, err := os.Stat(l.TFDir); err != nil {
		return fmt.Errorf("terraform configuration directory %s: %w", l.Rel(l.TFDir), err)
	}
	work := l.WorkDir()
	// When the configuration has no lock file, the one init wrote into the
	// copy is the environment's record of provider selections: keep it.
	lockName := ".terraform.lock.hcl"
	var keptLock []byte
	if _, err := os.Stat(filepath.Join(l.TFDir, lockName)); err != nil {
		keptLock, _ = os.ReadFile(filepath.Join(work, lockName))
	}
	// A clean copy every time: a .tf file deleted from terraform/ must not
	// live on in the copy.
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := copyConfig(l.TFDir, work); err != nil {
		return fmt.Errorf("copying %s to %s: %w", l.Rel(l.TFDir), l.Rel(work), err)
	}
	if keptLock != nil {
		if err := os.WriteFile(filepath.Join(work, lockName), keptLock, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(work, OverrideFile), []byte(overrideHCL), 0o644)
}

// copyConfig copies the configuration (with local modules and the lock
// file) but no Terraform working files, state or hidden directories.
func copyConfig(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		name := d.Name()
		if rel != "." && strings.HasPrefix(name, ".") && name != ".terraform.lock.hcl" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.Contains(name, ".tfstate") || strings.HasSuffix(name, ".tfplan") || name == OverrideFile {
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BackendConfig merges the environment's backend settings from tfgate.yaml
// with command-line overrides (KEY=VALUE) for AWS mode.
func BackendConfig(cfg *config.Config, env string, flags []string) (map[string]string, error) {
	e, err := cfg.Env(env)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range e.Backend {
		out[k] = v
	}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--backend-config %q: want KEY=VALUE", f)
		}
		out[k] = v
	}
	for k := range out {
		if isSecretKey(k) {
			return nil, fmt.Errorf("backend setting %q looks like a credential: credentials come from the AWS environment, never from tfgate.yaml or flags", k)
		}
	}
	return out, nil
}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"secret_key", "access_key", "token", "password"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// Pairs renders a map as sorted KEY=VALUE strings (deterministic
// argument order; the emulator's safety check takes an environment so).
func Pairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// Workdir prepares the environment's working directory and returns it with
// the extra environment Terraform needs there (TF_DATA_DIR, and
// TF_CLI_ARGS_init carrying -plugin-dir and, in AWS mode, -backend-config)
// and the environment's var files as absolute paths. It is the API the
// Terratest suites use to plan exactly as tfgate does; in local mode they add
// the emulator's variables themselves.
func Workdir(cfg *config.Config, env string, local bool) (string, []string, []string, error) {
	l, err := NewLayout(cfg, env, local)
	if err != nil {
		return "", nil, nil, err
	}
	if err := l.Prepare(); err != nil {
		return "", nil, nil, err
	}
	varFiles, err := cfg.VarFiles(env, nil)
	if err != nil {
		return "", nil, nil, err
	}
	plugin, _, err := PluginDir("")
	if err != nil {
		return "", nil, nil, err
	}
	extra := []string{"TF_DATA_DIR=" + l.DataDir()}
	var initArgs []string
	if plugin != "" {
		initArgs = append(initArgs, "-plugin-dir="+strconv.Quote(plugin))
	}
	if !local {
		bc, err := BackendConfig(cfg, env, nil)
		if err != nil {
			return "", nil, nil, err
		}
		for _, kv := range Pairs(bc) {
			initArgs = append(initArgs, "-backend-config="+strconv.Quote(kv))
		}
	}
	if len(initArgs) > 0 {
		extra = append(extra, "TF_CLI_ARGS_init="+strings.Join(initArgs, " "))
	}
	return l.WorkDir(), extra, varFiles, nil
}

// EnvMap turns KEY=VALUE pairs into a map (Terratest's EnvVars).
func EnvMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}
