package emulator

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// launcherFS holds the Python launcher and tfgate's moto extensions.
//
//go:embed py/tfgate_launcher.py py/tfgate_ext/*.py
var launcherFS embed.FS

// writeLauncher (re)writes the embedded launcher under <stateDir>/py and returns its path.
// Files of an older tfgate are removed so a stale extension never loads.
func writeLauncher(stateDir string) (string, error) {
	dir := filepath.Join(stateDir, "py")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("emulator: clean %s: %w", dir, err)
	}
	err := fs.WalkDir(launcherFS, "py", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(stateDir, filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := launcherFS.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("emulator: write launcher: %w", err)
	}
	return filepath.Join(dir, "tfgate_launcher.py"), nil
}

// FindPython returns the interpreter to run the launcher with: explicit, else $TFGATE_PYTHON,
// else python3 on PATH; it must be able to import moto's server. The error names what is
// missing and how to fix it.
func FindPython(ctx context.Context, explicit string) (string, error) {
	candidate, source := explicit, "the configured interpreter"
	if candidate == "" {
		candidate, source = os.Getenv("TFGATE_PYTHON"), "TFGATE_PYTHON"
	}
	if candidate == "" {
		candidate, source = "python3", "python3 on PATH"
	}
	path, err := exec.LookPath(candidate)
	if err != nil {
		return "", fmt.Errorf("emulator: %s (%s) not found: install Python 3 with moto_server (pip install 'moto[server]') or set TFGATE_PYTHON", candidate, source)
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-c",
		"import moto, moto.server, flask, werkzeug; print(moto.__version__)").CombinedOutput()
	if err != nil {
		last := strings.TrimSpace(string(out))
		if i := strings.LastIndex(last, "\n"); i >= 0 {
			last = last[i+1:]
		}
		return "", fmt.Errorf("emulator: %s (%s) cannot import moto_server's modules (%s): install them with `%s -m pip install 'moto[server]'` or set TFGATE_PYTHON to an interpreter that has moto", path, source, last, path)
	}
	// tfgate's extensions patch moto 5.2 internals: another version starts
	// but answers wrongly, so refuse it up front.
	if v := lastWord(string(out)); !strings.HasPrefix(v, MotoVersion+".") && v != MotoVersion {
		return "", fmt.Errorf("emulator: %s (%s) has moto %q; tfgate's emulator needs moto %s: `%s -m pip install 'moto[server]==%s.1'` or set TFGATE_PYTHON", path, source, v, MotoVersion, path, MotoVersion)
	}
	return path, nil
}

// launcherEnv is the environment of the moto process: no AWS credentials or endpoints of the
// caller, and the settings moto needs for this stack.
func launcherEnv(base []string) []string {
	env := make([]string, 0, len(base)+3)
	for _, kv := range base {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"MOTO_IAM_LOAD_MANAGED_POLICIES=true",
		"MOTO_ACM_VALIDATION_WAIT=0",
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

// MotoVersion is the moto minor version tfgate's extensions are written for.
const MotoVersion = "5.2"

func lastWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[len(f)-1]
	}
	return s
}
