package source

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestLocalReferences(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", `
locals {
  vpc_id  = aws_vpc.main.id
  subnets = [for s in aws_subnet.private : s.id]
  first   = module.net.private_subnets[0]
  name    = "x-${var.env}"
}
module "logs" {
  source = "./modules/logs"
}
`)
	write("modules/logs/main.tf", `
locals {
  bucket = aws_s3_bucket.this["a"].id
}
`)
	ix, err := Load(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	got := ix.LocalReferences(nil)
	want := map[string]map[string][]string{
		"": {
			"vpc_id":  {"aws_vpc.main", "aws_vpc.main.id"},
			"subnets": {"aws_subnet.private"},
			"first":   {"module.net", "module.net.private_subnets[0]"},
			"name":    {"var.env"},
		},
		"module.logs": {"bucket": {`aws_s3_bucket.this`, `aws_s3_bucket.this["a"].id`}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LocalReferences =\n %v\nwant\n %v", got, want)
	}
}
