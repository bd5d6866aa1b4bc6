//go:build !(linux || darwin)

package run

// statfsFree is unknown here: errors are reported as Terraform gave them.
func statfsFree(string) (uint64, bool) { return 0, false }
