package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	tfg "github.com/saprism/tfgate/internal/terraform"
)

// suite is one Terratest suite: the first candidate package that exists
// under the repository root is run, with its -run pattern.
type suite struct {
	name       string
	candidates []suitePkg
}

type suitePkg struct {
	dir string // relative to the repository root
	run string // go test -run, "" for all
}

// suites in the order `tfgate test` runs them by default (e2e-aws only on
// request: it needs real AWS credentials and costs money).
var suites = []suite{
	{"plan", []suitePkg{{"test/plan", ""}}},
	{"policy", []suitePkg{{"test/policy", ""}}},
	{"e2e-local", []suitePkg{{"test/e2e_local", ""}, {"test/e2elocal", ""}, {"test/e2e", "Local"}}},
	{"e2e-aws", []suitePkg{{"test/e2e_aws", ""}, {"test/e2eaws", ""}, {"test/e2e", "AWS"}}},
}

var defaultSuites = []string{"plan", "policy", "e2e-local"}

func suiteNames() string {
	var n []string
	for _, s := range suites {
		n = append(n, s.name)
	}
	return strings.Join(n, ", ")
}

// resolveSuites maps suite names to packages that exist; a suite asked for
// by name must exist, defaults that do not are reported and left out.
func resolveSuites(root, name string) ([]suitePkg, []string, error) {
	names := defaultSuites
	if name != "" {
		names = []string{name}
	}
	var pkgs []suitePkg
	var missing []string
	for _, n := range names {
		var s *suite
		for i := range suites {
			if suites[i].name == n {
				s = &suites[i]
			}
		}
		if s == nil {
			return nil, nil, failf("--suite %q: unknown suite (want one of %s)", n, suiteNames())
		}
		found := false
		for _, c := range s.candidates {
			if hasGoTests(filepath.Join(root, c.dir)) {
				pkgs = append(pkgs, c)
				found = true
				break
			}
		}
		if !found {
			var dirs []string
			for _, c := range s.candidates {
				dirs = append(dirs, c.dir)
			}
			if name != "" {
				return nil, nil, failf("suite %s: no Go tests in %s", n, strings.Join(dirs, " or "))
			}
			missing = append(missing, n)
		}
	}
	return pkgs, missing, nil
}

func hasGoTests(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
	return len(m) > 0
}

// runSuites runs `go test -json` on the suites, prints a readable log and
// writes JUnit XML. Exit 1 when a test fails, 2 when they cannot run.
func (a *App) runSuites(ctx context.Context, name, junit string, verbose bool) error {
	root, err := a.findRoot()
	if err != nil {
		return err
	}
	pkgs, missing, err := resolveSuites(root, name)
	if err != nil {
		return err
	}
	for _, m := range missing {
		a.infof("test: suite %s has no tests yet; skipping it", m)
	}
	if len(pkgs) == 0 {
		return failf("test: no suite to run in %s", filepath.Join(root, "test"))
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return failf("test: the go toolchain is not on PATH (the suites run with go test)")
	}
	env := os.Environ()
	if os.Getenv(tfg.PluginDirEnv) == "" {
		if dir, _, err := tfg.PluginDir(""); err == nil && dir != "" {
			env = append(env, tfg.PluginDirEnv+"="+dir)
		}
	}
	col := newCollector()
	for _, p := range pkgs {
		args := []string{"test", "-json", "-count=1", "-timeout", "75m", "./" + p.dir + "/..."}
		if p.run != "" {
			args = append(args, "-run", p.run)
		}
		a.infof("test: go %s", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Dir, cmd.Env = root, env
		cmd.Stderr = a.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return failf("test: %v", err)
		}
		if err := cmd.Start(); err != nil {
			return failf("test: %v", err)
		}
		col.read(out, a.Stdout, verbose)
		werr := cmd.Wait()
		if werr != nil && col.failed == 0 && ctx.Err() == nil {
			// go test failed without a failing test: a build error.
			col.buildFailed = true
		}
	}
	if junit != "" {
		if err := col.writeJUnit(junit); err != nil {
			return failf("--junit %s: %v", junit, err)
		}
	}
	fmt.Fprintf(a.Stdout, "test: %d passed, %d failed, %d skipped\n", col.passed, col.failed, col.skipped)
	switch {
	case col.buildFailed:
		return failf("test: the suites did not build or run (see above)")
	case col.failed > 0:
		return &exitError{code: ExitDenied, err: fmt.Errorf("test: %s failed", plural(col.failed, "test"))}
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

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

func (c *collector) writeJUnit(path string) error {
	byPkg := map[string]*junitSuite{}
	var pkgs []string
	total := junitSuites{}
	for _, key := range c.order {
		tc := c.cases[key]
		if tc.status == "" {
			tc.status = "fail" // started, never finished: a timeout or a crash
		}
		s := byPkg[tc.pkg]
		if s == nil {
			s = &junitSuite{Name: tc.pkg}
			byPkg[tc.pkg] = s
			pkgs = append(pkgs, tc.pkg)
		}
		jc := junitCase{Name: tc.name, Classname: tc.pkg, Time: fmt.Sprintf("%.3f", tc.elapsed)}
		switch tc.status {
		case "fail":
			jc.Failure = &junitMessage{Message: "test failed", Body: tc.output.String()}
			s.Failures++
		case "skip":
			jc.Skipped = &junitMessage{Message: "skipped", Body: tc.output.String()}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, jc)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		s := byPkg[p]
		var el float64
		for _, jc := range s.Cases {
			var f float64
			fmt.Sscanf(jc.Time, "%f", &f)
			el += f
		}
		s.Time = fmt.Sprintf("%.3f", el)
		total.Suites = append(total.Suites, *s)
		total.Tests += s.Tests
		total.Failures += s.Failures
		total.Skipped += s.Skipped
	}
	data, err := xml.MarshalIndent(total, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		os.MkdirAll(dir, 0o755)
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(data, '\n')...), 0o644)
}
