package terraform

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mirrorDir(t *testing.T, with bool) string {
	d := t.TempDir()
	if with {
		os.MkdirAll(filepath.Join(d, "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"), 0o755)
	}
	return d
}

// isolateMirrors points every implied mirror location at empty temp dirs.
func isolateMirrors(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "data"))
	t.Setenv("XDG_DATA_DIRS", filepath.Join(home, "shared"))
	t.Setenv(PluginDirEnv, "")
	t.Chdir(t.TempDir())
	return home
}

func TestPluginDir(t *testing.T) {
	t.Run("flag wins", func(t *testing.T) {
		isolateMirrors(t)
		m := mirrorDir(t, true)
		t.Setenv(PluginDirEnv, mirrorDir(t, true))
		got, from, err := PluginDir(m)
		if err != nil || got != m || from != MirrorFlag {
			t.Errorf("PluginDir = %s %s %v", got, from, err)
		}
	})
	t.Run("env next", func(t *testing.T) {
		isolateMirrors(t)
		m := mirrorDir(t, true)
		t.Setenv(PluginDirEnv, m)
		got, from, err := PluginDir("")
		if err != nil || got != m || from != MirrorEnv {
			t.Errorf("PluginDir = %s %s %v", got, from, err)
		}
	})
	t.Run("implied mirror", func(t *testing.T) {
		home := isolateMirrors(t)
		implied := filepath.Join(home, "data", "terraform", "plugins")
		os.MkdirAll(filepath.Join(implied, "registry.terraform.io/hashicorp/aws"), 0o755)
		got, from, err := PluginDir("")
		if err != nil || got != implied || from != MirrorImplied {
			t.Errorf("PluginDir = %s %s %v", got, from, err)
		}
	})
	t.Run("none means registry", func(t *testing.T) {
		isolateMirrors(t)
		got, from, err := PluginDir("")
		if err != nil || got != "" || from != MirrorRegistry {
			t.Errorf("PluginDir = %s %s %v", got, from, err)
		}
	})
	t.Run("explicit dir without aws names both fixes", func(t *testing.T) {
		isolateMirrors(t)
		_, _, err := PluginDir(mirrorDir(t, false))
		var pm *ProviderMissingError
		if !errors.As(err, &pm) {
			t.Fatalf("err = %v", err)
		}
		msg := err.Error()
		for _, want := range []string{"hashicorp/aws", "registry.terraform.io", "--plugin-dir", PluginDirEnv} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q lacks %q", msg, want)
			}
		}
	})
	t.Run("explicit dir missing", func(t *testing.T) {
		isolateMirrors(t)
		_, _, err := PluginDir("/does/not/exist")
		if err == nil || !strings.Contains(err.Error(), "--plugin-dir /does/not/exist") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestImpliedMirrorDirsFollowXDG(t *testing.T) {
	home := isolateMirrors(t)
	t.Setenv("XDG_DATA_DIRS", "/a:/b")
	dirs := ImpliedMirrorDirs()
	want := []string{
		filepath.Join(home, ".terraform.d/plugins"),
		filepath.Join(home, "data/terraform/plugins"),
		"/a/terraform/plugins",
		"/b/terraform/plugins",
	}
	got := strings.Join(dirs[1:], ",") // [0] is ./terraform.d/plugins
	if got != strings.Join(want, ",") || !strings.HasSuffix(dirs[0], "terraform.d/plugins") {
		t.Errorf("ImpliedMirrorDirs = %v", dirs)
	}
}
