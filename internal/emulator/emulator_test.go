package emulator

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startTest starts an emulator on a free port in a temp state dir and stops it at cleanup.
func startTest(t *testing.T) *Emulator {
	t.Helper()
	if _, err := FindPython(context.Background(), ""); err != nil {
		t.Fatalf("the emulator tests need moto_server: %v", err)
	}
	e, err := Start(context.Background(), Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return e
}

// awsJSON sends an (unsigned but SigV4-shaped) JSON-protocol request as an SDK would.
func awsJSON(t *testing.T, e *Emulator, service, target, body string) (int, string) {
	t.Helper()
	return awsPost(t, e, service, body, map[string]string{
		"Content-Type": "application/x-amz-json-1.1",
		"X-Amz-Target": target,
	})
}

// awsPost posts body to the emulator with an Authorization header naming
// service, the only part of SigV4 moto reads to route a request.
func awsPost(t *testing.T, e *Emulator, service, body string, headers map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Endpoint()+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/"+service+"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func TestStartAttachStatusStop(t *testing.T) {
	if _, err := FindPython(context.Background(), ""); err != nil {
		t.Fatalf("the emulator tests need moto_server: %v", err)
	}
	dir := t.TempDir()
	e, err := Start(context.Background(), Options{StateDir: dir})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer e.Stop()
	if !strings.HasPrefix(e.Endpoint(), "http://127.0.0.1:") {
		t.Fatalf("endpoint %q is not on 127.0.0.1", e.Endpoint())
	}
	if _, err := Start(context.Background(), Options{StateDir: dir}); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("second Start in the same state dir: got %v, want 'already running'", err)
	}
	a, err := Attach(dir)
	if err != nil {
		t.Fatalf("Attach: %v", err)
	}
	if a.PID() != e.PID() || a.Endpoint() != e.Endpoint() {
		t.Fatalf("Attach = pid %d %s, want pid %d %s", a.PID(), a.Endpoint(), e.PID(), e.Endpoint())
	}
	st, err := Status(dir)
	if err != nil || !st.Running || st.Port != e.Port() {
		t.Fatalf("Status = %+v, %v; want running on port %d", st, err, e.Port())
	}
	// Stop through the attached handle, as `tfgate local stop` does from another process.
	if err := a.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-e.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("process still running after Stop")
	}
	if processAlive(e.PID()) {
		t.Fatalf("pid %d alive after Stop", e.PID())
	}
	if _, err := Attach(dir); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Attach after Stop: %v, want ErrNotRunning", err)
	}
	if st, err := Status(dir); err != nil || st.Running {
		t.Fatalf("Status after Stop = %+v, %v", st, err)
	}
	if _, err := net.DialTimeout("tcp", net.JoinHostPort(Host, strconv.Itoa(e.Port())), time.Second); err == nil {
		t.Fatalf("port %d still accepts connections after Stop", e.Port())
	}
}

func TestStartPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	_, err = Start(context.Background(), Options{StateDir: t.TempDir(), Port: port})
	if err == nil || !strings.Contains(err.Error(), strconv.Itoa(port)) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("Start on a busy port: %v; want an error naming port %d", err, port)
	}
}

func TestFindPythonMissingMoto(t *testing.T) {
	_, err := FindPython(context.Background(), "/nonexistent/python3")
	if err == nil || !strings.Contains(err.Error(), "moto") {
		t.Fatalf("missing interpreter: %v", err)
	}
	// An interpreter that exists but lacks moto: `true` exits 0 without importing, so use `false`.
	f, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no `false` binary")
	}
	_, err = FindPython(context.Background(), f)
	if err == nil || !strings.Contains(err.Error(), "does not run as Python 3") {
		t.Fatalf("interpreter without moto: %v", err)
	}
}

func TestStartFailureShowsLogTail(t *testing.T) {
	// A "python" that prints a message and exits: Start must fail fast with that message.
	dir := t.TempDir()
	fake := dir + "/fakepython"
	script := "#!/bin/sh\ncase \"$2\" in *import*) echo 5.2.1; exit 0;; esac\necho 'boom: launcher exploded' >&2\nexit 3\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{StateDir: dir + "/state", Python: fake, ReadyTimeout: 20 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "boom: launcher exploded") {
		t.Fatalf("Start with a dying launcher: %v; want the log tail", err)
	}
}

func TestNotImplementedFailsFast(t *testing.T) {
	e := startTest(t)
	cases := []struct{ service, target, want string }{
		// an operation moto's logs backend lacks
		{"logs", "Logs_20140328.GetLogAnomalyDetector", "logs GetLogAnomalyDetector is not implemented by the local emulator"},
		// a service moto lacks entirely
		{"codeguru-reviewer", "AWSCodeGuruReviewer.ListRepositoryAssociations", "codeguru-reviewer ListRepositoryAssociations is not implemented"},
	}
	for _, c := range cases {
		start := time.Now()
		status, body := awsJSON(t, e, c.service, c.target, `{"anomalyDetectorArn":"arn:aws:logs:us-east-1:123456789012:anomaly-detector:x"}`)
		if status != http.StatusNotImplemented || !strings.Contains(body, `"__type": "NotImplemented"`) || !strings.Contains(body, c.want) {
			t.Errorf("%s: status %d body %s; want 501 naming %q", c.target, status, body, c.want)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %s", c.target, d)
		}
	}
}

func TestResetAndResources(t *testing.T) {
	e := startTest(t)
	ctx := context.Background()
	res, err := e.Resources(ctx)
	if err != nil || len(res) != 0 {
		t.Fatalf("fresh emulator holds %v (%v)", res, err)
	}
	// Touch EC2 (builds its default VPC, which must not count) and create a VPC and a query definition.
	if status, body := awsQuery(t, e, "ec2", "Action=CreateVpc&Version=2016-11-15&CidrBlock=10.9.0.0%2F16"); status != 200 {
		t.Fatalf("CreateVpc: %d %s", status, body)
	}
	if status, body := awsJSON(t, e, "logs", "Logs_20140328.PutQueryDefinition", `{"name":"n","queryString":"fields @message"}`); status != 200 {
		t.Fatalf("PutQueryDefinition: %d %s", status, body)
	}
	res, err = e.Resources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range res {
		got[r.Service+"/"+r.Type] = true
	}
	for _, want := range []string{"ec2/VPC", "logs/QueryDefinition"} {
		if !got[want] {
			t.Errorf("Resources misses %s: %v", want, res)
		}
	}
	if err := e.Reset(ctx); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if res, err := e.Resources(ctx); err != nil || len(res) != 0 {
		t.Fatalf("after Reset the emulator holds %v (%v)", res, err)
	}
}

func awsQuery(t *testing.T, e *Emulator, service, form string) (int, string) {
	t.Helper()
	return awsPost(t, e, service, form, map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
}

// TestExtensions runs testdata/test_extensions.py (boto3 against this emulator, one test case
// per extension behaviour) and fails with its output.
func TestExtensions(t *testing.T) {
	// Read the script here so `go test`'s cache is invalidated when it changes (the Python
	// child's file reads are invisible to the cache).
	if _, err := os.ReadFile("testdata/test_extensions.py"); err != nil {
		t.Fatal(err)
	}
	e := startTest(t)
	python, _ := FindPython(context.Background(), "")
	args := []string{"-m", "unittest", "-v", "test_extensions"}
	if f := os.Getenv("TFGATE_EXT_TEST"); f != "" { // e.g. TFGATE_EXT_TEST=test_extensions.XRay
		args = []string{"-m", "unittest", "-v", f}
	}
	cmd := exec.Command(python, args...)
	cmd.Dir = "testdata"
	cmd.Env = append(e.Env(os.Environ()), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("extension tests failed (%v):\n%s\nemulator log tail:\n%s", err, out, e.LogTail(30))
	}
	t.Logf("%s", out)
}

// TestRestoreRunbook runs testdata/test_restore_runbook.py: the API calls of
// docs/restore-runbook.md (point-in-time and snapshot restore into a new
// instance, the switch, the clean-up) against a fresh emulator, and the
// AWS Backup restore-job calls the emulator cannot do, asserted as such.
func TestRestoreRunbook(t *testing.T) {
	if _, err := os.ReadFile("testdata/test_restore_runbook.py"); err != nil {
		t.Fatal(err)
	}
	e := startTest(t)
	python, _ := FindPython(context.Background(), "")
	cmd := exec.Command(python, "-m", "unittest", "-v", "test_restore_runbook")
	cmd.Dir = "testdata"
	cmd.Env = append(e.Env(os.Environ()), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("restore runbook on the emulator failed (%v):\n%s\nemulator log tail:\n%s", err, out, e.LogTail(30))
	}
	t.Logf("%s", out)
}

func TestStopRecordedHungEmulator(t *testing.T) {
	if _, err := FindPython(context.Background(), ""); err != nil {
		t.Fatalf("the emulator tests need moto_server: %v", err)
	}
	dir := t.TempDir()
	e, err := Start(context.Background(), Options{StateDir: dir})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer e.Stop()
	if err := syscall.Kill(e.PID(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(dir); err == nil || errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "does not answer") {
		t.Fatalf("Attach to a hung emulator: %v; want a 'does not answer' error", err)
	}
	if _, err := Start(context.Background(), Options{StateDir: dir}); err == nil || !strings.Contains(err.Error(), "local stop") {
		t.Fatalf("Start over a hung emulator: %v; want advice to stop it", err)
	}
	if err := StopRecorded(dir); err != nil {
		t.Fatalf("StopRecorded: %v", err)
	}
	select {
	case <-e.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("hung emulator still running after StopRecorded")
	}
	if _, err := os.Stat(dir + "/emulator.json"); !os.IsNotExist(err) {
		t.Fatalf("record left behind: %v", err)
	}
}
