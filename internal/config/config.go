// Package config loads the project file tfgate.yaml (environments, var files,
// backends, enforcement overrides, policy dirs, exceptions) and is the one
// answer to every "where is X" question: the repository root, the Terraform
// dir, policy dirs, exception files, var files and each environment's
// working dirs. Every other package asks it instead of joining paths itself.
// A missing file means defaults; a malformed one is an error naming the
// file and line.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/saprism/tfgate/internal/exceptions"
	"gopkg.in/yaml.v3"
)

// FileName is the project config file looked up at the repository root.
const FileName = "tfgate.yaml"

// Environments known to tfgate, in order of growing enforcement.
var Environments = []string{"dev", "staging", "production"}

// Config is tfgate.yaml.
type Config struct {
	// Root is the directory holding tfgate.yaml (the repository root); every
	// relative path below is relative to it. Not read from YAML.
	Root string `yaml:"-"`
	// Path of the file loaded, empty when defaults are used.
	Path string `yaml:"-"`
	// PolicyRoot is the directory policy_dirs and exceptions_file are
	// relative to: Root, unless the policy side of the config was taken from
	// a trusted commit (see WithTrustedPolicy). PolicyLabel then names that
	// commit in messages instead of a temporary directory.
	PolicyRoot  string `yaml:"-"`
	PolicyLabel string `yaml:"-"`
	// policyFile is the tfgate.yaml the inline exceptions came from.
	policyFile string

	TerraformDir string                  `yaml:"terraform_dir"` // default "terraform"
	PolicyDirs   []string                `yaml:"policy_dirs"`   // added to the embedded policies
	Environments map[string]*Environment `yaml:"environments"`
	// Enforcement overrides: rule id -> env -> advisory|warn|deny.
	Enforcement map[string]map[string]string `yaml:"enforcement"`
	// Exceptions inline, and/or a file holding a list of them.
	Exceptions     []exceptions.Exception `yaml:"exceptions"`
	ExceptionsFile string                 `yaml:"exceptions_file"`
	// RequiredTags every taggable resource must carry (TAG-001); empty
	// means the rule does not run: tags are a project's convention.
	RequiredTags []string `yaml:"required_tags,omitempty"`
	// PolicyEvaluator is "vm" (default) or "topdown": which evaluator runs
	// the policies (policy.Options.Evaluator). Findings are the same; topdown
	// is OPA's own, for reproducing a result the way opa eval computes it.
	PolicyEvaluator string `yaml:"policy_evaluator,omitempty"`

	// TerraformDirSet is true when tfgate.yaml names terraform_dir: check
	// then maps findings there instead of discovering the configuration.
	TerraformDirSet bool `yaml:"-"`
}

// Environment is one deployable environment.
type Environment struct {
	VarFiles []string `yaml:"var_files"` // default terraform/env/<env>.tfvars
	// Backend for AWS mode: passed to `terraform init -backend-config`.
	// Never put secrets here: credentials come from the AWS environment.
	Backend map[string]string `yaml:"backend"`
}

// Load reads root/tfgate.yaml, or returns defaults when it does not exist.
func Load(root string) (*Config, error) {
	c := &Config{Root: root}
	p := filepath.Join(root, FileName)
	data, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if err := decodeStrict(data, c); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		c.Path = p
		if err := exceptions.SetLines(data, p, c.Exceptions); err != nil {
			return nil, err
		}
		if err := validate(data, p); err != nil {
			return nil, err
		}
	}
	c.defaults()
	return c, nil
}

// envName is what an environment may be called: it becomes a directory
// under .tfgate/ and a file name under terraform/env/, so no separators,
// dots or spaces.
var envName = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// Enforcements are the words an enforcement override may use.
var Enforcements = []string{"advisory", "warn", "deny"}

// Evaluators are the values of policy_evaluator (policy.Evaluators).
var Evaluators = []string{"vm", "topdown"}

// validate checks what the YAML decoder cannot: environment names and
// enforcement overrides, each error naming the file and line.
func validate(data []byte, path string) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return nil // decodeStrict reported it already
	}
	top := root.Content[0]
	known := map[string]bool{}
	for _, e := range Environments {
		known[e] = true
	}
	if envs := mappingValue(top, "environments"); envs != nil {
		for i := 0; i+1 < len(envs.Content); i += 2 {
			k := envs.Content[i]
			if !envName.MatchString(k.Value) {
				return fmt.Errorf("%s: line %d: environment name %q: use lower-case letters, digits, '-' and '_' (it names a directory)", path, k.Line, k.Value)
			}
			known[k.Value] = true
		}
	}
	if ev := scalarValue(top, "policy_evaluator"); ev != nil && !slices.Contains(Evaluators, ev.Value) {
		return fmt.Errorf("%s: line %d: policy_evaluator is %q; want one of %s", path, ev.Line, ev.Value, strings.Join(Evaluators, ", "))
	}
	if enf := mappingValue(top, "enforcement"); enf != nil {
		for i := 0; i+1 < len(enf.Content); i += 2 {
			rule, envs := enf.Content[i], enf.Content[i+1]
			for j := 0; j+1 < len(envs.Content); j += 2 {
				env, word := envs.Content[j], envs.Content[j+1]
				if !known[env.Value] {
					return fmt.Errorf("%s: line %d: enforcement of %s for environment %q, which is not defined", path, env.Line, rule.Value, env.Value)
				}
				if !slices.Contains(Enforcements, word.Value) {
					return fmt.Errorf("%s: line %d: enforcement of %s in %s is %q; want one of %s", path, word.Line, rule.Value, env.Value, word.Value, strings.Join(Enforcements, ", "))
				}
			}
		}
	}
	return nil
}

func mappingValue(m *yaml.Node, key string) *yaml.Node { return valueOf(m, key, yaml.MappingNode) }

// scalarValue is m's value of key when it is a scalar.
func scalarValue(m *yaml.Node, key string) *yaml.Node { return valueOf(m, key, yaml.ScalarNode) }

// valueOf is m's value of key when it is of the given kind.
func valueOf(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == kind {
			return m.Content[i+1]
		}
	}
	return nil
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty document decodes as io.EOF: that is a valid, empty config.
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return exceptions.OneLineYAML(err)
	}
	return nil
}

func (c *Config) defaults() {
	c.TerraformDirSet = c.TerraformDir != ""
	if c.TerraformDir == "" {
		c.TerraformDir = "terraform"
	}
	if c.Environments == nil {
		c.Environments = map[string]*Environment{}
	}
	for _, e := range Environments {
		if c.Environments[e] == nil {
			c.Environments[e] = &Environment{}
		}
	}
	for name, e := range c.Environments {
		if len(e.VarFiles) == 0 {
			e.VarFiles = []string{filepath.Join(c.TerraformDir, "env", name+".tfvars")}
		}
	}
}

// Env returns the named environment or an error listing the known ones.
func (c *Config) Env(name string) (*Environment, error) {
	if e, ok := c.Environments[name]; ok {
		return e, nil
	}
	names := make([]string, 0, len(c.Environments))
	for n := range c.Environments {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("unknown environment %q (known: %v)", name, names)
}

// LoadExceptions returns the inline exceptions plus those of ExceptionsFile.
// An unreadable or malformed file is an error: the gate fails closed.
func (c *Config) LoadExceptions() ([]exceptions.Exception, error) {
	out := append([]exceptions.Exception(nil), c.Exceptions...)
	file := c.Path
	if c.policyFile != "" {
		file = c.policyFile
	}
	for i := range out {
		out[i].File = c.label(file)
	}
	p := c.ExceptionsPath()
	if p == "" {
		return out, nil
	}
	more, err := exceptions.ReadFile(p)
	if err != nil {
		if c.PolicyLabel != "" {
			// Name the trusted commit, not its temporary checkout.
			return nil, errors.New(strings.ReplaceAll(err.Error(), p, c.label(p)))
		}
		return nil, err
	}
	for i := range more {
		more[i].File = c.label(more[i].File)
	}
	return append(out, more...), nil
}

// label names a file under PolicyRoot as "LABEL:path" when the policy side
// comes from a trusted commit (git's own REV:path notation).
func (c *Config) label(p string) string {
	if c.PolicyLabel == "" || p == "" {
		return p
	}
	if rel, err := filepath.Rel(c.PolicyRoot, p); err == nil && !strings.HasPrefix(rel, "..") {
		return c.PolicyLabel + ":" + filepath.ToSlash(rel)
	}
	return p
}

// WithTrustedPolicy returns a copy of work whose policy side (policy_dirs,
// enforcement overrides, inline exceptions and exceptions_file) is trusted's,
// resolved under trusted.Root and labelled label in messages. What is being
// judged (terraform_dir, environments) stays work's. extraDirs (relative to
// trusted.Root) are loaded before trusted's policy_dirs.
func WithTrustedPolicy(work, trusted *Config, label string, extraDirs ...string) *Config {
	c := *work
	c.PolicyRoot, c.PolicyLabel = trusted.Root, label
	c.policyFile = trusted.Path
	seen := map[string]bool{}
	c.PolicyDirs = nil
	for _, d := range append(append([]string(nil), extraDirs...), trusted.PolicyDirs...) {
		key := filepath.Clean(d)
		if !seen[key] {
			seen[key] = true
			c.PolicyDirs = append(c.PolicyDirs, d)
		}
	}
	c.Enforcement = trusted.Enforcement
	c.Exceptions = append([]exceptions.Exception(nil), trusted.Exceptions...)
	c.ExceptionsFile = trusted.ExceptionsFile
	return &c
}
