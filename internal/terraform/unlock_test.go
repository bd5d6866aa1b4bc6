package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/config"
)

func TestUnlock(t *testing.T) {
	l := Layout{Root: t.TempDir(), Env: "dev", Local: true}
	// Nothing to clear.
	st, err := Unlock(l)
	if err != nil || st.Holder != "" || len(st.Files) != 0 {
		t.Fatalf("%+v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(l.Root, config.StateRoot)); !os.IsNotExist(err) {
		t.Fatalf("unlock of an unlocked env left %s behind", config.StateRoot)
	}
	// A live holder: refused, naming it.
	lk, err := AcquireLock(l, "up")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(l); err == nil || !strings.Contains(err.Error(), "locked by tfgate up (pid") {
		t.Fatalf("unlock while held: %v", err)
	}
	lk.Release()
	// What a killed run leaves: its holder line and Terraform's lock info.
	os.MkdirAll(l.ModeDir(), 0o755)
	os.WriteFile(l.LockPath(), []byte("tfgate apply (pid 999999, since 2026-12-01T00:00:00Z)\n"), 0o644)
	os.WriteFile(filepath.Join(l.ModeDir(), ".terraform.tfstate.lock.info"), []byte(`{"ID":"x"}`), 0o644)
	st, err = Unlock(l)
	if err != nil || !strings.Contains(st.Holder, "pid 999999") || len(st.Files) != 1 {
		t.Fatalf("%+v %v", st, err)
	}
	if _, err := os.Stat(l.LockPath()); !os.IsNotExist(err) {
		t.Fatal("lock file left")
	}
	// And a fresh lock works.
	lk, err = AcquireLock(l, "plan")
	if err != nil {
		t.Fatal(err)
	}
	lk.Release()
}
