package doctor

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func script(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// machine sets up a machine where everything `up --local` needs is given
// explicitly: a terraform, a Python whose probe answers moto's version, a
// provider mirror, and an empty cache.
func machine(t *testing.T, moto string) Options {
	t.Setenv("TFGATE_TERRAFORM", script(t, "terraform", `echo '{"terraform_version":"1.9.8","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}'`+"\n"))
	t.Setenv("TFGATE_PYTHON", script(t, "python3", "printf '"+moto+"\\n3.11.7\\n'\n"))
	mirror := t.TempDir()
	os.MkdirAll(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws"), 0o755)
	t.Setenv("TFGATE_PLUGIN_DIR", mirror)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("TFGATE_NO_INSTALL", "")
	offline := func(context.Context, string) error { return errors.New("offline") }
	return Options{Root: t.TempDir(), Reachable: offline, GoProxy: func(context.Context) error { return errors.New("offline") }}
}

func check(t *testing.T, r *Report, name string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, r.Checks)
	return Check{}
}

func TestReadyAndWhereEachPieceCameFrom(t *testing.T) {
	o := machine(t, "5.2.1")
	r := Run(context.Background(), o)
	var out bytes.Buffer
	r.WriteText(&out)
	if !r.Ready() {
		t.Fatalf("not ready:\n%s", out.String())
	}
	for name, from := range map[string]string{
		"Terraform":    "TFGATE_TERRAFORM",
		"aws provider": "TFGATE_PLUGIN_DIR",
		"Python":       "TFGATE_PYTHON",
	} {
		if c := check(t, r, name); c.Status != OK || c.From != from {
			t.Errorf("%s = %+v, want ok from %s", name, c, from)
		}
	}
	if c := check(t, r, "moto"); c.Status != OK || !strings.HasPrefix(c.Found, "5.2.1") {
		t.Errorf("moto = %+v", c)
	}
	for _, name := range []string{"loopback port", ".tfgate/"} {
		if c := check(t, r, name); c.Status != OK {
			t.Errorf("%s = %+v", name, c)
		}
	}
	if !strings.Contains(out.String(), "ready: `tfgate up --local` can run") {
		t.Errorf("report:\n%s", out.String())
	}
	var problems bytes.Buffer
	r.WriteProblems(&problems)
	if c := check(t, r, "Go"); c.Status == OK && problems.Len() != 0 {
		t.Errorf("problems printed with nothing to fix:\n%s", problems.String())
	}
}

func TestWrongMotoFails(t *testing.T) {
	o := machine(t, "4.2.14")
	r := Run(context.Background(), o)
	c := check(t, r, "moto")
	if r.Ready() || c.Status != Fail || !strings.Contains(c.Found, "has moto 4.2.14, but tfgate's emulator needs moto 5.2.x") ||
		!strings.Contains(c.Fix, "pip install 'moto[server]==5.2.1'") {
		t.Errorf("moto = %+v (ready %v)", c, r.Ready())
	}
}

func TestTerraformMissing(t *testing.T) {
	o := machine(t, "5.2.1")
	t.Setenv("TFGATE_TERRAFORM", "")
	// No terraform on PATH, only go; tfgate can build Terraform (the Go
	// module proxy answers): pending, still ready.
	o.GoProxy = func(context.Context) error { return nil }
	t.Setenv("PATH", filepath.Dir(script(t, "go", "echo go1.26.0\n")))
	r := Run(context.Background(), o)
	c := check(t, r, "Terraform")
	if !r.Ready() || c.Status != Pending || !strings.Contains(c.From, "from the Go module proxy") || !strings.Contains(c.Fix, "tfgate doctor --install") {
		t.Errorf("Terraform = %+v (ready %v)", c, r.Ready())
	}
	// Nothing can install it: a failure naming the ways out.
	o.GoProxy = func(context.Context) error { return errors.New("offline") }
	r = Run(context.Background(), o)
	if c := check(t, r, "Terraform"); r.Ready() || c.Status != Fail || !strings.Contains(c.Fix, "TFGATE_TERRAFORM") {
		t.Errorf("Terraform offline = %+v", c)
	}
	// Installing is off: a failure, whatever is reachable.
	o.GoProxy, o.NoInstall = func(context.Context) error { return nil }, true
	r = Run(context.Background(), o)
	if c := check(t, r, "Terraform"); c.Status != Fail || !strings.Contains(c.Fix, "installing is off") {
		t.Errorf("Terraform with --no-install = %+v", c)
	}
}

func TestNoMirrorNoRegistry(t *testing.T) {
	o := machine(t, "5.2.1")
	t.Setenv("TFGATE_PLUGIN_DIR", "")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_DATA_DIRS", t.TempDir())
	r := Run(context.Background(), o)
	c := check(t, r, "aws provider")
	if r.Ready() || c.Status != Fail || !strings.Contains(c.Fix, "--plugin-dir DIR or TFGATE_PLUGIN_DIR=DIR") || !strings.Contains(c.Fix, "registry.terraform.io") {
		t.Errorf("provider = %+v", c)
	}
	o.Reachable = func(context.Context, string) error { return nil }
	if c := check(t, Run(context.Background(), o), "aws provider"); c.Status != OK || !strings.Contains(c.From, "registry") {
		t.Errorf("provider with the registry = %+v", c)
	}
}

func TestStateDirNotWritable(t *testing.T) {
	o := machine(t, "5.2.1")
	if err := os.WriteFile(filepath.Join(o.Root, ".tfgate"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := Run(context.Background(), o)
	if c := check(t, r, ".tfgate/"); r.Ready() || c.Status != Fail || !strings.Contains(c.Found, "is not writable") {
		t.Errorf(".tfgate/ = %+v", c)
	}
}

func TestMotoMissing(t *testing.T) {
	o := machine(t, "5.2.1")
	t.Setenv("TFGATE_PYTHON", "")
	t.Setenv("PATH", filepath.Dir(script(t, "python3", "printf -- '-\\n3.11.7\\n'\n")))
	t.Setenv("PIP_FIND_LINKS", "")
	t.Setenv("PIP_NO_INDEX", "")
	t.Setenv("PIP_INDEX_URL", "")
	// pip reaches the index: tfgate will make its venv; ready.
	o.Reachable = func(_ context.Context, url string) error {
		if url == "https://pypi.org/simple/moto/" {
			return nil
		}
		return errors.New("offline")
	}
	r := Run(context.Background(), o)
	c := check(t, r, "moto")
	if !r.Ready() || c.Status != Pending || !strings.Contains(c.From, "pip-installs moto[server]==5.2.1 from the package index") {
		t.Errorf("moto = %+v (ready %v)", c, r.Ready())
	}
	if py := check(t, r, "Python"); py.Status != OK || !strings.Contains(py.From, "has no moto") {
		t.Errorf("Python = %+v", py)
	}
	// Or from a wheel directory that holds moto.
	wheels := t.TempDir()
	os.WriteFile(filepath.Join(wheels, "moto-5.2.1-py3-none-any.whl"), nil, 0o644)
	t.Setenv("PIP_FIND_LINKS", wheels)
	t.Setenv("PIP_NO_INDEX", "1")
	if c := check(t, Run(context.Background(), o), "moto"); c.Status != Pending || !strings.Contains(c.From, "the wheel directory "+wheels) {
		t.Errorf("moto with wheels = %+v", c)
	}
	// Neither: a failure saying what pip needs.
	t.Setenv("PIP_FIND_LINKS", t.TempDir())
	r = Run(context.Background(), o)
	if c := check(t, r, "moto"); r.Ready() || c.Status != Fail || !strings.Contains(c.Fix, "PIP_FIND_LINKS=DIR PIP_NO_INDEX=1") {
		t.Errorf("moto without pip access = %+v", c)
	}
}
