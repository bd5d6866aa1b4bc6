package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeRepo writes files (path → content) under a temporary directory.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, body := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Expression styles of modules found in the wild, each followed to the
// line that set the value.
func TestChainStyles(t *testing.T) {
	root := writeRepo(t, map[string]string{
		"main.tf": `module "sg" {
  source = "./sg"
  rules = [
    { name = "web", cidr = "10.0.0.0/8" },
    { name = "ssh", cidr = "0.0.0.0/0" },
  ]
  settings = { open = true }
}

module "pair" {
  source = "./sg"
  count  = 2
  rules  = []
  settings = [
    { open = false },
    { open = true },
  ][count.index]
}
`,
		"sg/main.tf": `resource "aws_vpc_security_group_ingress_rule" "by_name" {
  for_each  = { for r in var.rules : r.name => r }
  cidr_ipv4 = each.value.cidr
}

resource "aws_s3_bucket_public_access_block" "b" {
  block_public_acls = try(!var.settings.open, true)
  ignore_public_acls = lookup(var.settings, "missing", false)
  restrict_public_buckets = "${var.settings.open}-${var.rules}"
}

variable "rules" {
  type = list(object({ name = string, cidr = string }))
}

variable "settings" {
  type = any
}
`,
	})
	ix, err := Load(root, ".")
	if err != nil {
		t.Fatal(err)
	}
	line := func(file, text string) int {
		data, _ := os.ReadFile(filepath.Join(root, file))
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, text) {
				return i + 1
			}
		}
		t.Fatalf("%s: no %q", file, text)
		return 0
	}
	cases := []struct {
		name, address, attribute string
		file, text               string // "" when there is no single place
	}{
		{"for expression keyed by name", `module.sg.aws_vpc_security_group_ingress_rule.by_name["ssh"]`, "cidr_ipv4", "main.tf", `{ name = "ssh", cidr = "0.0.0.0/0" }`},
		{"try over a negation", "module.sg.aws_s3_bucket_public_access_block.b", "block_public_acls", "main.tf", "settings = { open = true }"},
		// The key is not in the caller's object: lookup's own default, on
		// the resource's line, is the value — no other place.
		{"lookup falls back to its default", "module.sg.aws_s3_bucket_public_access_block.b", "ignore_public_acls", "", ""},
		{"two inputs: no single place", "module.sg.aws_s3_bucket_public_access_block.b", "restrict_public_buckets", "", ""},
		{"module count instance picks its list element", "module.pair[1].aws_s3_bucket_public_access_block.b", "block_public_acls", "main.tf", "{ open = true },"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, ok := ix.Chain(c.address, c.attribute, nil)
			if c.file == "" {
				if ok {
					t.Errorf("got %+v, want no place", set)
				}
				return
			}
			if !ok || set.File != c.file || set.Line != line(c.file, c.text) {
				t.Errorf("got %s:%d (ok %v), want %s:%d", set.File, set.Line, ok, c.file, line(c.file, c.text))
			}
		})
	}
}
