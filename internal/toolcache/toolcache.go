// Package toolcache is tfgate's per-user cache of the tools it installs for
// itself (Terraform, the emulator's Python environment): where it is,
// whether installing is allowed, and the lock that keeps two tfgate runs
// from installing into it at once.
package toolcache

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// NoInstallEnv turns off every install tfgate would do on its own (the
// Terraform binary, the emulator's Python environment): CI that pins its
// own tools sets it, like the --no-install flag.
const NoInstallEnv = "TFGATE_NO_INSTALL"

// NoInstall reports whether NoInstallEnv asks tfgate not to install
// anything ("1", "true", "yes").
func NoInstall(getenv func(string) string) bool {
	switch getenv(NoInstallEnv) {
	case "1", "true", "TRUE", "yes":
		return true
	}
	return false
}

// CacheDir is tfgate's per-user cache ($XDG_CACHE_HOME/tfgate, else
// ~/.cache/tfgate on Linux): the tools tfgate installs for itself live
// there, shared by every clone, never inside a repository.
func Dir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("tfgate's cache: %w (set XDG_CACHE_HOME or HOME)", err)
	}
	return filepath.Join(base, "tfgate"), nil
}

// Lock takes an exclusive flock on dir/.lock so two tfgate runs (or parallel
// tests) never install into dir at once; it says on out when it has to wait.
// The returned func releases it; a crashed run releases it with its process.
func Lock(dir string, out io.Writer, what string) (func(), error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tfgate's cache: %w", err)
	}
	fh, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("tfgate's cache: %w", err)
	}
	if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintf(out, "%s: waiting for another tfgate that is installing into %s\n", what, dir)
		if err := syscall.Flock(int(fh.Fd()), syscall.LOCK_EX); err != nil {
			fh.Close()
			return nil, fmt.Errorf("tfgate's cache: lock %s: %w", dir, err)
		}
	}
	return func() {
		syscall.Flock(int(fh.Fd()), syscall.LOCK_UN)
		fh.Close()
	}, nil
}
