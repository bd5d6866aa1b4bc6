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

	"github.com/saprism/tfgate/internal/toolcache"
)

// VenvPath is where tfgate keeps its own moto: one venv per pinned version,
// so a tfgate that pins another moto never reuses a stale one.
func VenvPath(cacheDir string) (string, error) {
	if cacheDir == "" {
		var err error
		if cacheDir, err = toolcache.Dir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(cacheDir, "python", "moto-"+MotoVersion), nil
}

func venvPython(venv string) string { return filepath.Join(venv, "bin", "python") }

// createVenv makes the venv with the first Python 3 found (python3 on
// PATH, else moto_server's interpreter) and pip-installs
// moto[server]==MotoVersion into it, streaming pip's output as progress.
// A venv left half-made by an interrupted run is made again.
func createVenv(ctx context.Context, venv string, o PythonOptions) (*Interpreter, error) {
	out := o.Progress
	if out == nil {
		out = io.Discard
	}
	unlock, err := toolcache.Lock(filepath.Dir(venv), out, "emulator")
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Another tfgate may have made it while this one waited.
	if in, err := probePython(ctx, venvPython(venv), FromVenv); err == nil {
		return in, nil
	}
	base := ""
	for _, c := range []string{"python3", motoServerInterpreter()} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			base = p
			break
		}
	}
	if base == "" {
		return nil, fmt.Errorf("no python3 on PATH to create it with")
	}
	if err := os.RemoveAll(venv); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "emulator: no Python with moto %sx found; creating tfgate's venv %s with %s\n", motoSeries, venv, base)
	if err := runLogged(ctx, out, base, "-m", "venv", venv); err != nil {
		os.RemoveAll(venv)
		return nil, fmt.Errorf("`%s -m venv` failed (%v): on Debian/Ubuntu install python3-venv", base, err)
	}
	req := "moto[server]==" + MotoVersion
	fmt.Fprintf(out, "emulator: pip install '%s' into %s\n", req, venv)
	args := append([]string{"-m", "pip", "install", "--disable-pip-version-check", "--no-input", req}, o.PipArgs...)
	if err := runLogged(ctx, out, venvPython(venv), args...); err != nil {
		os.RemoveAll(venv)
		return nil, fmt.Errorf("pip install '%s' failed (%v): pip needs the package index, or a wheel directory (PIP_FIND_LINKS=DIR PIP_NO_INDEX=1)", req, err)
	}
	in, err := probePython(ctx, venvPython(venv), FromVenv)
	if err != nil {
		os.RemoveAll(venv)
		return nil, fmt.Errorf("the new venv cannot run the emulator: %w", err)
	}
	in.Installed = true
	fmt.Fprintf(out, "emulator: %s\n", in.Describe())
	return in, nil
}

// runLogged runs a command, copying each line of its output to out with a
// prefix, and returns an error carrying its last lines.
func runLogged(ctx context.Context, out io.Writer, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1", "PIP_PROGRESS_BAR=off")
	r, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	var tail []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintf(out, "  %s: %s\n", filepath.Base(name), line)
		if strings.TrimSpace(line) != "" {
			tail = append(tail, strings.TrimSpace(line))
			if len(tail) > 3 {
				tail = tail[1:]
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		if len(tail) > 0 {
			return fmt.Errorf("%v: %s", err, strings.Join(tail, " | "))
		}
		return err
	}
	return nil
}
