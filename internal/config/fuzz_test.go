package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzConfigLoad: any tfgate.yaml (and any exceptions file it names) either
// loads or is a one-line error naming the file; what loads has every
// environment with var files and exceptions that know their file.
func FuzzConfigLoad(f *testing.F) {
	f.Add("terraform_dir: terraform\nenvironments:\n  dev:\n    var_files: [terraform/env/dev.tfvars]\n", "")
	f.Add("enforcement:\n  RDS-001:\n    dev: advisory\nexceptions:\n  - id: E1\n    rule_id: RDS-001\n    address: aws_db_instance.*\n    reason: r\n    owner: o\n    expires: 2026-12-31\n", "")
	f.Add("exceptions_file: ex.yaml\n", "exceptions:\n  - id: E2\n    rule_id: S3-001\n    address: \"*\"\n    expires: 2027-01-01\n")
	f.Add("a: &x [*x]\n", "")
	f.Add("environments: {dev: {var_files: 3}}\nenvironments: {}\n", "")
	f.Add("exceptions_file: ex.yaml\n", "exceptions: {a: b}\n")
	f.Add("\t\x00", "")
	if data, err := os.ReadFile("../../tfgate.yaml"); err == nil {
		f.Add(string(data), "")
	}
	f.Fuzz(func(t *testing.T, cfg, ex string) {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, FileName), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "ex.yaml"), []byte(ex), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(root)
		if err != nil {
			oneLineNaming(t, err, FileName)
			return
		}
		for name, e := range c.Environments {
			if e == nil || len(e.VarFiles) == 0 {
				t.Fatalf("environment %q has no var files after defaults", name)
			}
		}
		for _, n := range Environments {
			if _, err := c.Env(n); err != nil {
				t.Fatal(err)
			}
		}
		exs, err := c.LoadExceptions()
		if err != nil {
			if c.ExceptionsFile == "ex.yaml" {
				oneLineNaming(t, err, "ex.yaml")
			}
			return
		}
		for _, e := range exs {
			if e.File == "" {
				t.Fatalf("exception %+v does not know its file", e)
			}
		}
	})
}

func oneLineNaming(t *testing.T, err error, file string) {
	t.Helper()
	msg := err.Error()
	if !strings.Contains(msg, file) {
		t.Fatalf("error does not name %s: %q", file, msg)
	}
	if strings.Contains(msg, "\n") {
		t.Fatalf("error is not one line: %q", msg)
	}
}
