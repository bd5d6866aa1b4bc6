//go:build linux || darwin

package run

import "syscall"

// statfsFree is the space an unprivileged process can still write in dir.
func statfsFree(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}
