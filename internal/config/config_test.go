package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if c.Path != "" || c.TerraformDir != "terraform" {
		t.Fatalf("defaults: path %q dir %q", c.Path, c.TerraformDir)
	}
	for _, env := range Environments {
		e, err := c.Env(env)
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join("terraform", "env", env+".tfvars")
		if len(e.VarFiles) != 1 || e.VarFiles[0] != want {
			t.Errorf("%s var files = %v, want [%s]", env, e.VarFiles, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown field", "terraform_dirr: x\n", "line 1"},
		{"bad yaml", "environments: [\n", "tfgate.yaml"},
		{"wrong type", "policy_dirs: 3\n", "line 1"},
		{"unknown evaluator", "terraform_dir: x\npolicy_evaluator: wasm\n", `line 2: policy_evaluator is "wasm"; want one of vm, topdown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, FileName, tt.body)
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestPolicyEvaluator(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, FileName, "policy_evaluator: topdown\n")
	c, err := Load(dir)
	if err != nil || c.PolicyEvaluator != "topdown" {
		t.Fatalf("PolicyEvaluator = %q, err %v", c.PolicyEvaluator, err)
	}
}

func TestEnvUnknown(t *testing.T) {
	c, err := Load(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Env("prod")
	if err == nil || !strings.Contains(err.Error(), `"prod"`) || !strings.Contains(err.Error(), "production") {
		t.Fatalf("err = %v", err)
	}
}

func TestEmptyFileIsDefaults(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, FileName, "")
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.TerraformDir != "terraform" {
		t.Fatalf("dir = %q", c.TerraformDir)
	}
}

func TestExceptionsInlineAndFileKeepLines(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, FileName, `terraform_dir: infra
environments:
  production:
    var_files: [infra/prod.tfvars]
exceptions_file: waivers.yaml
exceptions:
  - id: inline-1
    rule_id: RDS-002
    address: aws_db_instance.main
    reason: single-AZ until the migration
    owner: team-db
    expires: "2027-01-31"
`)
	write(t, dir, "waivers.yaml", `exceptions:
  - id: file-1
    rule_id: WAF-001
    address: "aws_lb.*"
    reason: internal ALB
    owner: team-net
    expires: "2027-02-01"
`)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := c.Env("production")
	if e.VarFiles[0] != "infra/prod.tfvars" {
		t.Errorf("explicit var files replaced: %v", e.VarFiles)
	}
	d, _ := c.Env("dev")
	if d.VarFiles[0] != filepath.Join("infra", "env", "dev.tfvars") {
		t.Errorf("default var file ignores terraform_dir: %v", d.VarFiles)
	}
	ex, err := c.LoadExceptions()
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 {
		t.Fatalf("got %d exceptions", len(ex))
	}
	if ex[0].ID != "inline-1" || ex[0].Line != 7 || filepath.Base(ex[0].File) != FileName {
		t.Errorf("inline: %+v", ex[0])
	}
	if ex[1].ID != "file-1" || ex[1].Line != 2 || filepath.Base(ex[1].File) != "waivers.yaml" {
		t.Errorf("file: %+v", ex[1])
	}
}

func TestExceptionsFileErrorsFailClosed(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, FileName, "exceptions_file: missing.yaml\n")
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.LoadExceptions(); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing file: err = %v", err)
	}
	write(t, dir, "missing.yaml", "exceptions:\n  - id: x\n    rule: typo\n")
	if _, err := c.LoadExceptions(); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("malformed file: err = %v", err)
	}
}

func TestVarFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "terraform/env/dev.tfvars", "x = 1\n")
	write(t, dir, "extra/more.tfvars", "y = 1\n")
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	extra := filepath.Join(dir, "extra/more.tfvars")
	got, err := cfg.VarFiles("dev", []string{extra})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.HasSuffix(got[0], "terraform/env/dev.tfvars") || got[1] != extra || !filepath.IsAbs(got[0]) {
		t.Errorf("VarFiles = %v", got)
	}
	_, err = cfg.VarFiles("dev", []string{"nope.tfvars"})
	if err == nil || !strings.Contains(err.Error(), "--var-file nope.tfvars: no such file") {
		t.Errorf("missing --var-file: err = %v", err)
	}
	os.Remove(filepath.Join(dir, "terraform/env/dev.tfvars"))
	_, err = cfg.VarFiles("dev", nil)
	if err == nil || !strings.Contains(err.Error(), "terraform/env/dev.tfvars: no such file") {
		t.Errorf("missing env var file: err = %v", err)
	}
}

// Every "where is X" answer resolves tfgate.yaml's paths against the
// repository root, whatever the working directory, and flags against the
// working directory.
func TestPaths(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, FileName, "terraform_dir: infra\npolicy_dirs: [custom]\nexceptions_file: waivers.yaml\n")
	cfg, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.TerraformPath(); got != filepath.Join(dir, "infra") {
		t.Errorf("TerraformPath = %s", got)
	}
	if got := cfg.PolicyPaths([]string{"mine"}); len(got) != 2 || got[0] != filepath.Join(dir, "custom") || got[1] != "mine" {
		t.Errorf("PolicyPaths = %v", got)
	}
	if got := cfg.ExceptionsPath(); got != filepath.Join(dir, "waivers.yaml") {
		t.Errorf("ExceptionsPath = %s", got)
	}
	if got := ModeDir(dir, "dev", true); got != filepath.Join(dir, ".tfgate", "dev", "local") {
		t.Errorf("ModeDir = %s", got)
	}
	if env, local, ok := cfg.EnvFromPath(filepath.Join(ModeDir(dir, "staging", false), "tfplan")); !ok || env != "staging" || local {
		t.Errorf("EnvFromPath = %s %v %v", env, local, ok)
	}
	if _, _, ok := cfg.EnvFromPath(filepath.Join(dir, "plan.json")); ok {
		t.Error("a plan outside .tfgate has no environment")
	}
	if got := cfg.Rel(filepath.Join(dir, "infra", "main.tf")); got != filepath.Join("infra", "main.tf") {
		t.Errorf("Rel = %s", got)
	}
}
