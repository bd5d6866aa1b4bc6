package doctor

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"gopkg.in/yaml.v3"
)

// The Terraform and moto tfgate installs are the ones CI installs: each is
// pinned in one Go constant, and every workflow that installs the tool
// names the same version in its env.
func TestWorkflowsPinWhatTfgateInstalls(t *testing.T) {
	files, _ := filepath.Glob("../../.github/workflows/*.yml")
	if len(files) == 0 {
		t.Fatal("no workflows found")
	}
	pins := []struct{ env, want, installStep string }{
		{"TERRAFORM_VERSION", tfg.PinnedVersion, "setup-terraform"},
		{"MOTO_VERSION", emulator.MotoVersion, "pip install"},
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			Env map[string]string `yaml:"env"`
		}
		if err := yaml.Unmarshal(data, &wf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range pins {
			got := wf.Env[p.env]
			if got != p.want && (got != "" || bytes.Contains(data, []byte(p.installStep))) {
				t.Errorf("%s: env.%s = %q, but tfgate installs %s: change both together", f, p.env, got, p.want)
			}
		}
	}
}
