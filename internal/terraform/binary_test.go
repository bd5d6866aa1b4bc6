package terraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTerraform writes a script that answers `terraform version -json`.
func fakeTerraform(t *testing.T, ver string) string {
	p := filepath.Join(t.TempDir(), "terraform")
	script := "#!/bin/sh\necho '{\"terraform_version\":\"" + ver + "\",\"platform\":\"linux_amd64\",\"provider_selections\":{},\"terraform_outdated\":false}'\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	t.Run("TFGATE_TERRAFORM missing", func(t *testing.T) {
		t.Setenv(BinaryEnv, "/no/such/terraform")
		_, err := Find(ctx)
		var nf *NotFoundError
		if !errors.As(err, &nf) || !strings.Contains(err.Error(), "TFGATE_TERRAFORM=/no/such/terraform does not exist") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not on PATH", func(t *testing.T) {
		t.Setenv(BinaryEnv, "")
		t.Setenv("PATH", t.TempDir())
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		_, err := Find(ctx)
		var nf *NotFoundError
		if !errors.As(err, &nf) || !strings.Contains(err.Error(), "install Terraform >= 1.5.0") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("too old", func(t *testing.T) {
		t.Setenv(BinaryEnv, fakeTerraform(t, "1.4.6"))
		_, err := Find(ctx)
		var old *TooOldError
		if !errors.As(err, &old) || !strings.Contains(err.Error(), "terraform 1.4.6") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("recent enough", func(t *testing.T) {
		p := fakeTerraform(t, "1.9.8")
		t.Setenv(BinaryEnv, p)
		b, err := Find(ctx)
		if err != nil || b.Path != p || b.Version.String() != "1.9.8" {
			t.Errorf("Find = %+v, %v", b, err)
		}
	})
}
