package config

import (
	"fmt"
	"os"
	"path/filepath"
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
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("tfgate's cache: %w (set XDG_CACHE_HOME or HOME)", err)
	}
	return filepath.Join(base, "tfgate"), nil
}
