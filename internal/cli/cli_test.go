package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/result"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// fakeRepo is a repository with a tiny stack, var files for the three
// environments, and an optional tfgate.yaml.
func fakeRepo(t *testing.T, yaml string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"terraform/main.tf":               "terraform {\n  backend \"s3\" {}\n}\n",
		"terraform/env/dev.tfvars":        "",
		"terraform/env/staging.tfvars":    "",
		"terraform/env/production.tfvars": "",
	}
	if yaml != "" {
		files["tfgate.yaml"] = yaml
	}
	for p, body := range files {
		full := filepath.Join(root, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// run runs tfgate in root and returns exit code, stdout and stderr.
func tfgate(t *testing.T, root string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &App{Stdout: &out, Stderr: &errb, Getenv: func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}}
	code := a.Run(append([]string{"-C", root}, args...))
	return code, out.String(), errb.String()
}

func testdata(t *testing.T, name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsageErrorsExit2(t *testing.T) {
	root := fakeRepo(t, "")
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"unknown command", []string{"deploy"}, `unknown command "deploy"`},
		{"unknown flag", []string{"plan", "--env", "dev", "--bogus"}, "unknown flag: --bogus"},
		{"missing env", []string{"plan"}, "--env is required"},
		{"unknown env", []string{"plan", "--env", "qa"}, `unknown environment "qa"`},
		{"bad output format", []string{"plan", "--env", "dev", "--output", "pdf"}, `unknown format "pdf"`},
		{"output without file name", []string{"plan", "--env", "dev", "--output", "json="}, "empty file name"},
		{"json stream needs report files", []string{"plan", "--env", "dev", "--json", "--output", "sarif"}, "with --json, stdout carries the event stream"},
		{"bad var", []string{"plan", "--env", "dev", "--var", "novalue"}, `--var "novalue": want NAME=VALUE`},
		{"check without plan", []string{"check"}, "accepts 1 arg"},
		{"check missing plan", []string{"check", "/no/such/plan.json"}, "plan /no/such/plan.json"},
		{"check unknown env", []string{"check", "--env", "qa", "x.json"}, ""},
		{"local without subcommand", []string{"local"}, "local needs a subcommand"},
		{"local start bad port", []string{"local", "start", "--port", "70000"}, "--port 70000"},
		{"policy without subcommand", []string{"policy"}, "policy needs a subcommand"},
		{"unknown suite", []string{"test", "--suite", "smoke"}, `--suite "smoke"`},
		{"bad -C", []string{"-C", "/no/such/dir", "version"}, "-C /no/such/dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := tfgate(t, root, nil, tt.args...)
			if code != ExitError {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
			if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 {
				t.Errorf("want one clear line, got %d:\n%s", lines, stderr)
			}
		})
	}
}

func TestCheckExitCodes(t *testing.T) {
	root := fakeRepo(t, "")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"empty plan passes", []string{"check", testdata(t, "empty.json"), "--env", "production"}, ExitPass, "", ""},
		{"production denies an unprotected database", []string{"check", testdata(t, "rds_unprotected.json"), "--env", "production", "--output", "json"}, ExitDenied, `"verdict": "fail"`, ""},
		{"dev only advises", []string{"check", testdata(t, "rds_unprotected.json"), "--env", "dev", "--output", "json"}, ExitPass, `"environment": "dev"`, ""},
		{"no env means production", []string{"check", testdata(t, "rds_unprotected.json")}, ExitDenied, "aws_db_instance.main", "production enforcement"},
		{"malformed plan fails closed", []string{"check", testdata(t, "malformed.json"), "--env", "dev"}, ExitError, "", "malformed.json"},
		{"not a plan fails closed", []string{"check", testdata(t, "../cli.go"), "--env", "dev"}, ExitError, "", "cli.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := tfgate(t, root, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
		})
	}
}

func TestCheckWritesReportFiles(t *testing.T) {
	root := fakeRepo(t, "")
	dir := t.TempDir()
	sarif, md := filepath.Join(dir, "out/r.sarif"), filepath.Join(dir, "r.md")
	code, stdout, stderr := tfgate(t, root, nil, "check", testdata(t, "rds_unprotected.json"), "--env", "production",
		"--output", "sarif="+sarif, "--output", "markdown="+md)
	if code != ExitDenied {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("reports to files must leave stdout empty: %q", stdout)
	}
	for _, p := range []string{sarif, md} {
		if data, err := os.ReadFile(p); err != nil || !bytes.Contains(data, []byte("aws_db_instance.main")) {
			t.Errorf("%s: %v %.200s", p, err, data)
		}
	}
}

func TestTerraformMissingExit2(t *testing.T) {
	root := fakeRepo(t, "")
	t.Setenv(tfg.BinaryEnv, "/no/such/terraform")
	code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev")
	if code != ExitError || !strings.Contains(stderr, "terraform not found: TFGATE_TERRAFORM=/no/such/terraform does not exist") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestLocalModeNeedsEmulator(t *testing.T) {
	requireTerraform(t)
	root := fakeRepo(t, "")
	code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local")
	if code != ExitError || !strings.Contains(stderr, "no local emulator is running") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestMissingVarFileExit2(t *testing.T) {
	requireTerraform(t)
	root := fakeRepo(t, "")
	code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--var-file", "nope.tfvars")
	if code != ExitError || !strings.Contains(stderr, "--var-file nope.tfvars: no such file") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	os.Remove(filepath.Join(root, "terraform/env/staging.tfvars"))
	code, _, stderr = tfgate(t, root, nil, "plan", "--env", "staging")
	if code != ExitError || !strings.Contains(stderr, "terraform/env/staging.tfvars: no such file") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestAWSModeNeedsBackend(t *testing.T) {
	requireTerraform(t)
	root := fakeRepo(t, "")
	code, _, stderr := tfgate(t, root, nil, "init", "--env", "production")
	if code != ExitError || !strings.Contains(stderr, "environment production has no S3 backend settings") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

func TestSecondRunOnEnvIsLocked(t *testing.T) {
	requireTerraform(t)
	root := fakeRepo(t, "")
	cfgLayout := layoutFor(t, root, "dev", false)
	lk, err := tfg.AcquireLock(cfgLayout, "apply")
	if err != nil {
		t.Fatal(err)
	}
	defer lk.Release()
	code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev")
	if code != ExitError || !strings.Contains(stderr, "environment dev is locked by tfgate apply") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	// Another environment is not affected by the lock.
	code, _, stderr = tfgate(t, root, nil, "apply", "--env", "staging")
	if code != ExitError || strings.Contains(stderr, "locked") || !strings.Contains(stderr, "no saved plan") {
		t.Errorf("staging blocked by dev's lock: exit %d: %s", code, stderr)
	}
}

func TestApplyRefusals(t *testing.T) {
	requireTerraform(t)
	root := fakeRepo(t, "")
	l := layoutFor(t, root, "dev", false)
	os.MkdirAll(l.ModeDir(), 0o755)

	code, _, stderr := tfgate(t, root, nil, "apply", "--env", "dev")
	if code != ExitError || !strings.Contains(stderr, "no saved plan") {
		t.Errorf("no plan: exit %d: %s", code, stderr)
	}

	os.WriteFile(l.PlanPath(), []byte("PK\x03\x04 saved plan"), 0o600)
	code, _, stderr = tfgate(t, root, nil, "apply", "--env", "dev")
	if code != ExitError || !strings.Contains(stderr, "apply refused") || !strings.Contains(stderr, "no decision record") {
		t.Errorf("no record: exit %d: %s", code, stderr)
	}

	res := &result.Result{SchemaVersion: result.SchemaVersion, Environment: "dev", Verdict: result.Fail, Time: time.Now()}
	res.Summary.Deny = 1
	if err := gate.WriteRecord(l.PlanPath(), res); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = tfgate(t, root, nil, "apply", "--env", "dev")
	if code != ExitDenied || !strings.Contains(stderr, "the gate denied this plan") {
		t.Errorf("failed record: exit %d: %s", code, stderr)
	}

	res.Verdict, res.Summary.Deny = result.Pass, 0
	if err := gate.WriteRecord(l.PlanPath(), res); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(l.PlanPath(), []byte("PK\x03\x04 another plan"), 0o600)
	code, _, stderr = tfgate(t, root, nil, "apply", "--env", "dev")
	if code != ExitError || !strings.Contains(stderr, "does not match") {
		t.Errorf("tampered plan: exit %d: %s", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := tfgate(t, fakeRepo(t, ""), nil, "version")
	if code != ExitPass || !strings.HasPrefix(stdout, "tfgate ") {
		t.Errorf("exit %d: %s", code, stdout)
	}
}

func TestUnknownEnvInConfigListsKnown(t *testing.T) {
	root := fakeRepo(t, "environments:\n  qa:\n    var_files: [terraform/env/dev.tfvars]\n")
	code, _, stderr := tfgate(t, root, nil, "plan", "--env", "prod")
	if code != ExitError || !strings.Contains(stderr, "dev production qa staging") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	root = fakeRepo(t, "environments: [oops\n")
	code, _, stderr = tfgate(t, root, nil, "plan", "--env", "dev")
	if code != ExitError || !strings.Contains(stderr, "tfgate.yaml") {
		t.Errorf("malformed tfgate.yaml: exit %d: %s", code, stderr)
	}
}

func requireTerraform(t *testing.T) {
	t.Helper()
	if _, err := tfg.Find(t.Context()); err != nil {
		t.Fatalf("these tests need terraform >= 1.5 (PATH or TFGATE_TERRAFORM): %v", err)
	}
}

func layoutFor(t *testing.T, root, env string, local bool) tfg.Layout {
	t.Helper()
	a := &App{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: os.Getenv, root: root}
	cfg, err := a.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	l, err := tfg.NewLayout(cfg, env, local)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLocalStartPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	root := fakeRepo(t, "")
	code, _, stderr := tfgate(t, root, nil, "local", "start", "--port", strconv.Itoa(port))
	if code != ExitError || !strings.Contains(stderr, strconv.Itoa(port)) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if pid := emulatorPID(root); pid != 0 {
		t.Errorf("an emulator (pid %d) was left running", pid)
	}
}

func TestPluginDirWithoutAWSProvider(t *testing.T) {
	root := fakeRepo(t, "")
	empty := t.TempDir()
	code, _, stderr := tfgate(t, root, nil, "validate", "--plugin-dir", empty)
	if code != ExitError {
		t.Errorf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"hashicorp/aws", "--plugin-dir", "TFGATE_PLUGIN_DIR", "registry.terraform.io"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, stderr)
		}
	}
}
