package emulator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Ownership: `tfgate up --local` may start the emulator, and `tfgate down
// --local` (another process, later) must know whether to stop it again. The
// owner mark in the environment's mode dir says "tfgate up started it";
// an emulator started with `tfgate local start` has none and keeps running.

// OwnerMark is the owner mark's path in an environment's mode dir.
func OwnerMark(modeDir string) string { return filepath.Join(modeDir, "emulator.owned") }

// MarkOwner records that this environment's `up` started the emulator.
func MarkOwner(modeDir string) error {
	if err := os.MkdirAll(modeDir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(OwnerMark(modeDir), []byte("started by tfgate up\n"), 0o644)
}

// Release removes the owner mark and reports whether tfgate owns the
// emulator: it started it in this process (started) or the mark says so.
func Release(modeDir string, started bool) bool {
	mark := OwnerMark(modeDir)
	_, err := os.Stat(mark)
	os.Remove(mark)
	return started || err == nil
}

// Dead reports whether the emulator has exited.
func (e *Emulator) Dead() bool {
	if e.done != nil {
		select {
		case <-e.done:
			return true
		default:
			return false
		}
	}
	// Attached from another process: only ask the kernel, a health probe
	// every few seconds would flood the emulator's log.
	return errors.Is(syscall.Kill(e.pid, 0), syscall.ESRCH)
}

// WatchInterval is how often Watch checks that the emulator is alive.
var WatchInterval = 2 * time.Second

// Watch returns a context cancelled when the emulator dies, so Terraform
// stops instead of retrying against a dead endpoint; call stop when done.
// A nil emulator is never watched.
func (e *Emulator) Watch(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	if e == nil {
		return ctx, cancel
	}
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(WatchInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if e.Dead() {
					cancel()
					return
				}
			}
		}
	}()
	return ctx, func() { close(stop); cancel() }
}
