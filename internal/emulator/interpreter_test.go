package emulator

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// realPython is a Python 3 to build test interpreters from.
func realPython(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("these tests need python3 on PATH: %v", err)
	}
	return p
}

// pythonWithMoto is an interpreter whose `import moto` finds a stand-in
// moto of the given version (PYTHONPATH comes before site-packages).
func pythonWithMoto(t *testing.T, real, motoVersion string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lib", "moto"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "lib", "moto", "__init__.py"), []byte("__version__ = \""+motoVersion+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	script := fmt.Sprintf("#!/bin/sh\nPYTHONPATH=%s exec %s \"$@\"\n", filepath.Join(dir, "lib"), real)
	p := filepath.Join(bin, "python3")
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLocatePythonRefusesAnotherMoto(t *testing.T) {
	real := realPython(t)
	py := pythonWithMoto(t, real, "4.2.14")
	// Chosen explicitly (TFGATE_PYTHON): refused at once, with the fix.
	t.Setenv(PythonEnv, py)
	_, err := LocatePython(context.Background(), PythonOptions{CacheDir: t.TempDir(), NoInstall: true})
	var me *MotoError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v; want a MotoError", err)
	}
	for _, s := range []string{py + " (TFGATE_PYTHON) has moto 4.2.14, but tfgate's emulator needs moto 5.2.x", "-m pip install 'moto[server]==5.2.1'"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q: %v", s, err)
		}
	}
	// Found on PATH: skipped, and named in the error when nothing else qualifies.
	t.Setenv(PythonEnv, "")
	t.Setenv("PATH", filepath.Dir(py)+":/usr/bin:/bin")
	_, err = LocatePython(context.Background(), PythonOptions{CacheDir: t.TempDir(), NoInstall: true})
	var np *NoPythonError
	if !errors.As(err, &np) || !strings.Contains(err.Error(), "(python3 on PATH) has moto 4.2.14") ||
		!strings.Contains(err.Error(), "installing is off") {
		t.Errorf("err = %v", err)
	}
	// 5.2.x but without the server extra: a fix naming the extra.
	t.Setenv(PythonEnv, pythonWithMoto(t, real, "5.2.7"))
	_, err = LocatePython(context.Background(), PythonOptions{CacheDir: t.TempDir(), NoInstall: true})
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "cannot import moto's server") || !strings.Contains(err.Error(), "[server] extra") {
		t.Errorf("moto without its server: %v", err)
	}
}

// wheel writes a pure-Python wheel (PEP 427) of name==ver holding files.
func wheel(t *testing.T, dir, name, ver, metadataExtra string, files map[string]string) {
	t.Helper()
	distInfo := name + "-" + ver + ".dist-info/"
	files[distInfo+"METADATA"] = "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + ver + "\n" + metadataExtra
	files[distInfo+"WHEEL"] = "Wheel-Version: 1.0\nGenerator: tfgate-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var record strings.Builder
	for path, body := range files {
		w, err := zw.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
		sum := sha256.Sum256([]byte(body))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", path, base64.RawURLEncoding.EncodeToString(sum[:]), len(body))
	}
	record.WriteString(distInfo + "RECORD,,\n")
	w, _ := zw.Create(distInfo + "RECORD")
	w.Write([]byte(record.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-"+ver+"-py3-none-any.whl"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLocatePythonCreatesVenv: with no interpreter that has moto, tfgate
// makes its venv and pip-installs moto[server]==5.2.1 from a local wheel
// directory (stand-in moto, flask and werkzeug wheels built here; no index),
// then finds that venv the next time without installing.
func TestLocatePythonCreatesVenv(t *testing.T) {
	if testing.Short() {
		t.Skip("creates two Python venvs (~10 s)")
	}
	// python3 on PATH is a fresh venv: Python 3 with pip, without moto.
	base := filepath.Join(t.TempDir(), "base")
	if out, err := exec.Command(realPython(t), "-m", "venv", base).CombinedOutput(); err != nil {
		t.Fatalf("python3 -m venv: %v\n%s", err, out)
	}
	t.Setenv("PATH", filepath.Join(base, "bin")+":/usr/bin:/bin")
	t.Setenv(PythonEnv, "")
	t.Setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple") // any index use fails at once
	if p := motoServerInterpreter(); p != "" {
		t.Skipf("moto_server is on the system PATH (%s); this test needs a machine without it", p)
	}

	wheels := t.TempDir()
	wheel(t, wheels, "moto", "5.2.1", "Provides-Extra: server\nRequires-Dist: flask ; extra == \"server\"\nRequires-Dist: werkzeug ; extra == \"server\"\n", map[string]string{
		"moto/__init__.py": "__version__ = \"5.2.1\"\n",
		"moto/server.py":   "def main(argv=None):\n    pass\n",
	})
	wheel(t, wheels, "flask", "3.0.0", "", map[string]string{"flask/__init__.py": ""})
	wheel(t, wheels, "werkzeug", "3.0.0", "", map[string]string{"werkzeug/__init__.py": ""})

	cache := t.TempDir()
	var progress bytes.Buffer
	o := PythonOptions{CacheDir: cache, Progress: &progress, PipArgs: []string{"--no-index", "--find-links", wheels}}
	in, err := LocatePython(context.Background(), o)
	t.Logf("progress:\n%s", progress.String())
	if err != nil {
		t.Fatalf("LocatePython: %v", err)
	}
	venv := filepath.Join(cache, "python", "moto-5.2.1")
	if in.Source != FromVenv || in.Path != filepath.Join(venv, "bin", "python") || in.Moto != "5.2.1" || !in.Installed {
		t.Errorf("LocatePython = %+v", in)
	}
	for _, s := range []string{"no Python with moto 5.2.x found; creating tfgate's venv " + venv, "pip install 'moto[server]==5.2.1'", "Successfully installed", "flask-3.0.0", "moto-5.2.1"} {
		if !strings.Contains(progress.String(), s) {
			t.Errorf("progress lacks %q", s)
		}
	}
	// Next time: found, nothing installed.
	progress.Reset()
	again, err := LocatePython(context.Background(), o)
	if err != nil || again.Source != FromVenv || again.Installed || progress.Len() != 0 {
		t.Errorf("second LocatePython = %+v, %v; progress %q", again, err, progress.String())
	}
	// Without the wheels pip fails, and the error says what pip needs.
	_, err = LocatePython(context.Background(), PythonOptions{CacheDir: t.TempDir(), PipArgs: []string{"--no-index"}})
	if err == nil || !strings.Contains(err.Error(), "pip needs the package index, or a wheel directory (PIP_FIND_LINKS=DIR PIP_NO_INDEX=1)") {
		t.Errorf("pip without wheels: %v", err)
	}
}
