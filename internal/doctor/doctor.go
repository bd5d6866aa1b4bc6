// Package doctor checks what `tfgate up --local` needs on this machine —
// Go, Terraform, the aws provider, Python, moto 5.2, a free loopback port, a
// writable .tfgate/ — and says for each where it came from, or what to do.
// A missing Terraform or moto that tfgate can install for itself is not a
// failure (it is installed on first use, or now with Options.Install).
package doctor

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/saprism/tfgate/internal/toolcache"
)

// Status of one check.
type Status string

const (
	OK      Status = "ok"
	Pending Status = "install" // missing; tfgate installs it on first use
	Warn    Status = "warn"    // not needed by `up --local` itself
	Fail    Status = "FAIL"    // `up --local` cannot run until it is fixed
)

// Check is one prerequisite.
type Check struct {
	Name   string
	Status Status
	Found  string // what, and where
	From   string // where it came from
	Fix    string // what to do; empty when nothing is to do
}

// Report is every check, in order.
type Report struct{ Checks []Check }

// Ready reports whether `tfgate up --local` can run: no check failed.
func (r *Report) Ready() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

// Options configure Run.
type Options struct {
	Root      string // repository root: .tfgate/ and go.mod are looked for here
	PluginDir string // --plugin-dir
	NoInstall bool   // --no-install / TFGATE_NO_INSTALL
	// Install installs what is missing now (Terraform, the emulator's venv)
	// instead of reporting that the first use will.
	Install  bool
	Progress io.Writer // install progress; nil discards
	// Reachable probes an HTTP(S) URL (default: a GET with a 5 s timeout);
	// GoProxy probes the Go module proxy (default: `go list -m -versions`).
	// Tests replace them.
	Reachable func(ctx context.Context, url string) error
	GoProxy   func(ctx context.Context) error
}

// Run checks every prerequisite.
func Run(ctx context.Context, o Options) *Report {
	if o.Reachable == nil {
		o.Reachable = reachable
	}
	if o.GoProxy == nil {
		o.GoProxy = goProxyReachable
	}
	if !o.Install {
		o.Progress = nil // only installs have progress to show
	}
	r := &Report{}
	goCheck := checkGo(ctx, o)
	r.Checks = append(r.Checks, goCheck, checkTerraform(ctx, o, goCheck.Status == OK), checkProvider(ctx, o))
	r.Checks = append(r.Checks, checkPython(ctx, o)...)
	r.Checks = append(r.Checks, checkPort(), checkStateDir(o.Root))
	return r
}

var goDirective = regexp.MustCompile(`(?m)^go\s+(\S+)`)

func checkGo(ctx context.Context, o Options) Check {
	c := Check{Name: "Go"}
	need := ""
	if data, err := os.ReadFile(filepath.Join(o.Root, "go.mod")); err == nil {
		if m := goDirective.FindSubmatch(data); m != nil {
			need = "go" + string(m[1])
		}
	}
	path, err := exec.LookPath("go")
	if err != nil {
		c.Status, c.Found = Warn, "not on PATH"
		c.Fix = "install Go" + orNewer(need) + ": it builds tfgate (`go run`), and Terraform from the Go module proxy when releases.hashicorp.com is out of reach"
		return c
	}
	out, err := exec.CommandContext(ctx, path, "env", "GOVERSION").Output()
	have := strings.TrimSpace(string(out))
	if err != nil || have == "" {
		c.Status, c.Found, c.Fix = Warn, path+" does not answer `go env GOVERSION`", "reinstall Go"+orNewer(need)
		return c
	}
	c.Status, c.Found, c.From = OK, have+" at "+path, "PATH"
	if need != "" {
		c.Found += " (go.mod needs " + need + ")"
		if version.Compare(have, need) < 0 {
			c.Status, c.Fix = Warn, "install Go"+orNewer(need)+" (or let the go command fetch that toolchain: GOTOOLCHAIN=auto)"
		}
	}
	return c
}

func orNewer(v string) string {
	if v == "" {
		return ""
	}
	return " " + strings.TrimPrefix(v, "go") + " or newer"
}

func checkTerraform(ctx context.Context, o Options, haveGo bool) Check {
	c := Check{Name: "Terraform"}
	f := tfg.Finder{NoInstall: o.NoInstall || !o.Install, Progress: o.Progress}
	b, err := f.Find(ctx)
	if err == nil {
		c.Status, c.Found, c.From = OK, fmt.Sprintf("%s at %s", b.Version, b.Path), string(b.Source)
		if b.Detail != "" {
			c.From += ": " + b.Detail
		}
		return c
	}
	var nf *tfg.NotFoundError
	if !errors.As(err, &nf) || o.NoInstall || o.Install || os.Getenv(tfg.BinaryEnv) != "" {
		c.Status, c.Found, c.Fix = Fail, "not usable", err.Error()
		if nf != nil {
			c.Found = "not found"
		}
		return c
	}
	// Not found, but tfgate may install it: say from where, if anywhere.
	cache, _ := toolcache.Dir()
	how := ""
	if e := o.Reachable(ctx, "https://releases.hashicorp.com/terraform/"+tfg.PinnedVersion+"/index.json"); e == nil {
		how = "downloads Terraform " + tfg.PinnedVersion + " from releases.hashicorp.com (signature and checksum verified)"
	} else if haveGo && o.GoProxy(ctx) == nil {
		how = "builds Terraform " + tfg.PinnedVersion + " (or, if it does not build, the newest older release that does) from the Go module proxy with `go install` (a few minutes)"
	}
	if how == "" {
		c.Status, c.Found = Fail, "not found, and neither releases.hashicorp.com nor the Go module proxy (with go) can be reached to install it"
		c.Fix = "install Terraform >= " + tfg.MinVersion + " on PATH or set " + tfg.BinaryEnv + " to it; or give this machine access to releases.hashicorp.com, or Go and the Go module proxy"
		return c
	}
	c.Status, c.Found = Pending, "not installed yet (not on PATH, not in tfgate's cache)"
	c.From = "the first command that needs it " + how + " into " + filepath.Join(cache, "terraform")
	c.Fix = "nothing; or do it now: tfgate doctor --install"
	return c
}

func checkProvider(ctx context.Context, o Options) Check {
	c := Check{Name: "aws provider"}
	dir, from, err := tfg.PluginDir(o.PluginDir)
	if err != nil {
		c.Status, c.Found, c.Fix = Fail, "mirror unusable", err.Error()
		return c
	}
	if dir != "" {
		c.Status, c.Found, c.From = OK, "hashicorp/aws in the mirror "+dir, string(from)
		return c
	}
	if err := o.Reachable(ctx, "https://registry.terraform.io/.well-known/terraform.json"); err == nil {
		c.Status, c.Found, c.From = OK, "hashicorp/aws from registry.terraform.io", "the registry (no mirror given)"
		return c
	}
	c.Status, c.Found = Fail, "no provider mirror, and registry.terraform.io cannot be reached"
	c.Fix = fmt.Sprintf("point tfgate at a mirror holding %s with --plugin-dir DIR or %s=DIR (`terraform providers mirror DIR` makes one), or let terraform reach registry.terraform.io", tfg.AWSProvider, tfg.PluginDirEnv)
	return c
}

// checkPython reports the interpreter and its moto as two checks.
func checkPython(ctx context.Context, o Options) []Check {
	py, moto := Check{Name: "Python"}, Check{Name: "moto"}
	in, err := emulator.LocatePython(ctx, emulator.PythonOptions{NoInstall: o.NoInstall || !o.Install, Progress: o.Progress})
	if err == nil {
		py.Status, py.Found, py.From = OK, in.Python+" at "+in.Path, in.Source
		moto.Status, moto.Found, moto.From = OK, in.Moto+" with its server extra (tfgate needs 5.2.x)", "that interpreter's packages"
		if in.Installed {
			moto.From = "installed now by tfgate (pip install 'moto[server]==" + emulator.MotoVersion + "')"
		}
		return []Check{py, moto}
	}
	var me *emulator.MotoError
	if errors.As(err, &me) { // the interpreter the user chose
		if strings.Contains(me.Problem, "moto") {
			py.Status, py.Found, py.From = OK, me.Path, me.Source
			moto.Status, moto.Found, moto.Fix = Fail, me.Problem, me.Fix
		} else {
			py.Status, py.Found, py.Fix = Fail, me.Path+" "+me.Problem, me.Fix
			moto.Status, moto.Found = Fail, "no usable interpreter"
		}
		return []Check{py, moto}
	}
	var np *emulator.NoPythonError
	if !errors.As(err, &np) || o.NoInstall || o.Install {
		py.Status, py.Found = Fail, "no interpreter with moto 5.2.x"
		moto.Status, moto.Found, moto.Fix = Fail, "not found", err.Error()
		return []Check{py, moto}
	}
	base, lerr := exec.LookPath("python3")
	if lerr != nil {
		py.Status, py.Found, py.Fix = Fail, "no python3 on PATH", "install Python 3 (with moto: pip install 'moto[server]=="+emulator.MotoVersion+"'), or set "+emulator.PythonEnv
		moto.Status, moto.Found = Fail, "no interpreter to install it into"
		return []Check{py, moto}
	}
	py.Status, py.Found, py.From = OK, base, "python3 on PATH (without a usable moto: "+strings.Join(np.Tried, "; ")+")"
	venv, _ := emulator.VenvPath("")
	if where, ok := pipSource(ctx, o); ok {
		moto.Status, moto.Found = Pending, "not installed yet"
		moto.From = "the first `up --local` creates " + venv + " and pip-installs moto[server]==" + emulator.MotoVersion + " from " + where
		moto.Fix = "nothing; or do it now: tfgate doctor --install"
		return []Check{py, moto}
	}
	moto.Status, moto.Found = Fail, "not found, and pip can reach neither the package index nor a wheel directory"
	moto.Fix = "`python3 -m pip install 'moto[server]==" + emulator.MotoVersion + "'` where pip has access, set " + emulator.PythonEnv + " to an interpreter with moto 5.2.x, or give pip a wheel directory (PIP_FIND_LINKS=DIR PIP_NO_INDEX=1)"
	return []Check{py, moto}
}

// pipSource says where pip would get moto: a wheel directory holding moto,
// or a reachable index.
func pipSource(ctx context.Context, o Options) (string, bool) {
	for _, d := range strings.Fields(os.Getenv("PIP_FIND_LINKS")) {
		if m, _ := filepath.Glob(filepath.Join(d, "moto-"+emulator.MotoVersion+"-*.whl")); len(m) > 0 {
			return "the wheel directory " + d, true
		}
	}
	if os.Getenv("PIP_NO_INDEX") != "" {
		return "", false
	}
	index := os.Getenv("PIP_INDEX_URL")
	if index == "" {
		index = "https://pypi.org/simple/"
	}
	if err := o.Reachable(ctx, strings.TrimSuffix(index, "/")+"/moto/"); err != nil {
		return "", false
	}
	return "the package index " + index, true
}

func checkPort() Check {
	c := Check{Name: "loopback port"}
	port, err := emulator.FreePort()
	if err != nil {
		c.Status, c.Found, c.Fix = Fail, err.Error(), "free a port on 127.0.0.1 (the emulator listens there only)"
		return c
	}
	c.Status, c.Found = OK, fmt.Sprintf("%s:%d is free (the emulator takes a free one)", emulator.Host, port)
	return c
}

func checkStateDir(root string) Check {
	dir := filepath.Join(root, ".tfgate")
	c := Check{Name: ".tfgate/"}
	err := os.MkdirAll(dir, 0o755)
	if err == nil {
		var f *os.File
		if f, err = os.CreateTemp(dir, ".doctor-*"); err == nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	if err != nil {
		c.Status, c.Found, c.Fix = Fail, dir+" is not writable: "+err.Error(), "run tfgate from a clone you can write to (state, saved plans and the emulator's record live there)"
		return c
	}
	c.Status, c.Found = OK, dir+" is writable"
	return c
}

func reachable(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 500 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return nil
}

func goProxyReachable(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-versions", tfg.TerraformModule)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off")
	return cmd.Run()
}

// Write writes the report: only what needs doing when problemsOnly.
func (r *Report) Write(w io.Writer, problemsOnly bool) {
	if problemsOnly {
		r.WriteProblems(w)
	} else {
		r.WriteText(w)
	}
}

// WriteText prints the report for people.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintln(w, "tfgate doctor: what `tfgate up --local` needs here")
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  %-7s %-14s %s\n", c.Status, c.Name, c.Found)
		if c.From != "" {
			fmt.Fprintf(w, "  %-7s %-14s from %s\n", "", "", c.From)
		}
		if c.Fix != "" {
			fmt.Fprintf(w, "  %-7s %-14s fix: %s\n", "", "", c.Fix)
		}
	}
	if r.Ready() {
		fmt.Fprintln(w, "ready: `tfgate up --local` can run")
	} else {
		fmt.Fprintln(w, "not ready: fix the FAIL lines above, then run `tfgate doctor` again")
	}
}

// WriteProblems prints only the checks that need something done (for
// `make up` after a failed start); nothing when all is well.
func (r *Report) WriteProblems(w io.Writer) {
	var bad Report
	for _, c := range r.Checks {
		if c.Status == Fail || c.Status == Warn {
			bad.Checks = append(bad.Checks, c)
		}
	}
	if len(bad.Checks) == 0 {
		return
	}
	bad.WriteText(w)
}

// Which returns the path of the terraform or python tfgate uses, installing
// it unless noInstall (for scripts: `$(tfgate doctor --which terraform) fmt`).
func Which(ctx context.Context, tool string, noInstall bool, progress io.Writer) (string, error) {
	switch tool {
	case "terraform":
		b, err := tfg.Ensure(ctx, noInstall, progress)
		if err != nil {
			return "", err
		}
		return b.Path, nil
	case "python":
		in, err := emulator.LocatePython(ctx, emulator.PythonOptions{NoInstall: noInstall, Progress: progress})
		if err != nil {
			return "", err
		}
		return in.Path, nil
	}
	return "", fmt.Errorf("--which %s: want terraform or python", tool)
}
