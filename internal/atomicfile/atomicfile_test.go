package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "report.sarif")
	if err := WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new content"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	st, _ := os.Stat(p)
	if string(got) != "new content" || st.Mode().Perm() != 0o600 {
		t.Fatalf("got %q mode %v", got, st.Mode())
	}
	onlyFiles(t, dir, "report.sarif")
}

// A renderer failing half-way leaves the previous file and no temporary.
func TestFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "r.xml")
	if err := WriteFile(p, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("renderer failed")
	err := Write(p, 0o644, func(w io.Writer) error {
		io.WriteString(w, "<half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "previous" {
		t.Fatalf("target changed: %q", got)
	}
	onlyFiles(t, dir, "r.xml")
	// And when there was no file before, there is none after.
	q := filepath.Join(dir, "new.md")
	if err := Write(q, 0o644, func(io.Writer) error { return boom }); err == nil {
		t.Fatal("no error")
	}
	onlyFiles(t, dir, "r.xml")
}

func onlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	if len(es) != len(names) {
		var got []string
		for _, e := range es {
			got = append(got, e.Name())
		}
		t.Fatalf("dir holds %v, want %v", got, names)
	}
}
