package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/saprism/tfgate/internal/config"
)

func TestLocalStatesWithResources(t *testing.T) {
	root := t.TempDir()
	write := func(env, body string) string {
		p := filepath.Join(config.ModeDir(root, env, true), "terraform.tfstate")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dev := write("dev", `{"resources":[{"type":"aws_s3_bucket"}]}`)
	write("staging", `{"resources":[]}`)
	prod := write("production", `{"resources":[{"type":"aws_vpc"}]}`)
	if !HasResources(dev) || HasResources(filepath.Join(root, "missing")) {
		t.Error("HasResources")
	}
	if got := LocalStatesWithResources(root, dev); len(got) != 1 || got[0] != prod {
		t.Errorf("others with resources = %v, want [%s]", got, prod)
	}
}
