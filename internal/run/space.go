package run

import (
	"fmt"
	"path/filepath"
)

// lowSpace is the free space under which a failure to read a file
// Terraform just wrote is blamed on a full disk: Terraform writes a saved
// plan that did not fit truncated, without an error, and `terraform show`
// then only says it cannot read it.
const lowSpace = 1 << 20

// freeBytes is statfsFree; tests replace it to simulate a full disk.
var freeBytes = statfsFree

// diskFull says, when the filesystem holding path is (nearly) full, that
// this is why err happened; otherwise it returns err unchanged.
func diskFull(path string, rel string, err error) error {
	free, ok := freeBytes(filepath.Dir(path))
	if !ok || free >= lowSpace {
		return err
	}
	return fmt.Errorf("%s: no space left on device (%d KiB free): Terraform could not write it whole; free space and plan again", rel, free/1024)
}
