package emulator

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
