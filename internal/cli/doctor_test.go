package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The command wiring: exit codes, --which, and --no-install / TFGATE_NO_INSTALL
// reaching the finder (the checks themselves are tested in internal/doctor).
func TestDoctorCommand(t *testing.T) {
	root := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("TFGATE_TERRAFORM", "")
	t.Setenv("PATH", "/nonexistent")

	code, _, stderr := tfgate(t, root, nil, "doctor", "--which", "kubectl")
	if code != ExitError || !strings.Contains(stderr, "--which kubectl: want terraform or python") {
		t.Errorf("--which kubectl: exit %d: %s", code, stderr)
	}
	code, _, stderr = tfgate(t, root, map[string]string{"TFGATE_NO_INSTALL": "1"}, "doctor", "--which", "terraform")
	if code != ExitError || !strings.Contains(stderr, "installing is off") {
		t.Errorf("TFGATE_NO_INSTALL: exit %d: %s", code, stderr)
	}
	code, stdout, _ := tfgate(t, root, nil, "--no-install", "doctor")
	if code != ExitError || !strings.Contains(stdout, "FAIL    Terraform") || !strings.Contains(stdout, "not ready") {
		t.Errorf("--no-install without terraform: exit %d:\n%s", code, stdout)
	}

	// Everything given: exit 0.
	tf := filepath.Join(t.TempDir(), "terraform")
	os.WriteFile(tf, []byte("#!/bin/sh\necho '{\"terraform_version\":\"1.9.8\",\"platform\":\"linux_amd64\",\"provider_selections\":{},\"terraform_outdated\":false}'\n"), 0o755)
	py := filepath.Join(t.TempDir(), "python3")
	os.WriteFile(py, []byte("#!/bin/sh\nprintf '5.2.1\\n3.11.7\\n'\n"), 0o755)
	mirror := t.TempDir()
	os.MkdirAll(filepath.Join(mirror, "registry.terraform.io", "hashicorp", "aws"), 0o755)
	t.Setenv("TFGATE_TERRAFORM", tf)
	t.Setenv("TFGATE_PYTHON", py)
	t.Setenv("TFGATE_PLUGIN_DIR", mirror)
	code, stdout, stderr = tfgate(t, root, nil, "doctor")
	if code != ExitPass || !strings.Contains(stdout, "ready: `tfgate up --local` can run") {
		t.Errorf("doctor: exit %d:\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = tfgate(t, root, nil, "doctor", "--which", "terraform")
	if code != ExitPass || strings.TrimSpace(stdout) != tf {
		t.Errorf("--which terraform: exit %d: %q", code, stdout)
	}
}
