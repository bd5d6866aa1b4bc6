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
