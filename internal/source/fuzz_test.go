package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedTF adds every .tf and .tfvars file of dirs to the corpus, so the
// fuzzer starts from Terraform as real stacks write it (ours and the
// registry-style fixture with modules, for_each and locals).
func seedFiles(f *testing.F, exts []string, dirs ...string) {
	for _, d := range dirs {
		_ = filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			for _, x := range exts {
				if strings.HasSuffix(p, x) {
					if data, err := os.ReadFile(p); err == nil {
						f.Add(string(data))
					}
				}
			}
			return nil
		})
	}
}

// probes are addresses and attributes the locator and tracer are asked
// about: plain, indexed, module-nested, nested blocks and odd syntax.
var probes = [][2]string{
	{"aws_db_instance.main", "multi_az"},
	{"aws_db_instance.main", ""},
	{`aws_ecr_repository.app["api"]`, "encryption_configuration.encryption_type"},
	{"aws_lb_listener.http[1]", "default_action[0].redirect.protocol"},
	{`module.assets["a"].aws_s3_bucket.this`, "bucket"},
	{"module.db.aws_rds_cluster.this", "tags.Name"},
	{"data.aws_caller_identity.current", ""},
	{`x.y["]`, "a..b[["},
	{"aws_security_group.web", "ingress.0.cidr_blocks"},
}

// FuzzSourceIndex: any main.tf content either loads or is an error naming
// the file; locating and tracing on what loads never panics and only
// answers with files of the index and positive lines.
func FuzzSourceIndex(f *testing.F) {
	seedFiles(f, []string{".tf"}, "testdata/repo/terraform", "../../terraform")
	f.Add("resource \"a\" \"b\" {\n  x = local.y\n}\nlocals {\n  y = var.z\n}\nvariable \"z\" {}\n")
	f.Add("module \"m\" {\n  source = \"./m\"\n}\n")
	f.Add("resource \"a\" {")
	f.Fuzz(func(t *testing.T, src string) {
		root := t.TempDir()
		dir := filepath.Join(root, "terraform")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		ix, err := Load(root, "terraform")
		if err != nil {
			if !strings.Contains(err.Error(), "main.tf") && !strings.Contains(err.Error(), "module") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, p := range ix.Validate() {
			if p.Line < 1 || p.File == "" {
				t.Fatalf("problem without a position: %+v", p)
			}
		}
		checkProbes(t, ix)
	})
}

func checkProbes(t *testing.T, ix *Index) {
	t.Helper()
	files := map[string]bool{}
	for _, f := range ix.Files() {
		files[f] = true
	}
	for _, pr := range probes {
		if file, line, ok := ix.Locate(pr[0], pr[1]); ok && (line < 1 || !files[file]) {
			t.Fatalf("Locate(%q, %q) = %s:%d, not a position in the index (%v)", pr[0], pr[1], file, line, ix.Files())
		}
		ix.Chain(pr[0], pr[1], nil)
	}
}

// FuzzTfvarsTrace: any tfvars content either loads or is an error naming
// the var file; a loaded one answers Locate with its own file and a
// positive line, for any variable the configuration traces to.
func FuzzTfvarsTrace(f *testing.F) {
	seedFiles(f, []string{".tfvars", ".tfvars.example"}, "testdata/repo/terraform", "../../terraform")
	f.Add("db = { multi_az = false }\n")
	f.Add("a = [\n")
	f.Add("resource \"x\" \"y\" {}\n")
	ix, err := Load(repo, "terraform")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		vf := filepath.Join(t.TempDir(), "fuzz.tfvars")
		if err := os.WriteFile(vf, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := ix.CheckVars([]string{vf}); err != nil && (!strings.Contains(err.Error(), "fuzz.tfvars") || strings.Contains(err.Error(), "\n")) {
			t.Fatalf("CheckVars error is not one line naming the var file: %q", err)
		}
		vars, err := ix.LoadVars([]string{vf})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.tfvars") {
				t.Fatalf("error does not name the var file: %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		for _, pr := range probes {
			if vs, ok := ix.Chain(pr[0], pr[1], vars); ok && (vs.Line < 1 || vs.File == "") {
				t.Fatalf("Chain(%q, %q) = %s:%d", pr[0], pr[1], vs.File, vs.Line)
			}
		}
	})
}
