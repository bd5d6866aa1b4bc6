package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Lock is tfgate's own lock on an environment, held for a whole command:
// two tfgate runs on one environment would otherwise race on the saved plan
// and the working copy before Terraform's state lock is even taken. It is an
// flock, so a crashed run releases it with its process.
type Lock struct {
	f *os.File
}

// EnvLockedError means another tfgate run holds the environment.
type EnvLockedError struct {
	Env    string
	Path   string
	Holder string
}

func (e *EnvLockedError) Error() string {
	h := e.Holder
	if h == "" {
		h = "another tfgate run"
	}
	return fmt.Sprintf("environment %s is locked by %s (lock file %s); wait for it to finish", e.Env, h, e.Path)
}

// AcquireLock takes the environment's lock without waiting.
func AcquireLock(l Layout, command string) (*Lock, error) {
	p := l.LockPath()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(p)
		f.Close()
		return nil, &EnvLockedError{Env: l.Env, Path: l.Rel(p), Holder: strings.TrimSpace(string(holder))}
	}
	f.Truncate(0)
	fmt.Fprintf(f, "tfgate %s (pid %d, since %s)\n", command, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	return &Lock{f: f}, nil
}

// Release drops the lock.
func (k *Lock) Release() {
	if k == nil || k.f == nil {
		return
	}
	k.f.Truncate(0)
	syscall.Flock(int(k.f.Fd()), syscall.LOCK_UN)
	k.f.Close()
	k.f = nil
}
