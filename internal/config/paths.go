package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// StateRoot is the git-ignored directory, relative to the repository root,
// holding every environment's working state.
const StateRoot = ".tfgate"

// FindRoot returns the repository root: dir (the -C flag) when given, else
// the nearest directory up from the working directory that holds
// tfgate.yaml or .git, else the working directory.
func FindRoot(dir string) (string, error) {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("-C %s: %w", dir, err)
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return "", fmt.Errorf("-C %s: not a directory", dir)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, marker := range []string{FileName, ".git"} {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return wd, nil
		}
	}
}

// Abs resolves a path written in tfgate.yaml: relative paths are relative to
// the repository root.
func (c *Config) Abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	root, err := filepath.Abs(c.Root)
	if err != nil {
		root = c.Root
	}
	return filepath.Join(root, p)
}

// Rel makes p relative to the repository root when it lies inside it, for
// messages and reports.
func (c *Config) Rel(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	root, err := filepath.Abs(c.Root)
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return rel
	}
	return p
}

// TerraformPath is the Terraform configuration directory, absolute.
func (c *Config) TerraformPath() string { return c.Abs(c.TerraformDir) }

// PolicyPaths are the policy directories added to the embedded policies:
// tfgate.yaml's policy_dirs (relative to the repository root), then extra
// ones from the command line (relative to the working directory, like every
// path given as a flag).
func (c *Config) PolicyPaths(extra []string) []string {
	return append(c.PolicyDirPaths(), extra...)
}

// PolicyDirPaths are policy_dirs alone, absolute: under PolicyRoot (a
// trusted commit's checkout, see WithTrustedPolicy) when set.
func (c *Config) PolicyDirPaths() []string {
	var out []string
	for _, d := range c.PolicyDirs {
		out = append(out, c.policyAbs(d))
	}
	return out
}

// policyAbs resolves a policy-side path (policy_dirs, exceptions_file).
func (c *Config) policyAbs(p string) string {
	if c.PolicyRoot == "" || filepath.IsAbs(p) {
		return c.Abs(p)
	}
	return filepath.Join(c.PolicyRoot, p)
}

// ExceptionsPath is the exceptions file, absolute, or "" when none is set.
func (c *Config) ExceptionsPath() string {
	if c.ExceptionsFile == "" {
		return ""
	}
	return c.policyAbs(c.ExceptionsFile)
}

// VarFiles resolves the environment's var files (tfgate.yaml's, relative to
// the repository root) plus extra ones from the command line (relative to
// the working directory) to absolute paths; a missing file is an error
// naming it and where it came from.
func (c *Config) VarFiles(env string, extra []string) ([]string, error) {
	e, err := c.Env(env)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range e.VarFiles {
		p := c.Abs(f)
		if err := isFile(p); err != nil {
			origin := "default var file of environment " + env
			if c.Path != "" {
				origin = "var file of environment " + env + " in " + c.Rel(c.Path)
			}
			return nil, fmt.Errorf("%s %s: %w", origin, f, err)
		}
		out = append(out, p)
	}
	for _, f := range extra {
		p, err := filepath.Abs(f)
		if err != nil {
			return nil, fmt.Errorf("--var-file %s: %w", f, err)
		}
		if err := isFile(p); err != nil {
			return nil, fmt.Errorf("--var-file %s: %w", f, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func isFile(p string) error {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("no such file")
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory, not a file")
	}
	return nil
}

// EnvDir is .tfgate/<env> under root: the environment's lock and both
// modes' working dirs.
func EnvDir(root, env string) string { return filepath.Join(root, StateRoot, env) }

// ModeDir is .tfgate/<env>/local or .tfgate/<env>/aws: the two modes never
// share a data dir, a saved plan or state.
func ModeDir(root, env string, local bool) string {
	mode := "aws"
	if local {
		mode = "local"
	}
	return filepath.Join(EnvDir(root, env), mode)
}

// EmulatorDir is where the local emulator keeps its pid, port and log.
func EmulatorDir(root string) string { return filepath.Join(root, StateRoot, "emulator") }

// EnvFromPath recognises a file under .tfgate/<env>/<mode>/ (a saved plan)
// and returns its environment and mode.
func (c *Config) EnvFromPath(path string) (env string, local, ok bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false, false
	}
	root, _ := filepath.Abs(c.Root)
	rel, err := filepath.Rel(filepath.Join(root, StateRoot), abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", false, false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) < 3 {
		return "", false, false
	}
	if _, err := c.Env(parts[0]); err != nil {
		return "", false, false
	}
	return parts[0], parts[1] == "local", true
}

// SARIFFallback is the file SARIF results the source mapper could not place
// point at (line 1): GitHub code scanning rejects results without a location,
// and a stateful-guard deny must not vanish from the PR. It is the stack's
// main.tf when present (where a reviewer looks first), else the plan file
// (planName, relative to the root). c may be nil.
func (c *Config) SARIFFallback(planName string) string {
	if c != nil {
		if _, err := os.Stat(filepath.Join(c.TerraformPath(), "main.tf")); err == nil {
			return filepath.ToSlash(filepath.Join(c.TerraformDir, "main.tf"))
		}
	}
	if filepath.IsAbs(planName) {
		// A plan outside the repository: code scanning rejects absolute
		// and out-of-tree paths; its base name is at least relative.
		planName = filepath.Base(planName)
	}
	return filepath.ToSlash(planName)
}

// EnvOrder lists the known environments first in their order of growing
// enforcement, then any extra ones from tfgate.yaml.
func (c *Config) EnvOrder() []string {
	out := append([]string(nil), Environments...)
	var extra []string
	for n := range c.Environments {
		if !slices.Contains(Environments, n) {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}
