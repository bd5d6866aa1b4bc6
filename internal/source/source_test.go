package source

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/saprism/tfgate/internal/result"
)

const repo = "testdata/repo"

func load(t *testing.T) *Index {
	t.Helper()
	ix, err := Load(repo, "terraform")
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// lineOf returns the 1-based line of the n-th (1-based) line of file that
// contains text, so expectations follow the fixture instead of hard-coding
// numbers that drift when it is edited.
func lineOf(t *testing.T, file, text string, n int) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, file))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			n--
			if n == 0 {
				return i + 1
			}
		}
	}
	t.Fatalf("%s: no line containing %q", file, text)
	return 0
}

func TestLocate(t *testing.T) {
	ix := load(t)
	const main = "terraform/main.tf"
	const bucket = "terraform/modules/bucket/main.tf"
	cases := []struct {
		address, attribute string
		file, text         string // expected: the line of file containing text
		nth                int
	}{
		{"aws_db_instance.main", "", main, `resource "aws_db_instance" "main"`, 1},
		{"aws_db_instance.main", "multi_az", main, "multi_az  ", 1},
		{"aws_db_instance.main", "deletion_protection", main, "deletion_protection", 1},
		// Absent attribute: the block line.
		{"aws_db_instance.main", "publicly_accessible", main, `resource "aws_db_instance" "main"`, 1},
		{"aws_lb_listener.http[0]", "", main, `resource "aws_lb_listener" "http"`, 1},
		{"aws_lb_listener.http[1]", "default_action.redirect.protocol", main, `protocol = "HTTPS"`, 1},
		{"aws_lb_listener.http[0]", "default_action[0].redirect.protocol", main, `protocol = "HTTPS"`, 1},
		{"aws_lb_listener.http[0]", "default_action.0.redirect.port", main, `port     = "443"`, 1},
		// Nested block present, attribute absent: the nested block's line.
		{"aws_lb_listener.http[0]", "default_action.redirect.status_code", main, "redirect {", 1},
		{"aws_lb_listener.http[0]", "default_action.5.type", main, `resource "aws_lb_listener" "http"`, 1},
		{`aws_ecr_repository.app["api"]`, "encryption_configuration.encryption_type", main, `encryption_type = "KMS"`, 1},
		{`aws_ecr_repository.app["worker"]`, "tags.Environment", main, "Environment", 1},
		{`aws_ecr_repository.app["worker"]`, `tags["Cost.Center"]`, main, "Cost.Center", 1},
		{`aws_ecr_repository.app["worker"]`, "tags.Owner", main, "tags = {", 1},
		{"aws_wafv2_web_acl.main", "rule.priority", main, "priority = 1", 1},
		{"data.aws_caller_identity.current", "", main, `data "aws_caller_identity" "current"`, 1},
		{`module.assets["a"].aws_s3_bucket.this`, "bucket", bucket, "bucket = var.bucket_name", 1},
		{`module.assets["b.c"].aws_s3_bucket_versioning.this`, "versioning_configuration.status", bucket, "status = var.versioning", 1},
		{"module.db.aws_rds_cluster.this", "", "terraform/modules/db/main.tf", `resource "aws_rds_cluster" "this"`, 1},
	}
	for _, c := range cases {
		t.Run(c.address+"/"+c.attribute, func(t *testing.T) {
			file, line, ok := ix.Locate(c.address, c.attribute)
			if !ok {
				t.Fatalf("not found")
			}
			want := lineOf(t, c.file, c.text, c.nth)
			if file != c.file || line != want {
				t.Errorf("got %s:%d, want %s:%d", file, line, c.file, want)
			}
		})
	}
}

func TestLocateMissing(t *testing.T) {
	ix := load(t)
	for _, addr := range []string{
		"aws_db_instance.nope",
		"module.nope.aws_s3_bucket.this",
		"module.remote.aws_vpc.this", // registry module: not in the repository
		"not an address",
		`aws_s3_bucket.x["unterminated`,
		"",
	} {
		if file, line, ok := ix.Locate(addr, ""); ok {
			t.Errorf("%q: got %s:%d, want not found", addr, file, line)
		}
	}
}

func TestParseAddress(t *testing.T) {
	cases := []struct {
		in      string
		modules []string
		res     string
		err     bool
	}{
		{"aws_s3_bucket.b", nil, "aws_s3_bucket.b", false},
		{`module.x["a.b"].module.y[0].aws_s3_bucket.this["k.1"]`, []string{"x", "y"}, "aws_s3_bucket.this", false},
		{`module.x.data.aws_iam_policy_document.p`, []string{"x"}, "data.aws_iam_policy_document.p", false},
		{`aws_s3_bucket.b["q\"uote"]`, nil, "aws_s3_bucket.b", false},
		{"aws_s3_bucket", nil, "", true},
		{"module.x", nil, "", true},
		{"a..b", nil, "", true},
		{"a.b]", nil, "", true},
	}
	for _, c := range cases {
		a, err := ParseAddress(c.in)
		if (err != nil) != c.err {
			t.Errorf("%q: err = %v, want error %v", c.in, err, c.err)
			continue
		}
		if err != nil {
			continue
		}
		if strings.Join(a.Modules, ",") != strings.Join(c.modules, ",") || a.Resource != c.res {
			t.Errorf("%q: got %v %q", c.in, a.Modules, a.Resource)
		}
	}
}

func TestAnnotateVarFiles(t *testing.T) {
	ix := load(t)
	const prod = "terraform/env/production.tfvars"
	findings := []result.Finding{
		{RuleID: "RDS-002", Address: "aws_db_instance.main", Attribute: "multi_az"},
		{RuleID: "RDS-003", Address: "aws_db_instance.main", Attribute: "backup_retention_period"}, // through a local
		{RuleID: "RDS-001", Address: "aws_db_instance.main", Attribute: "deletion_protection"},     // expression of one var
		{RuleID: "S3-004", Address: `module.assets["a"].aws_s3_bucket_versioning.this`, Attribute: "versioning_configuration.status"},
		{RuleID: "RDS-002", Address: "module.db.aws_db_instance.replica", Attribute: "multi_az"},  // module input, object member
		{RuleID: "S3-001", Address: `module.assets["a"].aws_s3_bucket.this`, Attribute: "bucket"}, // template of two vars
		{RuleID: "ECR-001", Address: `aws_ecr_repository.app["api"]`, Attribute: "encryption_configuration.encryption_type"},
		{RuleID: "X-1", Address: "aws_not.here"},
	}
	ix.Annotate(findings, nil, []string{prod})
	want := []struct{ varFile, text string }{
		{prod, "multi_az              = false"},
		{prod, "backup_retention_days"},
		{prod, `environment = "production"`},
		{prod, "versioning            = true"},
		{prod, "  multi_az = false"},
		{"", ""},
		{"", ""},
		{"", ""},
	}
	for i, w := range want {
		f := findings[i]
		wantLine := 0
		if w.text != "" {
			wantLine = lineOf(t, w.varFile, w.text, 1)
		}
		if f.VarFile != w.varFile || f.VarLine != wantLine {
			t.Errorf("%s %s: var location %s:%d, want %s:%d", f.Address, f.Attribute, f.VarFile, f.VarLine, w.varFile, wantLine)
		}
	}
	if findings[0].File != "terraform/main.tf" || findings[0].Line != lineOf(t, "terraform/main.tf", "multi_az  ", 1) {
		t.Errorf("file location %s:%d", findings[0].File, findings[0].Line)
	}
	if findings[7].File != "" || findings[7].Line != 0 {
		t.Errorf("unknown resource located at %s:%d", findings[7].File, findings[7].Line)
	}
}

func TestVarPrecedence(t *testing.T) {
	ix := load(t)
	// Without -var-file the auto-loaded terraform.tfvars sets multi_az.
	fs := []result.Finding{{Address: "aws_db_instance.main", Attribute: "multi_az"}}
	ix.Annotate(fs, nil, nil)
	if want := lineOf(t, "terraform/terraform.tfvars", "multi_az", 1); fs[0].VarFile != "terraform/terraform.tfvars" || fs[0].VarLine != want {
		t.Errorf("got %s:%d, want terraform/terraform.tfvars:%d", fs[0].VarFile, fs[0].VarLine, want)
	}
	// An explicit var file overrides it.
	fs = []result.Finding{{Address: "aws_db_instance.main", Attribute: "multi_az"}}
	ix.Annotate(fs, nil, []string{"terraform/env/production.tfvars"})
	if fs[0].VarFile != "terraform/env/production.tfvars" {
		t.Errorf("got %s, want the explicit var file", fs[0].VarFile)
	}
}

func TestLoadVarsErrors(t *testing.T) {
	ix := load(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tfvars")
	if err := os.WriteFile(bad, []byte("a = 1\nb = \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	blk := filepath.Join(dir, "block.tfvars")
	if err := os.WriteFile(blk, []byte("a = 1\nthing {\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ file, want string }{
		{bad, "bad.tfvars:2"},
		{blk, ":2: blocks are not allowed"},
		{filepath.Join(dir, "missing.tfvars"), "missing.tfvars"},
	} {
		_, err := ix.LoadVars([]string{c.file})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.file, err, c.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"a\" \"b\" {\n  x = \n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir, ".")
	if err == nil || !strings.Contains(err.Error(), "main.tf:2") {
		t.Errorf("error %v, want main.tf:2", err)
	}
	if _, err := Load(dir, "nope"); err == nil {
		t.Error("missing directory: no error")
	}
	// A module that calls its own directory is a cycle, not a hang.
	cyc := t.TempDir()
	if err := os.WriteFile(filepath.Join(cyc, "main.tf"), []byte("module \"self\" {\n  source = \"./\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(cyc, "."); err == nil || !strings.Contains(err.Error(), "deeper than") {
		t.Errorf("cycle: error %v", err)
	}
}

// The plan's configuration names module calls; FollowPlan loads a local
// module the HCL walk could not reach from the index's root.
func TestFollowPlan(t *testing.T) {
	ix, err := Load(repo, "terraform/modules/bucket")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := ix.Locate("module.inner.aws_rds_cluster.this", ""); ok {
		t.Fatal("module located before following the plan")
	}
	var p tfjson.Plan
	doc := `{"format_version":"1.2","configuration":{"root_module":{"module_calls":{
	  "inner":{"source":"../db","module":{}},
	  "gone":{"source":"./does-not-exist","module":{}},
	  "reg":{"source":"terraform-aws-modules/vpc/aws","module":{}}}}}}`
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	fs := []result.Finding{{Address: "module.inner.aws_rds_cluster.this"}}
	ix.Annotate(fs, &p, nil)
	if fs[0].File != "terraform/modules/db/main.tf" || fs[0].Line != lineOf(t, "terraform/modules/db/main.tf", `resource "aws_rds_cluster"`, 1) {
		t.Errorf("got %s:%d", fs[0].File, fs[0].Line)
	}
}

func TestValidate(t *testing.T) {
	ix := load(t)
	var got []string
	for _, p := range ix.Validate() {
		got = append(got, p.String())
	}
	want := []string{
		"terraform/modules/db/main.tf:1: variable \"settings\" has no type",
		fmt.Sprintf("terraform/variables.tf:%d: variable \"rules\" has no description", lineOf(t, "terraform/variables.tf", `variable "rules"`, 1)),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func BenchmarkLocate(b *testing.B) {
	ix, err := Load(repo, "terraform")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ix.Locate(`module.assets["a"].aws_s3_bucket_versioning.this`, "versioning_configuration.status")
	}
}

// A tfDir already joined with a relative root (as the gate passes it) and a
// var file relative to the working directory both resolve.
func TestLoadRelativeJoined(t *testing.T) {
	ix, err := Load(repo, filepath.Join(repo, "terraform"))
	if err != nil {
		t.Fatal(err)
	}
	fs := []result.Finding{{Address: "aws_db_instance.main", Attribute: "multi_az"}}
	ix.Annotate(fs, nil, []string{filepath.Join(repo, "terraform/env/production.tfvars")})
	if fs[0].File != "terraform/main.tf" || fs[0].VarFile != "terraform/env/production.tfvars" {
		t.Errorf("got %s / %s", fs[0].File, fs[0].VarFile)
	}
}
