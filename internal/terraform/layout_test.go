package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/config"
)

// repo builds a fake repository: a terraform/ dir with a local module, var
// files, and tfgate.yaml defaults.
func repo(t *testing.T) *config.Config {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"terraform/main.tf":                   "terraform {\n  backend \"s3\" {}\n}\n",
		"terraform/variables.tf":              "variable \"x\" {}\n",
		"terraform/.terraform.lock.hcl":       "# lock\n",
		"terraform/modules/net/main.tf":       "# module\n",
		"terraform/env/dev.tfvars":            "x = 1\n",
		"terraform/env/staging.tfvars":        "x = 2\n",
		"terraform/env/production.tfvars":     "x = 3\n",
		"terraform/terraform.tfstate":         "{}",
		"terraform/.terraform/providers/x":    "binary",
		"terraform/old.tfplan":                "plan",
		"terraform/backend_override.tf":       "# someone else's",
		"extra/more.tfvars":                   "y = 1\n",
		"terraform/terraform.tfstate.backup":  "{}",
		"terraform/modules/net/variables.tf":  "variable \"cidr\" {}\n",
		"terraform/.hidden/should-not-copy":   "x",
		"terraform/README.md":                 "docs travel along",
		"terraform/modules/net/.terraform/ok": "x",
	}
	for p, body := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestNewLayoutRejectsUnknownEnv(t *testing.T) {
	cfg := repo(t)
	for _, env := range []string{"", "prod", "../dev"} {
		if _, err := NewLayout(cfg, env, false); err == nil {
			t.Errorf("NewLayout(%q) = nil error, want a refusal", env)
		}
	}
	_, err := NewLayout(cfg, "prod", false)
	if !strings.Contains(err.Error(), "unknown environment \"prod\"") || !strings.Contains(err.Error(), "production") {
		t.Errorf("error %q should name the env and the known ones", err)
	}
}

func TestLayoutPathsPerEnvAndMode(t *testing.T) {
	cfg := repo(t)
	root, _ := filepath.Abs(cfg.Root)
	local, _ := NewLayout(cfg, "dev", true)
	aws, _ := NewLayout(cfg, "dev", false)
	prod, _ := NewLayout(cfg, "production", false)
	checks := []struct{ got, want string }{
		{local.WorkDir(), filepath.Join(root, ".tfgate/dev/local/work")},
		{local.DataDir(), filepath.Join(root, ".tfgate/dev/local/data")},
		{local.StatePath(), filepath.Join(root, ".tfgate/dev/local/terraform.tfstate")},
		{local.PlanPath(), filepath.Join(root, ".tfgate/dev/local/tfplan")},
		{aws.WorkDir(), filepath.Join(root, "terraform")},
		{aws.DataDir(), filepath.Join(root, ".tfgate/dev/aws/data")},
		{aws.PlanPath(), filepath.Join(root, ".tfgate/dev/aws/tfplan")},
		{prod.DataDir(), filepath.Join(root, ".tfgate/production/aws/data")},
		{local.LockPath(), aws.LockPath()}, // one lock per env, both modes
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("%d: got %s, want %s", i, c.got, c.want)
		}
	}
}

func TestPrepareLocalCopiesConfigAndOverridesBackend(t *testing.T) {
	cfg := repo(t)
	l, _ := NewLayout(cfg, "dev", true)
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	work := l.WorkDir()
	for _, p := range []string{"main.tf", "variables.tf", ".terraform.lock.hcl", "modules/net/main.tf", "modules/net/variables.tf", "env/dev.tfvars", "README.md"} {
		if _, err := os.Stat(filepath.Join(work, p)); err != nil {
			t.Errorf("%s not copied: %v", p, err)
		}
	}
	for _, p := range []string{"terraform.tfstate", "terraform.tfstate.backup", ".terraform", "old.tfplan", ".hidden", "modules/net/.terraform"} {
		if _, err := os.Stat(filepath.Join(work, p)); err == nil {
			t.Errorf("%s copied, it must not be", p)
		}
	}
	ov, err := os.ReadFile(filepath.Join(work, OverrideFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ov), `backend "local"`) || !strings.Contains(string(ov), `path = "../terraform.tfstate"`) {
		t.Errorf("override = %s", ov)
	}
	// The source is never written to.
	src, _ := os.ReadFile(filepath.Join(l.TFDir, OverrideFile))
	if string(src) != "# someone else's" {
		t.Errorf("terraform/%s was modified", OverrideFile)
	}
	// A file deleted from the configuration disappears from the copy.
	os.Remove(filepath.Join(l.TFDir, "variables.tf"))
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(work, "variables.tf")); err == nil {
		t.Error("stale variables.tf survived in the copy")
	}
}

func TestPrepareAWSDoesNotTouchConfig(t *testing.T) {
	cfg := repo(t)
	l, _ := NewLayout(cfg, "staging", false)
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(l.DataDir()); err != nil {
		t.Errorf("data dir not created: %v", err)
	}
	if _, err := os.Stat(filepath.Join(l.Root, ".tfgate/staging/aws/work")); err == nil {
		t.Error("AWS mode must not make a copy")
	}
}

func TestSourcePath(t *testing.T) {
	cfg := repo(t)
	local, _ := NewLayout(cfg, "dev", true)
	aws, _ := NewLayout(cfg, "dev", false)
	tests := []struct {
		l    Layout
		in   string
		want string
	}{
		{local, "main.tf", "terraform/main.tf"},
		{local, filepath.Join(local.WorkDir(), "modules/net/main.tf"), "terraform/modules/net/main.tf"},
		{local, filepath.Join(local.Root, "terraform/env/dev.tfvars"), "terraform/env/dev.tfvars"},
		{aws, "main.tf", "terraform/main.tf"},
		{aws, "/elsewhere/x.tfvars", "/elsewhere/x.tfvars"},
		{aws, "", ""},
	}
	for _, tt := range tests {
		if got := tt.l.SourcePath(tt.in); got != tt.want {
			t.Errorf("SourcePath(%q) local=%v = %q, want %q", tt.in, tt.l.Local, got, tt.want)
		}
	}
}

func TestBackendConfig(t *testing.T) {
	cfg := repo(t)
	cfg.Environments["production"].Backend = map[string]string{"bucket": "state", "key": "prod.tfstate", "region": "us-east-1"}
	got, err := BackendConfig(cfg, "production", []string{"key=other.tfstate", "use_lockfile=true"})
	if err != nil {
		t.Fatal(err)
	}
	want := "bucket=state key=other.tfstate region=us-east-1 use_lockfile=true"
	if s := strings.Join(Pairs(got), " "); s != want {
		t.Errorf("BackendConfig = %s, want %s", s, want)
	}
	for _, bad := range []string{"novalue", "=x"} {
		if _, err := BackendConfig(cfg, "production", []string{bad}); err == nil {
			t.Errorf("--backend-config %q accepted", bad)
		}
	}
	if _, err := BackendConfig(cfg, "production", []string{"secret_key=abc"}); err == nil || strings.Contains(err.Error(), "abc") {
		t.Errorf("a credential in backend config must be refused without echoing it: %v", err)
	}
}

func TestWorkdirForTerratest(t *testing.T) {
	cfg := repo(t)
	mirror := t.TempDir()
	os.MkdirAll(filepath.Join(mirror, "registry.terraform.io/hashicorp/aws/5.100.0"), 0o755)
	t.Setenv(PluginDirEnv, mirror)
	cfg.Environments["staging"].Backend = map[string]string{"bucket": "b"}

	dir, env, varFiles, err := Workdir(cfg, "dev", true)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := NewLayout(cfg, "dev", true)
	m := EnvMap(env)
	if dir != l.WorkDir() || m["TF_DATA_DIR"] != l.DataDir() || len(varFiles) != 1 {
		t.Errorf("Workdir = %s %v %v", dir, env, varFiles)
	}
	if m["TF_CLI_ARGS_init"] != `-plugin-dir="`+mirror+`"` {
		t.Errorf("TF_CLI_ARGS_init = %q", m["TF_CLI_ARGS_init"])
	}
	_, env, _, err = Workdir(cfg, "staging", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := EnvMap(env)["TF_CLI_ARGS_init"]; !strings.Contains(got, `-backend-config="bucket=b"`) {
		t.Errorf("AWS mode TF_CLI_ARGS_init = %q", got)
	}
	if _, _, _, err := Workdir(cfg, "qa", false); err == nil {
		t.Error("unknown env accepted")
	}
}

func TestLock(t *testing.T) {
	cfg := repo(t)
	l, _ := NewLayout(cfg, "dev", true)
	first, err := AcquireLock(l, "plan")
	if err != nil {
		t.Fatal(err)
	}
	// Same env, other mode: still the same lock.
	other, _ := NewLayout(cfg, "dev", false)
	_, err = AcquireLock(other, "apply")
	var le *EnvLockedError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "environment dev is locked by tfgate plan") {
		t.Fatalf("second lock: %v", err)
	}
	// Another env is independent.
	prod, _ := NewLayout(cfg, "production", false)
	p, err := AcquireLock(prod, "plan")
	if err != nil {
		t.Fatalf("production lock: %v", err)
	}
	p.Release()
	first.Release()
	again, err := AcquireLock(other, "apply")
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again.Release()
}

func TestPrepareKeepsInitLockWhenConfigHasNone(t *testing.T) {
	cfg := repo(t)
	os.Remove(filepath.Join(cfg.Root, "terraform/.terraform.lock.hcl"))
	l, _ := NewLayout(cfg, "dev", true)
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(l.WorkDir(), ".terraform.lock.hcl")
	os.WriteFile(lock, []byte("# written by init\n"), 0o644)
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(lock); err != nil || string(data) != "# written by init\n" {
		t.Errorf("init's lock file lost: %q %v", data, err)
	}
}

func TestInitialisedFollowsConfigLockFile(t *testing.T) {
	cfg := repo(t)
	l, _ := NewLayout(cfg, "dev", true)
	if err := l.Prepare(); err != nil {
		t.Fatal(err)
	}
	if l.Initialised() {
		t.Fatal("fresh layout reported initialised")
	}
	// What a successful init leaves behind.
	os.WriteFile(filepath.Join(l.DataDir(), "terraform.tfstate"), []byte("{}"), 0o644)
	os.MkdirAll(filepath.Join(l.DataDir(), "providers", AWSProvider), 0o755)
	if err := l.markInitialised(); err != nil {
		t.Fatal(err)
	}
	if !l.Initialised() {
		t.Fatal("initialised layout not recognised")
	}
	// A provider upgrade in the configuration's lock file needs a new init.
	os.WriteFile(filepath.Join(l.TFDir, ".terraform.lock.hcl"), []byte("# upgraded\n"), 0o644)
	if l.Initialised() {
		t.Error("a changed lock file did not ask for a new init")
	}
}
