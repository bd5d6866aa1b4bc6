package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckVars(t *testing.T) {
	root := t.TempDir()
	tf := filepath.Join(root, "terraform")
	os.MkdirAll(filepath.Join(tf, "env"), 0o755)
	os.WriteFile(filepath.Join(tf, "variables.tf"), []byte(`variable "multi_az" {
  type = bool
}
variable "db" {
  type = object({ size = number, name = optional(string) })
}
variable "free" {}
variable "zones" {
  type = list(string)
}
`), 0o644)
	ix, err := Load(root, "terraform")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, body, want string }{
		{"ok", "multi_az = true\ndb = { size = 20 }\nfree = [1, \"x\"]\nzones = [\"a\", \"b\"]\nmulti_az2 = 0\n", `env/t.tfvars:5: variable "multi_az2" is not declared`},
		{"valid", "multi_az = \"true\"\ndb = { size = \"20\" }\nzones = []\n", ""},
		{"syntax", "multi_az = \n", "env/t.tfvars:1:"},
		{"bool", "multi_az = \"maybe\"\n", `env/t.tfvars:1: variable "multi_az": wrong type`},
		{"nested", "db = { size = \"big\" }\n", `env/t.tfvars:1: variable "db": wrong type at size`},
		{"list", "zones = \"a\"\n", `env/t.tfvars:1: variable "zones": wrong type`},
		{"block", "resource \"x\" \"y\" {}\n", "blocks are not allowed"},
		{"function call left to terraform", "zones = split(\",\", \"a,b\")\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(tf, "env", "t.tfvars")
			os.WriteFile(p, []byte(tt.body), 0o644)
			err := ix.CheckVars([]string{"terraform/env/t.tfvars"})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Fatalf("not one line: %q", err)
			}
		})
	}
}

// The stack's own var files are valid: the check must not cry wolf.
func TestCheckVarsOwnStack(t *testing.T) {
	ix, err := Load("../..", "terraform")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../../terraform/env/*.tfvars")
	if len(files) == 0 {
		t.Fatal("no var files in terraform/env")
	}
	for _, f := range files {
		if err := ix.CheckVars([]string{f}); err != nil {
			t.Error(err)
		}
	}
}
