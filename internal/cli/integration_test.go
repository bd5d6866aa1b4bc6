package cli

import (
	"encoding/json"
	"errors"
	"github.com/saprism/tfgate/internal/config"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/emulator"
	"github.com/saprism/tfgate/internal/gate"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Integration tests: the real terraform, the aws provider from a mirror,
// and the local emulator, each test starting and stopping its own. They
// take about a minute each; `go test -short` leaves them out.

// stackRepo is a repository root in a temp dir whose stack is
// testdata/stack (absolute), so .tfgate/ and the emulator live in the
// temp dir.
func stackRepo(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test (real terraform and emulator); run without -short")
	}
	requireTerraform(t)
	if dir, _, err := tfg.PluginDir(""); err != nil {
		t.Fatal(err)
	} else if dir == "" {
		t.Log("no provider mirror found: terraform will use the registry")
	}
	stack, err := filepath.Abs("testdata/stack")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	yaml := "terraform_dir: " + stack + "\n"
	if err := os.WriteFile(filepath.Join(root, "tfgate.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// emulatorPID returns the pid of the emulator recorded under root, or 0.
func emulatorPID(root string) int {
	st, err := emulator.Status(config.EmulatorDir(root))
	if err != nil || !st.Running {
		return 0
	}
	return st.PID
}

func alive(pid int) bool {
	return pid > 0 && !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// stopEmulatorAtEnd makes sure no emulator outlives the test.
func stopEmulatorAtEnd(t *testing.T, root string) {
	t.Cleanup(func() {
		if e, err := emulator.Attach(config.EmulatorDir(root)); err == nil {
			e.Stop()
		}
	})
}

func TestIntegrationPlanCheckApplyLocal(t *testing.T) {
	root := stackRepo(t)
	stopEmulatorAtEnd(t, root)
	code, out, stderr := tfgate(t, root, nil, "local", "start")
	if code != ExitPass {
		t.Fatalf("local start: %d %s", code, stderr)
	}
	t.Log(out)

	report := filepath.Join(t.TempDir(), "dev.json")
	code, _, stderr = tfgate(t, root, map[string]string{"NO_COLOR": "1"}, "plan", "--env", "dev", "--local", "--output", "json="+report)
	if code != ExitPass {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"terraform init (dev, local mode)", "Plan: 1 to add, 0 to change, 0 to destroy", "saved plan: .tfgate/dev/local/tfplan"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("plan progress lacks %q:\n%s", want, stderr)
		}
	}
	l := layoutFor(t, root, "dev", true)
	if _, err := gate.ReadRecord(l.PlanPath()); err != nil {
		t.Errorf("no decision record next to the saved plan: %v", err)
	}
	if data, err := os.ReadFile(report); err != nil || !strings.Contains(string(data), `"environment": "dev"`) {
		t.Errorf("json report: %v %s", err, data)
	}
	// State stays under .tfgate/dev/local; the stack dir is never written.
	stack, _ := filepath.Abs("testdata/stack")
	if _, err := os.Stat(filepath.Join(stack, ".terraform")); err == nil {
		t.Error("local mode wrote .terraform into the stack dir")
	}

	// check takes the saved binary plan: env and mode from its location.
	code, stdout, stderr := tfgate(t, root, nil, "check", l.PlanPath(), "--output", "json")
	if code != ExitPass || !strings.Contains(stdout, `"environment": "dev"`) {
		t.Errorf("check binary plan: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// A malformed tfvars is Terraform's error with file:line, exit 2.
	code, _, stderr = tfgate(t, root, nil, "plan", "--env", "dev", "--local", "--var-file", testdata(t, "bad.tfvars"))
	if code != ExitError || !strings.Contains(stderr, "bad.tfvars:1") {
		t.Errorf("malformed tfvars: exit %d\n%s", code, stderr)
	}
	// ... and the failed plan left nothing that apply could take.
	code, _, stderr = tfgate(t, root, nil, "apply", "--env", "dev", "--local")
	if code != ExitError || !strings.Contains(stderr, "no saved plan") {
		t.Errorf("apply after a failed plan: exit %d\n%s", code, stderr)
	}

	code, _, stderr = tfgate(t, root, nil, "plan", "--env", "dev", "--local", "--output", "json="+report)
	if code != ExitPass {
		t.Fatalf("re-plan: exit %d\n%s", code, stderr)
	}
	code, _, stderr = tfgate(t, root, map[string]string{"NO_COLOR": "1"}, "apply", "--env", "dev", "--local")
	if code != ExitPass || !strings.Contains(stderr, "[1/1 ") || !strings.Contains(stderr, "aws_s3_bucket.b: created") {
		t.Fatalf("apply: exit %d\n%s", code, stderr)
	}
	if !tfg.HasResources(l.StatePath()) {
		t.Errorf("no state in %s", l.StatePath())
	}
	// The saved plan is spent.
	code, _, stderr = tfgate(t, root, nil, "apply", "--env", "dev", "--local")
	if code != ExitError || !strings.Contains(stderr, "no saved plan") {
		t.Errorf("second apply: exit %d\n%s", code, stderr)
	}
	code, stdout, _ = tfgate(t, root, nil, "output", "--env", "dev", "--local")
	if code != ExitPass || !strings.Contains(stdout, "load_balancer_dns = tfgate-it-dev.s3") {
		t.Errorf("output: exit %d\n%s", code, stdout)
	}
	// down leaves the emulator it did not start running.
	pid := emulatorPID(root)
	code, _, stderr = tfgate(t, root, nil, "down", "--env", "dev", "--local")
	if code != ExitPass || !strings.Contains(stderr, "destroyed 1 resource") {
		t.Errorf("down: exit %d\n%s", code, stderr)
	}
	if !alive(pid) {
		t.Error("down stopped an emulator started by `local start`")
	}
	code, _, _ = tfgate(t, root, nil, "local", "stop")
	if code != ExitPass || alive(pid) {
		t.Errorf("local stop: exit %d, pid %d alive %v", code, pid, alive(pid))
	}
}

func TestIntegrationUpDownLeavesNoProcess(t *testing.T) {
	root := stackRepo(t)
	stopEmulatorAtEnd(t, root)
	code, stdout, stderr := tfgate(t, root, map[string]string{"NO_COLOR": "1"}, "up", "--env", "dev", "--local", "--output", "json="+filepath.Join(t.TempDir(), "r.json"))
	if code != ExitPass {
		t.Fatalf("up: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "starting the local AWS emulator") || !strings.Contains(stdout, "load_balancer_dns = ") || !strings.Contains(stderr, "smoke checks passed") {
		t.Errorf("up output:\n%s\n%s", stdout, stderr)
	}
	pid := emulatorPID(root)
	if !alive(pid) {
		t.Fatal("the emulator up started is not running after up")
	}
	code, _, stderr = tfgate(t, root, nil, "down", "--env", "dev", "--local")
	if code != ExitPass {
		t.Fatalf("down: exit %d\n%s", code, stderr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("emulator pid %d still running after down", pid)
	}
}

func TestIntegrationEmulatorDiesMidApply(t *testing.T) {
	root := stackRepo(t)
	stopEmulatorAtEnd(t, root)
	if code, _, stderr := tfgate(t, root, nil, "local", "start"); code != ExitPass {
		t.Fatalf("local start: %s", stderr)
	}
	if code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local", "--var", "slow=true", "--output", "json="+filepath.Join(t.TempDir(), "r.json")); code != ExitPass {
		t.Fatalf("plan: %s", stderr)
	}
	l := layoutFor(t, root, "dev", true)
	type outcome struct {
		code   int
		stderr string
	}
	done := make(chan outcome, 1)
	go func() {
		code, _, stderr := tfgate(t, root, map[string]string{"NO_COLOR": "1"}, "apply", "--env", "dev", "--local")
		done <- outcome{code, stderr}
	}()
	// The bucket is created in seconds; its lifecycle configuration then
	// keeps the provider waiting for about a minute: kill the emulator then.
	deadline := time.Now().Add(90 * time.Second)
	for !tfg.HasResources(l.StatePath()) && time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(2 * time.Second)
	pid := emulatorPID(root)
	if pid == 0 {
		t.Fatal("no emulator to kill")
	}
	start := time.Now()
	syscall.Kill(pid, syscall.SIGKILL)
	var o outcome
	select {
	case o = <-done:
	case <-time.After(3 * time.Minute):
		t.Fatal("apply still running 3 minutes after the emulator died")
	}
	t.Logf("apply after the emulator died:\n%s", o.stderr)
	if o.code != ExitError || !strings.Contains(o.stderr, "exited during apply") || !strings.Contains(o.stderr, "state is intact") {
		t.Errorf("apply: exit %d\n%s", o.code, o.stderr)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("took %s to stop after the emulator died", d)
	}
	// The state file is still valid JSON holding the bucket.
	if !tfg.HasResources(l.StatePath()) {
		t.Errorf("state %s lost its resources", l.StatePath())
	}
}

func TestIntegrationValidate(t *testing.T) {
	root := stackRepo(t)
	code, stdout, stderr := tfgate(t, root, nil, "validate")
	if code != ExitPass || !strings.Contains(stdout, "is formatted, valid and passes the static checks") {
		t.Fatalf("validate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// A copy of the stack with a formatting problem, an undeclared
	// reference and a variable without a description.
	bad := t.TempDir()
	src, _ := os.ReadFile("testdata/stack/main.tf")
	body := strings.Replace(string(src), "  bucket = var.name\n}", "  bucket     = var.name\n}\n\nvariable \"x\" {\n  type = string\n}\n\noutput \"o\" {\n  value = var.missing\n}", 1)
	os.WriteFile(filepath.Join(bad, "main.tf"), []byte(body), 0o644)
	os.WriteFile(filepath.Join(root, "tfgate.yaml"), []byte("terraform_dir: "+bad+"\n"), 0o644)
	code, stdout, stderr = tfgate(t, root, nil, "validate")
	if code != ExitError {
		t.Errorf("validate of a broken stack: exit %d", code)
	}
	for _, want := range []string{"main.tf: not formatted", "error: ", "main.tf:", "Reference to undeclared input variable", `variable "x" has no description`} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("validate output lacks %q:\n%s\n%s", want, stdout, stderr)
		}
	}
}

func TestIntegrationPlanJSONStream(t *testing.T) {
	root := stackRepo(t)
	stopEmulatorAtEnd(t, root)
	if code, _, stderr := tfgate(t, root, nil, "local", "start"); code != ExitPass {
		t.Fatalf("local start: %s", stderr)
	}
	code, stdout, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local", "--json", "--output", "json="+filepath.Join(t.TempDir(), "r.json"))
	if code != ExitPass {
		t.Fatalf("plan --json: exit %d\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	types := map[string]bool{}
	for _, l := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("stdout line is not JSON: %q", l)
		}
		if ty, _ := ev["type"].(string); ty != "" {
			types[ty] = true
		}
	}
	for _, want := range []string{"version", "planned_change", "change_summary", "tfgate_verdict"} {
		if !types[want] {
			t.Errorf("no %s event in the stream (types: %v)", want, types)
		}
	}
	var last map[string]any
	json.Unmarshal([]byte(lines[len(lines)-1]), &last)
	if last["type"] != "tfgate_verdict" || last["environment"] != "dev" {
		t.Errorf("last event = %v", last)
	}
}

// A provider Terraform cannot install is one error naming it and both
// fixes. The CLI configuration forces an empty filesystem mirror, so the
// test does not depend on whether the registry is reachable.
func TestIntegrationProviderMissing(t *testing.T) {
	root := stackRepo(t)
	home := t.TempDir()
	rc := filepath.Join(home, "terraformrc")
	os.WriteFile(rc, []byte("provider_installation {\n  filesystem_mirror {\n    path = \""+t.TempDir()+"\"\n  }\n}\n"), 0o644)
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("XDG_DATA_DIRS", home)
	t.Setenv(tfg.PluginDirEnv, "")
	t.Setenv("TF_CLI_CONFIG_FILE", rc)
	code, _, stderr := tfgate(t, root, nil, "validate")
	if code != ExitError {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"provider hashicorp/aws is not available", "--plugin-dir", "TFGATE_PLUGIN_DIR", "registry.terraform.io"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(strings.TrimSpace(stderr), "\n") + 1; n != 1 {
		t.Errorf("want one line, got %d:\n%s", n, stderr)
	}
}
