// Package emulator runs tfgate's local AWS: moto_server (moto 5.2) started through an embedded
// Python launcher that loads tfgate's moto extensions in-process (see py/tfgate_ext) and answers
// operations moto lacks with HTTP 501 instead of a 500 the AWS provider retries for minutes.
//
// API used by internal/run (`tfgate local start|stop|status|reset`, `--local` mode):
//
//	e, err := emulator.Start(ctx, emulator.Options{StateDir: config.EmulatorDir(root)}) // Port 0 = free port
//	env := e.Env(os.Environ())            // AWS_ENDPOINT_URL, fake credentials; strips real ones
//	err = emulator.CheckLocalSafety(env)  // refuse non-loopback endpoints / real-looking credentials
//	e.Reset(ctx)                          // POST /moto-api/reset: empty every service
//	res, err := e.Resources(ctx)          // what the emulator holds beyond its defaults
//	e.Stop()                              // SIGTERM the process group, wait, remove pid file
//
// From another process (`tfgate local status|stop`): Attach(stateDir) returns the running
// emulator recorded in <StateDir>/emulator.json (pid, port) or ErrNotRunning; Status(stateDir)
// reports without failing; StopRecorded(stateDir) stops a recorded emulator even when it no
// longer answers. The state dir holds emulator.json (+ emulator.pid), emulator.log (moto's
// output, the first place to look when it dies), requests.log (Options.RequestLog) and py/ (the
// launcher, rewritten on every start).
//
// Operations moto lacks, and crashes inside moto, answer HTTP 501 with a JSON body
// {"__type":"NotImplemented"|"EmulatorError","message":"<service> <Operation> ..."}, which
// Terraform reports within seconds instead of retrying a 500 for ten minutes.
//
// The endpoint is always http://127.0.0.1:PORT, never localhost: with localhost S3 goes
// virtual-host style and refresh silently drops buckets.
package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Host is the only address the emulator listens on.
const Host = "127.0.0.1"

// ErrNotRunning is returned by Attach when no live emulator is recorded in the state dir.
var ErrNotRunning = errors.New("local emulator is not running")

// Options configure Start.
type Options struct {
	StateDir     string        // required; created if missing
	Port         int           // 0 picks a free loopback port
	Python       string        // interpreter; default: see LocatePython
	NoInstall    bool          // never create tfgate's venv (--no-install, TFGATE_NO_INSTALL)
	Progress     io.Writer     // optional: where the interpreter came from, venv install progress
	LogWriter    io.Writer     // optional: also receives moto's output (besides emulator.log)
	ReadyTimeout time.Duration // default 60s
	RequestLog   bool          // write one JSON line per request to <StateDir>/requests.log
}

// Emulator is a running (or attached) local AWS.
type Emulator struct {
	stateDir string
	port     int
	pid      int
	cmd      *exec.Cmd     // nil when attached from another process
	done     chan struct{} // closed when cmd exits (owned process only)
	waitErr  error
	logFile  *os.File
}

// record is persisted as <StateDir>/emulator.json.
type record struct {
	PID       int       `json:"pid"`
	Port      int       `json:"port"`
	Endpoint  string    `json:"endpoint"`
	StartedAt time.Time `json:"started_at"`
}

const (
	recordFile = "emulator.json"
	pidFile    = "emulator.pid"
	logFile    = "emulator.log"
)

// Start writes the launcher under StateDir and starts moto on 127.0.0.1. It returns once the
// emulator answers its health probe, or an error carrying the tail of its log.
func Start(ctx context.Context, o Options) (*Emulator, error) {
	if o.StateDir == "" {
		return nil, errors.New("emulator: StateDir is required")
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 60 * time.Second
	}
	if err := os.MkdirAll(o.StateDir, 0o755); err != nil {
		return nil, fmt.Errorf("emulator: state dir: %w", err)
	}
	if running, err := Attach(o.StateDir); err == nil {
		return nil, fmt.Errorf("emulator: already running (pid %d) at %s; stop it first with `tfgate local stop`", running.pid, running.Endpoint())
	} else if !errors.Is(err, ErrNotRunning) {
		return nil, fmt.Errorf("%w; stop it first with `tfgate local stop`", err)
	}
	in, err := LocatePython(ctx, PythonOptions{Explicit: o.Python, NoInstall: o.NoInstall, Progress: o.Progress})
	if err != nil {
		return nil, err
	}
	python := in.Path
	if o.Progress != nil && !in.Installed {
		fmt.Fprintf(o.Progress, "emulator: %s\n", in.Describe())
	}
	port := o.Port
	if port == 0 {
		if port, err = FreePort(); err != nil {
			return nil, err
		}
	} else if err := checkPortFree(port); err != nil {
		return nil, err
	}
	launcher, err := writeLauncher(o.StateDir)
	if err != nil {
		return nil, err
	}
	lf, err := os.OpenFile(filepath.Join(o.StateDir, logFile), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("emulator: log file: %w", err)
	}
	args := []string{"-u", launcher, "--host", Host, "--port", strconv.Itoa(port)}
	if o.RequestLog {
		args = append(args, "--request-log", filepath.Join(o.StateDir, "requests.log"))
	}
	// Not CommandContext: the emulator outlives Start's ctx (e.g. `tfgate local start`).
	cmd := exec.Command(python, args...)
	cmd.Env = launcherEnv(os.Environ())
	var out io.Writer = lf
	if o.LogWriter != nil {
		out = io.MultiWriter(lf, o.LogWriter)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("emulator: start %s: %w", python, err)
	}
	e := &Emulator{stateDir: o.StateDir, port: port, pid: cmd.Process.Pid, cmd: cmd, done: make(chan struct{}), logFile: lf}
	go func() {
		e.waitErr = cmd.Wait()
		close(e.done)
	}()
	if err := e.waitReady(ctx, o.ReadyTimeout); err != nil {
		e.Stop()
		return nil, err
	}
	rec := record{PID: e.pid, Port: port, Endpoint: e.Endpoint(), StartedAt: time.Now().UTC()}
	data, _ := json.MarshalIndent(rec, "", "  ")
	if err := os.WriteFile(filepath.Join(o.StateDir, recordFile), data, 0o644); err != nil {
		e.Stop()
		return nil, fmt.Errorf("emulator: write %s: %w", recordFile, err)
	}
	// A plain pid file too, for tools that expect one (kill $(cat emulator.pid)).
	_ = os.WriteFile(filepath.Join(o.StateDir, pidFile), []byte(strconv.Itoa(e.pid)+"\n"), 0o644)
	return e, nil
}

func (e *Emulator) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-e.done:
			return fmt.Errorf("emulator exited during start-up (%v); last lines of %s:\n%s",
				e.waitErr, filepath.Join(e.stateDir, logFile), e.LogTail(20))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if e.healthy(ctx, client) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("emulator not ready on %s after %s; last lines of %s:\n%s",
				e.Endpoint(), timeout, filepath.Join(e.stateDir, logFile), e.LogTail(20))
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func (e *Emulator) healthy(ctx context.Context, client *http.Client) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Endpoint()+"/tfgate/health", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var h struct {
		OK bool `json:"ok"`
	}
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(&h) == nil && h.OK
}

// Endpoint is the base URL, e.g. http://127.0.0.1:40123.
func (e *Emulator) Endpoint() string { return fmt.Sprintf("http://%s:%d", Host, e.port) }

// Port the emulator listens on.
func (e *Emulator) Port() int { return e.port }

// PID of the emulator process (leader of its own process group).
func (e *Emulator) PID() int { return e.pid }

// StateDir the emulator records itself in.
func (e *Emulator) StateDir() string { return e.stateDir }

// LogTail returns the last n lines of the emulator log.
func (e *Emulator) LogTail(n int) string {
	data, err := os.ReadFile(filepath.Join(e.stateDir, logFile))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Stop terminates the emulator (SIGTERM to its process group, SIGKILL after 10 s), waits for it
// to exit and removes the record. Safe to call twice and on an attached emulator.
func (e *Emulator) Stop() error {
	defer func() {
		if e.logFile != nil {
			e.logFile.Close()
			e.logFile = nil
		}
	}()
	if e.pid <= 0 {
		return nil
	}
	_ = syscall.Kill(-e.pid, syscall.SIGTERM)
	_ = syscall.Kill(-e.pid, syscall.SIGCONT) // a stopped (SIGSTOP/Ctrl-Z) process must see it
	exited := e.waitExit(10 * time.Second)
	if !exited {
		_ = syscall.Kill(-e.pid, syscall.SIGKILL)
		if !e.waitExit(5 * time.Second) {
			return fmt.Errorf("emulator: pid %d did not exit after SIGKILL", e.pid)
		}
	}
	e.removeRecord()
	return nil
}

func (e *Emulator) waitExit(d time.Duration) bool {
	if e.done != nil {
		select {
		case <-e.done:
			return true
		case <-time.After(d):
			return false
		}
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !processAlive(e.pid) {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return !processAlive(e.pid)
}

func (e *Emulator) removeRecord() {
	path := filepath.Join(e.stateDir, recordFile)
	if rec, err := readRecord(e.stateDir); err == nil && rec.PID == e.pid {
		_ = os.Remove(path)
		_ = os.Remove(filepath.Join(e.stateDir, pidFile))
	}
}

// Exited is closed when an emulator started by this process exits (nil for attached ones).
func (e *Emulator) Exited() <-chan struct{} { return e.done }

// Attach returns the emulator recorded in stateDir if its process is alive and answers the
// health probe; a stale record is removed and ErrNotRunning returned.
func Attach(stateDir string) (*Emulator, error) {
	rec, err := readRecord(stateDir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotRunning
		}
		return nil, err
	}
	e := &Emulator{stateDir: stateDir, port: rec.Port, pid: rec.PID}
	if rec.PID <= 0 || !processAlive(rec.PID) || !isLauncher(rec.PID) {
		_ = os.Remove(filepath.Join(stateDir, recordFile))
		return nil, ErrNotRunning
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !e.healthy(ctx, &http.Client{Timeout: 2 * time.Second}) {
		return nil, fmt.Errorf("emulator pid %d is alive but does not answer on %s; see %s",
			rec.PID, e.Endpoint(), filepath.Join(stateDir, logFile))
	}
	return e, nil
}

// StopRecorded stops the emulator recorded in stateDir even when it no longer answers (hung or
// half-started), provided the recorded pid is still tfgate's launcher. No record → nil.
func StopRecorded(stateDir string) error {
	rec, err := readRecord(stateDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if rec.PID <= 0 || !processAlive(rec.PID) || !isLauncher(rec.PID) {
		_ = os.Remove(filepath.Join(stateDir, recordFile))
		_ = os.Remove(filepath.Join(stateDir, pidFile))
		return nil
	}
	return (&Emulator{stateDir: stateDir, port: rec.Port, pid: rec.PID}).Stop()
}

// isLauncher guards against a recycled pid: the process must be running tfgate_launcher.py.
func isLauncher(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return true // no procfs (not Linux): rely on the health probe
	}
	return bytes.Contains(data, []byte("tfgate_launcher.py"))
}

// State is what Status reports.
type State struct {
	Running  bool
	PID      int
	Port     int
	Endpoint string
	Since    time.Time
	LogPath  string
}

// Status describes the emulator recorded in stateDir; Running is false when there is none.
func Status(stateDir string) (State, error) {
	st := State{LogPath: filepath.Join(stateDir, logFile)}
	e, err := Attach(stateDir)
	if errors.Is(err, ErrNotRunning) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	rec, _ := readRecord(stateDir)
	st.Running, st.PID, st.Port, st.Endpoint, st.Since = true, e.pid, e.port, e.Endpoint(), rec.StartedAt
	return st, nil
}

func readRecord(stateDir string) (record, error) {
	var rec record
	data, err := os.ReadFile(filepath.Join(stateDir, recordFile))
	if err != nil {
		return rec, err
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, fmt.Errorf("emulator: %s: %w", filepath.Join(stateDir, recordFile), err)
	}
	return rec, nil
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// A zombie (exited, not yet reaped) still accepts signal 0.
	if data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		if i := bytes.LastIndexByte(data, ')'); i > 0 && i+2 < len(data) && data[i+2] == 'Z' {
			return false
		}
	}
	return true
}

// Reset empties every service (moto's POST /moto-api/reset, plus the extensions' own state).
func (e *Emulator) Reset(ctx context.Context) error {
	_, err := e.call(ctx, http.MethodPost, "/moto-api/reset")
	return err
}

// Resource is one object the emulator holds that was not there when its backend was created.
type Resource struct {
	Service string `json:"service"`
	Region  string `json:"region"`
	Type    string `json:"type"`
	ID      string `json:"id"`
}

func (r Resource) String() string { return r.Service + " " + r.Type + " " + r.ID }

// Resources lists what clients created and did not delete (defaults such as the default VPC
// and AWS-managed IAM policies are excluded). Empty after a complete destroy.
func (e *Emulator) Resources(ctx context.Context) ([]Resource, error) {
	body, err := e.call(ctx, http.MethodGet, "/tfgate/resources")
	if err != nil {
		return nil, err
	}
	var out struct {
		Resources []Resource `json:"resources"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("emulator: resources: %w", err)
	}
	return out.Resources, nil
}

func (e *Emulator) call(ctx context.Context, method, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, e.Endpoint()+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("emulator %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("emulator %s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// FreePort is a port on 127.0.0.1 nobody listens on (for the emulator).
func FreePort() (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(Host, "0"))
	if err != nil {
		return 0, fmt.Errorf("emulator: no free port on %s: %w", Host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func checkPortFree(port int) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("emulator: port %d out of range 1-65535", port)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(Host, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("emulator: port %d on %s is already in use; pick another with --port or use 0 for a free one", port, Host)
	}
	return l.Close()
}
