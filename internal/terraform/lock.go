package terraform

import (
	"fmt"
	"io"
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
	f    *os.File
	path string
	dirs []string // created by AcquireLock, removed by Release when empty
	// previous is the holder line a run that died without releasing left
	// in the file ("" normally: Release removes the file).
	previous string
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
//
// Release removes the lock file (and the directories it created when they
// are empty), so a run that fails early leaves nothing under .tfgate/. That
// makes the classic unlink race possible: a run that opened the file just
// before it was removed would lock a dead inode. So after locking, the file
// at the path must still be the one locked; otherwise try again.
func AcquireLock(l Layout, command string) (*Lock, error) {
	p := l.LockPath()
	for attempt := 0; ; attempt++ {
		created, err := mkdirs(filepath.Dir(p))
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			if os.IsNotExist(err) && attempt < 5 {
				continue // a directory vanished under a releasing run
			}
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			holder, _ := os.ReadFile(p)
			f.Close()
			return nil, &EnvLockedError{Env: l.Env, Path: l.Rel(p), Holder: strings.TrimSpace(string(holder))}
		}
		if !samePath(f, p) {
			f.Close()
			if attempt < 5 {
				continue
			}
			return nil, fmt.Errorf("lock %s: the lock file keeps being replaced", l.Rel(p))
		}
		prev, _ := io.ReadAll(f)
		f.Truncate(0)
		f.Seek(0, io.SeekStart)
		fmt.Fprintf(f, "tfgate %s (pid %d, since %s)\n", command, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
		return &Lock{f: f, path: p, dirs: created, previous: strings.TrimSpace(string(prev))}, nil
	}
}

// samePath reports whether the open file f is still the file at p.
func samePath(f *os.File, p string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(p)
	return err == nil && os.SameFile(a, b)
}

// mkdirs is os.MkdirAll that returns the directories it created, deepest
// first, so Release can remove exactly those (when still empty).
func mkdirs(dir string) ([]string, error) {
	var created []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		created = append(created, d)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return created, nil
}

// Release drops the lock and removes its file.
func (k *Lock) Release() {
	if k == nil || k.f == nil {
		return
	}
	// Unlink before unlocking: a run that opens the path from now on gets
	// a new file, and one that opened the old file sees it is gone.
	os.Remove(k.path)
	syscall.Flock(int(k.f.Fd()), syscall.LOCK_UN)
	k.f.Close()
	k.f = nil
	for _, d := range k.dirs {
		os.Remove(d) // only succeeds when empty
	}
}

// StaleLock describes what Unlock removed.
type StaleLock struct {
	Holder string   // the lock file's holder line, "" when it had none
	Files  []string // repository-relative files removed
}

// Unlock clears what a killed run left behind on an environment: tfgate's
// lock file and, in local mode, Terraform's lock info next to the state. It
// refuses while a live process holds the lock (an EnvLockedError naming
// it): only a dead run's lock may be cleared. Both locks are flocks, so the
// kernel freed them with the process; what remains is their files, which
// mislead a reader about who is running.
func Unlock(l Layout) (*StaleLock, error) {
	lk, err := AcquireLock(l, "unlock")
	if err != nil {
		return nil, err
	}
	// Holding the lock now, the previous holder is gone.
	out := &StaleLock{Holder: lk.previous}
	lk.Release()
	info := filepath.Join(l.ModeDir(), ".terraform.tfstate.lock.info")
	if l.Local {
		if _, err := os.Stat(info); err == nil {
			if err := os.Remove(info); err != nil {
				return nil, err
			}
			out.Files = append(out.Files, l.Rel(info))
		}
	}
	return out, nil
}
