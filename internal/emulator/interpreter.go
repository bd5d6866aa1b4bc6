package emulator

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/saprism/tfgate/internal/toolcache"
)

// MotoVersion is the moto tfgate's launcher and extensions are written for,
// and the one it installs into its own venv; any 5.2.x is accepted. The
// workflows' MOTO_VERSION must be the same (internal/doctor
// TestWorkflowsPinWhatTfgateInstalls).
const MotoVersion = "5.2.1"

// motoSeries is the moto versions tfgate accepts: the extensions patch
// moto's internals, which change between minor versions.
const motoSeries = "5.2."

// PythonEnv names the interpreter to run the emulator with.
const PythonEnv = "TFGATE_PYTHON"

// Where an interpreter was found, in the order they are tried.
const (
	FromOption     = "the configured interpreter"
	FromPythonEnv  = PythonEnv
	FromPath       = "python3 on PATH"
	FromMotoServer = "the interpreter of moto_server on PATH"
	FromVenv       = "tfgate's venv"
)

// Interpreter is a Python that can run the emulator.
type Interpreter struct {
	Path   string
	Source string // one of the From* constants
	Python string // its version, e.g. 3.11.7
	Moto   string // moto's version, e.g. 5.2.1
	// Installed: tfgate created its venv during this call.
	Installed bool
}

// Describe is one line for people.
func (i *Interpreter) Describe() string {
	return fmt.Sprintf("python %s with moto %s at %s (%s)", i.Python, i.Moto, i.Path, i.Source)
}

// PythonOptions configure LocatePython.
type PythonOptions struct {
	// Explicit interpreter (Options.Python); a bad one is an error.
	Explicit string
	// CacheDir is tfgate's cache root (default toolcache.Dir()); the venv is
	// <CacheDir>/python/moto-<MotoVersion>.
	CacheDir string
	// NoInstall: never create the venv.
	NoInstall bool
	// Progress receives what is installed and pip's output; nil discards.
	Progress io.Writer
	// PipArgs are added to `pip install` (e.g. --no-index --find-links DIR);
	// pip's own PIP_* environment works too.
	PipArgs []string
}

// MotoError means an interpreter cannot run the emulator, and says how to fix it.
type MotoError struct {
	Path, Source string
	Problem      string // what is wrong
	Fix          string
}

func (e *MotoError) Error() string {
	return fmt.Sprintf("emulator: %s (%s) %s: %s", e.Path, e.Source, e.Problem, e.Fix)
}

// NoPythonError means no interpreter with moto 5.2 was found and none was
// installed; Tried lists each candidate's problem.
type NoPythonError struct {
	Tried   []string
	Install error // why the venv could not be made; nil when installing is off
}

func (e *NoPythonError) Error() string {
	msg := "emulator: no Python with moto " + motoSeries + "x found (" + strings.Join(e.Tried, "; ") + ")"
	if e.Install != nil {
		msg += "; creating tfgate's venv failed: " + e.Install.Error()
	} else {
		msg += "; installing is off (--no-install or " + toolcache.NoInstallEnv + ")"
	}
	return msg + ". Fix: `python3 -m pip install 'moto[server]==" + MotoVersion + "'`, set " + PythonEnv + " to an interpreter that has it, or let tfgate create its venv (it needs pip access to the package index, or a wheel directory via PIP_FIND_LINKS and PIP_NO_INDEX=1)"
}

// FindPython returns an interpreter that can run the emulator without
// installing anything (see LocatePython).
func FindPython(ctx context.Context, explicit string) (string, error) {
	in, err := LocatePython(ctx, PythonOptions{Explicit: explicit, NoInstall: true})
	if err != nil {
		return "", err
	}
	return in.Path, nil
}

// LocatePython returns the first interpreter with moto 5.2.x and its server
// extra among: o.Explicit, TFGATE_PYTHON, python3 on PATH, the interpreter
// named by moto_server's shebang, and the venv tfgate made before. An
// explicit interpreter (option or TFGATE_PYTHON) that does not qualify is an
// error saying how to fix it. When none qualifies and installing is allowed,
// it creates the venv and pip-installs moto[server]==MotoVersion into it.
func LocatePython(ctx context.Context, o PythonOptions) (*Interpreter, error) {
	type candidate struct{ path, source string }
	var explicit []candidate
	if o.Explicit != "" {
		explicit = append(explicit, candidate{o.Explicit, FromOption})
	} else if p := os.Getenv(PythonEnv); p != "" {
		explicit = append(explicit, candidate{p, FromPythonEnv})
	}
	for _, c := range explicit {
		in, err := probePython(ctx, c.path, c.source)
		if err != nil {
			return nil, err
		}
		return in, nil
	}
	venv, err := VenvPath(o.CacheDir)
	if err != nil && o.NoInstall {
		venv = ""
	} else if err != nil {
		return nil, err
	}
	var tried []string
	cands := []candidate{{"python3", FromPath}}
	if p := motoServerInterpreter(); p != "" {
		cands = append(cands, candidate{p, FromMotoServer})
	}
	if venv != "" {
		cands = append(cands, candidate{venvPython(venv), FromVenv})
	}
	for _, c := range cands {
		in, err := probePython(ctx, c.path, c.source)
		if err == nil {
			return in, nil
		}
		tried = append(tried, strings.TrimPrefix(err.Error(), "emulator: "))
	}
	if o.NoInstall || venv == "" {
		return nil, &NoPythonError{Tried: tried}
	}
	in, err := createVenv(ctx, venv, o)
	if err != nil {
		return nil, &NoPythonError{Tried: tried, Install: err}
	}
	return in, nil
}

// probeScript prints moto's version (or "-"), Python's version, and the
// import error that stops the emulator, if any, one per line.
const probeScript = `import sys
try:
    import moto
    v = moto.__version__
except Exception:
    v = "-"
print(v)
print("%d.%d.%d" % sys.version_info[:3])
if v != "-":
    try:
        import moto.server, flask, werkzeug
    except Exception as e:
        print("%s: %s" % (type(e).__name__, e))
`

// probePython checks one interpreter: it runs, has moto 5.2.x, and moto's
// server extra (flask, werkzeug).
func probePython(ctx context.Context, candidate, source string) (*Interpreter, error) {
	path, err := exec.LookPath(candidate)
	if err != nil {
		return nil, &MotoError{Path: candidate, Source: source, Problem: "not found",
			Fix: "install Python 3 with `pip install 'moto[server]==" + MotoVersion + "'`, or set " + PythonEnv}
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-c", probeScript).Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	install := fmt.Sprintf("`%s -m pip install 'moto[server]==%s'`", path, MotoVersion)
	if err != nil || len(lines) == 0 || lines[0] == "" {
		return nil, &MotoError{Path: path, Source: source, Problem: "does not run as Python 3", Fix: "set " + PythonEnv + " to a Python 3 interpreter"}
	}
	in := &Interpreter{Path: path, Source: source, Moto: lines[0]}
	if len(lines) > 1 {
		in.Python = lines[1]
	}
	switch {
	case in.Moto == "-":
		return nil, &MotoError{Path: path, Source: source, Problem: "has no moto", Fix: install + " or set " + PythonEnv}
	case !strings.HasPrefix(in.Moto, motoSeries):
		return nil, &MotoError{Path: path, Source: source, Problem: "has moto " + in.Moto + ", but tfgate's emulator needs moto " + motoSeries + "x",
			Fix: install + " (or set " + PythonEnv + " to an interpreter with moto " + motoSeries + "x)"}
	case len(lines) > 2:
		return nil, &MotoError{Path: path, Source: source, Problem: "cannot import moto's server (" + lines[2] + ")",
			Fix: install + " (the [server] extra brings flask and werkzeug)"}
	}
	return in, nil
}

// motoServerInterpreter is the interpreter in moto_server's shebang: pip
// writes `#!/path/to/python` there, which finds moto when python3 on PATH is
// another Python (a venv, pipx). Wrappers in other languages (pyenv shims)
// yield "".
func motoServerInterpreter() string {
	p, err := exec.LookPath("moto_server")
	if err != nil {
		return ""
	}
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if !strings.HasPrefix(line, "#!") {
		return ""
	}
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(fields) == 0 {
		return ""
	}
	interp := fields[0]
	if filepath.Base(interp) == "env" && len(fields) > 1 {
		interp = fields[1]
	}
	if !strings.HasPrefix(filepath.Base(interp), "python") {
		return ""
	}
	return interp
}
