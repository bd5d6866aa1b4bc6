package run

import (
	"errors"
	"strings"
	"testing"
)

func TestDiskFullOnlyBlamesAFullDisk(t *testing.T) {
	orig := errors.New("Failed to read the given file as a state or plan file")
	// A temp dir on this machine has far more than lowSpace free.
	if got := diskFull(t.TempDir()+"/tfplan", "tfplan", orig); got != orig {
		t.Errorf("disk with room: %v, want Terraform's error unchanged", got)
	}
	free, ok := freeBytes(t.TempDir())
	if !ok || free < lowSpace {
		t.Skipf("cannot tell free space here (%d, %v)", free, ok)
	}
	// A missing directory: free space unknown, so the error is unchanged.
	if got := diskFull("/nonexistent/dir/tfplan", "tfplan", orig); got != orig || strings.Contains(got.Error(), "no space") {
		t.Errorf("unknown free space: %v", got)
	}
}
