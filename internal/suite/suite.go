// Package suite runs tfgate's Terratest suites in test/ with `go test
// -json`: it prints a readable log (failures in full, passes as one line)
// and writes the results as JUnit XML in internal/report's model.
package suite

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/saprism/tfgate/internal/report"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Suite is one Terratest suite: a package under the repository root and
// its -run pattern.
type Suite struct {
	Name string
	Dir  string // relative to the repository root
	Run  string // go test -run, "" for all
}

// All lists the suites in the order `tfgate test` runs them.
var All = []Suite{
	{"plan", "test/plan", ""},
	{"policy", "test/policy", ""},
	{"e2e-local", "test/e2e", "Local"},
	{"e2e-aws", "test/e2e", "AWS"},
}

// Defaults are run when no suite is named (e2e-aws only on request: it
// needs real AWS credentials and costs money).
var Defaults = []string{"plan", "policy", "e2e-local"}

// Names lists the suite names for messages.
func Names() string {
	var n []string
	for _, s := range All {
		n = append(n, s.Name)
	}
	return strings.Join(n, ", ")
}

// Resolve maps a suite name ("" for the defaults) to suites with Go tests
// under root; a suite asked for by name must have them, defaults that do
// not are returned as missing.
func Resolve(root, name string) ([]Suite, []string, error) {
	names := Defaults
	if name != "" {
		names = []string{name}
	}
	var out []Suite
	var missing []string
	for _, n := range names {
		i := indexOf(n)
		if i < 0 {
			return nil, nil, fmt.Errorf("--suite %q: unknown suite (want one of %s)", n, Names())
		}
		s := All[i]
		switch {
		case hasGoTests(filepath.Join(root, s.Dir)):
			out = append(out, s)
		case name != "":
			return nil, nil, fmt.Errorf("suite %s: no Go tests in %s", n, s.Dir)
		default:
			missing = append(missing, n)
		}
	}
	return out, missing, nil
}

func indexOf(name string) int {
	for i, s := range All {
		if s.Name == name {
			return i
		}
	}
	return -1
}

func hasGoTests(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	return len(m) > 0
}

// Options of one `tfgate test`.
type Options struct {
	Root    string // repository root
	Name    string // one suite, "" for the defaults
	JUnit   string // JUnit XML file, "" for none
	Verbose bool   // print every test's output
	Stdout  io.Writer
	Stderr  io.Writer
}

// FailedError means tests ran and some failed (exit 1, not 2).
type FailedError struct{ Failed int }

func (e *FailedError) Error() string {
	if e.Failed == 1 {
		return "test: 1 test failed"
	}
	return fmt.Sprintf("test: %d tests failed", e.Failed)
}

// Run runs the suites. A *FailedError means tests failed; any other error
// that they could not run.
func Run(ctx context.Context, o Options) error {
	suites, missing, err := Resolve(o.Root, o.Name)
	if err != nil {
		return err
	}
	for _, m := range missing {
		fmt.Fprintf(o.Stderr, "test: suite %s has no tests yet; skipping it\n", m)
	}
	if len(suites) == 0 {
		return fmt.Errorf("test: no suite to run in %s", filepath.Join(o.Root, "test"))
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return errors.New("test: the go toolchain is not on PATH (the suites run with go test)")
	}
	env := os.Environ()
	if os.Getenv(tfg.PluginDirEnv) == "" {
		if dir, _, err := tfg.PluginDir(""); err == nil && dir != "" {
			env = append(env, tfg.PluginDirEnv+"="+dir)
		}
	}
	col := newCollector()
	for _, s := range suites {
		args := []string{"test", "-json", "-count=1", "-timeout", "75m", "./" + s.Dir + "/..."}
		if s.Run != "" {
			args = append(args, "-run", s.Run)
		}
		fmt.Fprintf(o.Stderr, "test: go %s\n", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Dir, cmd.Env = o.Root, env
		cmd.Stderr = o.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return fmt.Errorf("test: %w", err)
		}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("test: %w", err)
		}
		col.read(out, o.Stdout, o.Verbose)
		werr := cmd.Wait()
		if werr != nil && col.failed == 0 && ctx.Err() == nil {
			// go test failed without a failing test: a build error.
			col.buildFailed = true
		}
	}
	if o.JUnit != "" {
		if err := col.writeJUnit(o.JUnit); err != nil {
			return fmt.Errorf("--junit %s: %w", o.JUnit, err)
		}
	}
	fmt.Fprintf(o.Stdout, "test: %d passed, %d failed, %d skipped\n", col.passed, col.failed, col.skipped)
	switch {
	case col.buildFailed:
		return errors.New("test: the suites did not build or run (see above)")
	case col.failed > 0:
		return &FailedError{Failed: col.failed}
	}
	return nil
}

// testEvent is one line of `go test -json`.
type testEvent struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
}

type testCase struct {
	pkg, name string
	status    string // pass fail skip
	elapsed   float64
	output    strings.Builder
}

type collector struct {
	cases       map[string]*testCase
	order       []string
	pkgOutput   map[string]*strings.Builder
	passed      int
	failed      int
	skipped     int
	buildFailed bool
}

func newCollector() *collector {
	return &collector{cases: map[string]*testCase{}, pkgOutput: map[string]*strings.Builder{}}
}

func (c *collector) read(r io.Reader, w io.Writer, verbose bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		var ev testEvent
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			fmt.Fprintln(w, sc.Text())
			continue
		}
		c.add(ev, w, verbose)
	}
}

func (c *collector) add(ev testEvent, w io.Writer, verbose bool) {
	if ev.Test == "" {
		switch ev.Action {
		case "output":
			b := c.pkgOutput[ev.Package]
			if b == nil {
				b = &strings.Builder{}
				c.pkgOutput[ev.Package] = b
			}
			b.WriteString(ev.Output)
			if verbose || strings.HasPrefix(ev.Output, "FAIL") || strings.HasPrefix(ev.Output, "ok") || strings.Contains(ev.Output, "[build failed]") || strings.Contains(ev.Output, "[setup failed]") {
				fmt.Fprint(w, ev.Output)
			}
		case "fail":
			if b := c.pkgOutput[ev.Package]; b != nil && (strings.Contains(b.String(), "panic:") || strings.Contains(b.String(), "[build failed]")) {
				c.buildFailed = true
			}
		}
		return
	}
	key := ev.Package + "\x00" + ev.Test
	tc := c.cases[key]
	if tc == nil {
		tc = &testCase{pkg: ev.Package, name: ev.Test}
		c.cases[key] = tc
		c.order = append(c.order, key)
	}
	switch ev.Action {
	case "output":
		tc.output.WriteString(ev.Output)
		if verbose {
			fmt.Fprint(w, ev.Output)
		}
	case "pass", "fail", "skip":
		tc.status, tc.elapsed = ev.Action, ev.Elapsed
		switch ev.Action {
		case "pass":
			c.passed++
		case "fail":
			c.failed++
			if !verbose {
				fmt.Fprint(w, tc.output.String())
			}
		case "skip":
			c.skipped++
		}
	}
}

// junit builds the JUnit document: one suite per Go package.
func (c *collector) junit() report.JUnitSuites {
	byPkg := map[string]*report.JUnitSuite{}
	elapsed := map[string]float64{}
	var pkgs []string
	for _, key := range c.order {
		tc := c.cases[key]
		if tc.status == "" {
			tc.status = "fail" // started, never finished: a timeout or a crash
		}
		s := byPkg[tc.pkg]
		if s == nil {
			s = &report.JUnitSuite{Name: tc.pkg}
			byPkg[tc.pkg] = s
			pkgs = append(pkgs, tc.pkg)
		}
		jc := report.JUnitCase{Name: tc.name, Classname: tc.pkg, Time: fmt.Sprintf("%.3f", tc.elapsed)}
		switch tc.status {
		case "fail":
			jc.Failure = &report.JUnitFailure{Message: "test failed", Type: "fail", Text: tc.output.String()}
			s.Failures++
		case "skip":
			// The skip reason is in the test's output.
			jc.Skipped = &report.JUnitSkipped{Message: "skipped"}
			jc.SystemOut = &report.JUnitText{Text: tc.output.String()}
			s.Skipped++
		}
		s.Tests++
		elapsed[tc.pkg] += tc.elapsed
		s.Cases = append(s.Cases, jc)
	}
	sort.Strings(pkgs)
	doc := report.JUnitSuites{Name: "tfgate test"}
	var total float64
	for _, p := range pkgs {
		s := byPkg[p]
		s.Time = fmt.Sprintf("%.3f", elapsed[p])
		total += elapsed[p]
		doc.Suites = append(doc.Suites, *s)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	doc.Time = fmt.Sprintf("%.3f", total)
	return doc
}

func (c *collector) writeJUnit(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = report.WriteJUnit(f, c.junit())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
