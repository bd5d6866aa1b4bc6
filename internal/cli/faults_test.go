//go:build faults

package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/gate"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Faults during the long operations, with the real terraform and emulator
// (testdata/stack: one bucket plus, with slow=true, a lifecycle rule the
// provider waits on for about a minute: the window the faults hit). They
// take ~10 minutes and need root (tmpfs mounts for a read-only and a full
// .tfgate/), so they are behind the build tag "faults": `make test-faults`
// runs them, and the nightly workflow does (with sudo).

// Ctrl-C during up's apply: Terraform stops gracefully, the state is
// intact, the next up converges to 0 changes.
func TestFaultSIGINTDuringUp(t *testing.T) {
	root := stackRepo(t)
	startEmulator(t, root)
	l := layoutFor(t, root, "dev", true)
	done := runAsync(t, root, "up", "--env", "dev", "--local", "--var", "slow=true")
	waitApplying(t, l.StatePath())
	// The in-process run has tfgate's handler installed (signal.Notify), so
	// this reaches it, not the test binary's default action.
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	o := wait(t, done, 2*time.Minute, "up after Ctrl-C")
	t.Logf("up after Ctrl-C:\n%s", o.stderr)
	if o.code == ExitPass || !strings.Contains(o.stderr, "interrupt") {
		t.Errorf("up: exit %d, want a failure that says it was interrupted", o.code)
	}
	if strings.Contains(o.stderr, "goroutine ") || strings.Contains(o.stderr, "panic") {
		t.Error("a stack trace instead of a message")
	}
	stateIntact(t, l.StatePath())
	if code, _, stderr := tfgate(t, root, nil, "up", "--env", "dev", "--local", "--var", "slow=true"); code != ExitPass {
		t.Fatalf("up after the interrupt: exit %d\n%s", code, stderr)
	}
	converged(t, root, "--var", "slow=true")
}

// Two runs on one environment at once: the second fails within seconds
// naming the holder, and unlock refuses while the holder lives.
func TestFaultConcurrentRuns(t *testing.T) {
	root := stackRepo(t)
	startEmulator(t, root)
	l := layoutFor(t, root, "dev", true)
	done := runAsync(t, root, "up", "--env", "dev", "--local", "--var", "slow=true")
	waitApplying(t, l.StatePath())
	holder := "locked by tfgate up (pid " + strconv.Itoa(os.Getpid())
	for _, args := range [][]string{{"apply", "--env", "dev", "--local"}, {"up", "--env", "dev", "--local"}} {
		start := time.Now()
		code, _, stderr := tfgate(t, root, nil, args...)
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("%s took %s to fail", args[0], took)
		}
		if code != ExitError || !strings.Contains(stderr, holder) {
			t.Errorf("second %s: exit %d, want 2 naming %q:\n%s", args[0], code, holder, stderr)
		}
	}
	code, _, stderr := tfgate(t, root, nil, "unlock", "--env", "dev", "--local")
	if code != ExitError || !strings.Contains(stderr, "unlock refused") || !strings.Contains(stderr, holder) {
		t.Errorf("unlock while the holder runs: exit %d\n%s", code, stderr)
	}
	if o := wait(t, done, 3*time.Minute, "the first up"); o.code != ExitPass {
		t.Errorf("the first up failed: %d\n%s", o.code, o.stderr)
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// tfgateBinary builds tfgate once, for faults that kill the whole process.
func tfgateBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "tfgate-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "tfgate")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/saprism/tfgate/cmd/tfgate").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("build tfgate: %v", binErr)
	}
	return binPath
}

// A run killed with SIGKILL (tfgate and its terraform): the lock it left is
// cleared by `tfgate unlock`, the state is readable, up converges.
func TestFaultKilledRunThenUnlock(t *testing.T) {
	root := stackRepo(t)
	startEmulator(t, root)
	bin := tfgateBinary(t)
	l := layoutFor(t, root, "dev", true)
	cmd := exec.Command(bin, "-C", root, "up", "--env", "dev", "--local", "--var", "slow=true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitApplying(t, l.StatePath())
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the whole group, as an OOM kill or a lost CI runner would
	cmd.Wait()
	holder, _ := os.ReadFile(l.LockPath())
	if !strings.Contains(string(holder), "tfgate up (pid "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("the killed run's lock file says %q", holder)
	}
	stateIntact(t, l.StatePath())
	code, _, stderr := tfgate(t, root, nil, "unlock", "--env", "dev", "--local")
	if code != ExitPass || !strings.Contains(stderr, "cleared the lock of tfgate up (pid "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("unlock: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(l.LockPath()); !os.IsNotExist(err) {
		t.Error("the lock file is still there")
	}
	if code, _, stderr := tfgate(t, root, nil, "up", "--env", "dev", "--local", "--var", "slow=true"); code != ExitPass {
		t.Fatalf("up after unlock: exit %d\n%s", code, stderr)
	}
	converged(t, root, "--var", "slow=true")
}

// The saved plan or its record edited after the gate, and policies
// tightened between plan and apply: apply refuses, saying what changed; the
// untouched pair applies (terraform show -json of the saved plan gives the
// JSON the gate saw at plan time).
func TestFaultSavedPlanOrRecordEdited(t *testing.T) {
	root := stackRepo(t)
	startEmulator(t, root)
	l := layoutFor(t, root, "dev", true)
	cfgPath := filepath.Join(root, "tfgate.yaml")
	baseCfg, _ := os.ReadFile(cfgPath)
	if code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local"); code != ExitPass {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	rec, err := gate.ReadRecord(l.PlanPath())
	if err != nil || len(rec.Findings) == 0 {
		t.Fatalf("record %v, %d findings: need an advisory finding to tighten", err, len(rec.Findings))
	}
	rule := rec.Findings[0].RuleID
	tighten := string(baseCfg) + "enforcement:\n  " + rule + ":\n    dev: deny\n"
	recPath := gate.RecordPath(l.PlanPath())
	recBytes, _ := os.ReadFile(recPath)
	planBytes, _ := os.ReadFile(l.PlanPath())
	restore := func() {
		os.WriteFile(recPath, recBytes, 0o644)
		os.WriteFile(l.PlanPath(), planBytes, 0o600)
		os.WriteFile(cfgPath, baseCfg, 0o644)
	}
	edit := func(m func(map[string]any)) {
		var doc map[string]any
		json.Unmarshal(recBytes, &doc)
		m(doc)
		data, _ := json.Marshal(doc)
		os.WriteFile(recPath, data, 0o644)
	}
	apply := func(name string, code int, want ...string) {
		t.Helper()
		got, _, stderr := tfgate(t, root, nil, "apply", "--env", "dev", "--local")
		if got != code {
			t.Errorf("%s: exit %d, want %d\n%s", name, got, code, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", name, w, stderr)
			}
		}
		if tfg.HasResources(l.StatePath()) {
			t.Fatalf("%s: the plan was applied", name)
		}
	}

	edit(func(d map[string]any) { d["policy_hash"] = strings.Repeat("0", 64) })
	apply("record from another policy set", ExitError, "apply refused", "changed", "policies (policy hash now")
	restore()

	os.WriteFile(cfgPath, []byte(tighten), 0o644)
	apply("policies tightened", ExitDenied, "denies this plan now", rule, "policies", "verdict (now fail")
	restore()

	f, _ := os.OpenFile(l.PlanPath(), os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte("x"))
	f.Close()
	apply("saved plan edited", ExitError, "tampered", "does not match")
	restore()

	// A plan the gate denied, its record edited to say pass.
	os.WriteFile(cfgPath, []byte(tighten), 0o644)
	if code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local"); code != ExitDenied {
		t.Fatalf("plan under the tightened policy: exit %d\n%s", code, stderr)
	}
	failed, _ := os.ReadFile(recPath)
	var doc map[string]any
	json.Unmarshal(failed, &doc)
	doc["verdict"], doc["summary"], doc["findings"] = "pass", map[string]any{}, []any{}
	data, _ := json.Marshal(doc)
	os.WriteFile(recPath, data, 0o644)
	apply("record edited to pass", ExitDenied, "denies this plan now", "the record says pass")

	// Policies as at plan time, plan and record untouched: applies.
	os.WriteFile(cfgPath, baseCfg, 0o644)
	if code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local"); code != ExitPass {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := tfgate(t, root, nil, "apply", "--env", "dev", "--local"); code != ExitPass || !strings.Contains(stderr, "matches its decision record") {
		t.Fatalf("untouched apply: exit %d\n%s", code, stderr)
	}
}

// mountTmpfs mounts a tmpfs (options e.g. "ro" or "size=64k") on dir for
// the test: a read-only or full file system even for root, which ignores
// permission bits.
func mountTmpfs(t *testing.T, dir, opts string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs on %s (needs CAP_SYS_ADMIN): %v %s", dir, err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

// .tfgate/ unwritable, or the disk full under it: a clear error, and
// nothing half-written that a later apply could take.
func TestFaultTfgateDirUnwritableOrFull(t *testing.T) {
	root := stackRepo(t)
	startEmulator(t, root)
	l := layoutFor(t, root, "dev", true)

	mountTmpfs(t, l.EnvDir(), "ro")
	code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local")
	if code != ExitError || !strings.Contains(stderr, "read-only file system") || !strings.Contains(stderr, ".tfgate/dev") {
		t.Errorf("read-only .tfgate/dev: exit %d\n%s", code, stderr)
	}
	if n := strings.Count(stderr, "tfgate: "); n != 1 {
		t.Errorf("%d error lines:\n%s", n, stderr)
	}
	exec.Command("umount", "-l", l.EnvDir()).Run()

	// Full: measure what a plan writes under .tfgate/dev (tmpfs counts
	// whole pages), then give it a quarter, half and 90% of that, so the
	// disk fills at different steps (init, plan, saved plan, record).
	if code, _, stderr := tfgate(t, root, nil, "plan", "--env", "dev", "--local"); code != ExitPass {
		t.Fatalf("plan: exit %d\n%s", code, stderr)
	}
	need := int64(0)
	filepath.WalkDir(l.EnvDir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				need += (info.Size() + 4095) / 4096 * 4096
			}
		}
		if err == nil && d.IsDir() {
			need += 4096
		}
		return nil
	})
	os.RemoveAll(l.EnvDir())
	t.Logf("a plan writes %d KiB under .tfgate/dev", need/1024)
	// With half or more, Terraform writes a truncated saved plan without
	// reporting the full disk; tfgate must still say the disk is full.
	for _, frac := range []int64{25, 50} {
		size := max(4096, need*frac/100/4096*4096)
		mountTmpfs(t, l.EnvDir(), "size="+strconv.FormatInt(size, 10))
		code, _, stderr = tfgate(t, root, nil, "plan", "--env", "dev", "--local")
		t.Logf("plan with %d bytes under .tfgate/dev: exit %d\n%s", size, code, stderr)
		if code != ExitError || !strings.Contains(stderr, "no space left on device") {
			t.Errorf("full .tfgate/dev (%d bytes): exit %d, want 2 saying no space left", size, code)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
			t.Error("a stack trace instead of a message")
		}
		filepath.WalkDir(l.EnvDir(), func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), ".tmp-") {
				t.Errorf("temporary file left: %s", p)
			}
			return nil
		})
		if _, err := os.Stat(gate.RecordPath(l.PlanPath())); err == nil {
			t.Errorf("a decision record was written on a full disk (%d bytes)", size)
		}
		if code, _, stderr := tfgate(t, root, nil, "apply", "--env", "dev", "--local"); code != ExitError {
			t.Errorf("apply after a plan on a full disk: exit %d\n%s", code, stderr)
		}
		exec.Command("umount", "-l", l.EnvDir()).Run()
	}

	// A report on a full disk: an error, and no partial report file.
	full := filepath.Join(t.TempDir(), "full")
	mountTmpfs(t, full, "size=4k")
	os.WriteFile(filepath.Join(full, "filler"), make([]byte, 4096), 0o644)
	code, _, stderr = tfgate(t, root, nil, "check", testdata(t, "rds_unprotected.json"), "--output", "sarif="+filepath.Join(full, "r.sarif"))
	if code != ExitError || !strings.Contains(stderr, "no space left on device") {
		t.Errorf("report on a full disk: exit %d\n%s", code, stderr)
	}
	if es, _ := os.ReadDir(full); len(es) != 1 {
		t.Errorf("files left on the full disk: %v", es)
	}
}
