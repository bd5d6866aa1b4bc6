//go:build !(linux || darwin)

package run

// freeBytes is unknown here: errors are reported as Terraform gave them.
func freeBytes(string) (uint64, bool) { return 0, false }
