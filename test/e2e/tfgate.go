package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/saprism/tfgate/internal/cli"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/test/internal/harness"
	"gopkg.in/yaml.v3"
)

// WriteRoot makes dir a tfgate project root for `tfgate -C dir`: its
// tfgate.yaml is the repository's (same enforcement, exceptions, policy
// dirs) with every path made absolute, so the stack and var files are the
// repository's but .tfgate/ (state, saved plans, emulator) lives in dir and
// never touches a developer's own environments.
func WriteRoot(t testing.TB, dir string) {
	t.Helper()
	real := harness.Config(t)
	c := *real
	c.TerraformDir = real.TerraformPath()
	c.ExceptionsFile = real.ExceptionsPath()
	c.PolicyDirs = real.PolicyPaths(nil)
	c.Environments = map[string]*config.Environment{}
	for name, e := range real.Environments {
		ne := *e
		ne.VarFiles = nil
		for _, f := range e.VarFiles {
			ne.VarFiles = append(ne.VarFiles, real.Abs(f))
		}
		c.Environments[name] = &ne
	}
	data, err := yaml.Marshal(&c)
	if err != nil {
		t.Fatalf("tfgate.yaml: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, config.FileName), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Tfgate runs one tfgate command in-process (cli.Run, exactly what the
// binary's main calls) against the project root dir and returns its exit
// code. Its output streams to the test log in -v mode; otherwise the last
// lines are logged when the command fails.
func Tfgate(t testing.TB, root string, args ...string) int {
	t.Helper()
	code, _ := run(t, root, args)
	return code
}

// emulatorCrash is how Terraform reports an exception inside moto (the
// emulator answers it with HTTP 501 EmulatorError, see package emulator).
const emulatorCrash = "api error EmulatorError:"

// Up runs `tfgate up ...` and, when it failed only because the emulator
// crashed inside a request (moto 5.2 intermittently answers SSM
// DescribeParameters with IndexError while parameters are being created),
// says so loudly and runs it once more: up converges from the state it
// left, and a second failure fails the test. tfgate itself reported the
// crash correctly; what the suite verifies is the stack, not moto.
func Up(t testing.TB, root string, args ...string) int {
	t.Helper()
	code, crashed := run(t, root, args)
	if code != 0 && crashed {
		t.Logf("RETRY: tfgate %s exited %d because the local emulator crashed inside a request (%q above): running it once more", strings.Join(args, " "), code, emulatorCrash)
		code, _ = run(t, root, args)
	}
	return code
}

func run(t testing.TB, root string, args []string) (code int, emulatorCrashed bool) {
	t.Helper()
	full := append([]string{"-C", root}, args...)
	w := &lineLog{t: t, live: testing.Verbose()}
	t.Logf("tfgate %s", strings.Join(args, " "))
	code = cli.Run(full, w, w)
	w.flush()
	if code != 0 && !w.live {
		t.Logf("tfgate %s exited %d; last output:\n%s", strings.Join(args, " "), code, w.tail())
	}
	return code, w.crashed
}

// lineLog keeps tfgate's output: live to the test log, or the last lines.
type lineLog struct {
	t     testing.TB
	live  bool
	mu    sync.Mutex
	buf   bytes.Buffer
	lines []string
	// crashed: a line reported an exception inside the emulator.
	crashed bool
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			break
		}
		l.add(strings.TrimRight(line, "\n"))
	}
	return len(p), nil
}

func (l *lineLog) add(line string) {
	if strings.Contains(line, emulatorCrash) {
		l.crashed = true
	}
	if l.live {
		l.t.Log(line)
		return
	}
	l.lines = append(l.lines, line)
	if len(l.lines) > 80 {
		l.lines = l.lines[len(l.lines)-80:]
	}
}

func (l *lineLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() > 0 {
		l.add(l.buf.String())
		l.buf.Reset()
	}
}

func (l *lineLog) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
