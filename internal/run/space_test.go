package run

import (
	"errors"
	"strings"
	"testing"
)

func TestDiskFullOnlyBlamesAFullDisk(t *testing.T) {
	orig := errors.New("Failed to read the given file as a state or plan file")
	dir := t.TempDir()
	if free, ok := freeBytes(dir); !ok || free < lowSpace {
		t.Skipf("this machine's temp dir is not a disk with room (%d bytes free, known %v)", free, ok)
	}
	if got := diskFull(dir+"/tfplan", "tfplan", orig); got != orig {
		t.Errorf("disk with room: %v, want Terraform's error unchanged", got)
	}
	// A missing directory: free space unknown, so the error is unchanged.
	if got := diskFull("/nonexistent/dir/tfplan", "tfplan", orig); got != orig || strings.Contains(got.Error(), "no space") {
		t.Errorf("unknown free space: %v", got)
	}
}

func TestDiskFullNamesTheFile(t *testing.T) {
	orig := errors.New("Failed to read the given file as a state or plan file")
	defer func(f func(string) (uint64, bool)) { freeBytes = f }(freeBytes)
	freeBytes = func(string) (uint64, bool) { return 4096, true }
	got := diskFull("/x/.tfgate/dev/local/tfplan", ".tfgate/dev/local/tfplan", orig)
	if got == orig || !strings.Contains(got.Error(), ".tfgate/dev/local/tfplan: no space left on device (4 KiB free)") {
		t.Errorf("full disk: %v", got)
	}
}
