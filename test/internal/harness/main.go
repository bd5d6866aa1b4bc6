package harness

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
	"time"
)

// goTestDefaultTimeout is what `go test` passes as -test.timeout when the
// user gave none.
const goTestDefaultTimeout = 10 * time.Minute

// Main runs a suite's tests, raising go test's default 10-minute timeout
// to want: these suites plan and apply a 170-resource stack, which on a
// busy 2-core machine can exceed 10 minutes, and plain `go test ./test/...`
// must work. An explicit -timeout other than the default is respected.
//
// The emulator runs in its own process group (so `tfgate local start` can
// outlive the CLI), which means it would also outlive a test binary that
// dies of a timeout panic or a signal, where t.Cleanup never runs. Main
// therefore stops every tracked emulator shortly before the deadline and on
// SIGINT/SIGTERM.
func Main(m *testing.M, want time.Duration) {
	flag.Parse()
	timeout := want
	if f := flag.Lookup("test.timeout"); f != nil {
		d, err := time.ParseDuration(f.Value.String())
		if err == nil && d == goTestDefaultTimeout {
			_ = flag.Set("test.timeout", want.String())
		} else if err == nil {
			timeout = d
		}
	}
	if timeout > time.Minute {
		t := time.AfterFunc(timeout-45*time.Second, func() {
			fmt.Fprintf(os.Stderr, "harness: the suite is about to hit its %s timeout; stopping the emulators it started\n", timeout)
			stopTracked()
		})
		defer t.Stop()
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		fmt.Fprintf(os.Stderr, "harness: %s: stopping the emulators this suite started\n", s)
		stopTracked()
		os.Exit(1)
	}()
	os.Exit(m.Run())
}

// stopper is what Track needs of an emulator.
type stopper interface {
	Stop() error
	PID() int
}

var (
	trackedMu sync.Mutex
	tracked   []stopper
)

// Track registers an emulator to stop if the test binary is about to die
// without running its cleanups.
func Track(e stopper) {
	trackedMu.Lock()
	defer trackedMu.Unlock()
	tracked = append(tracked, e)
}

func stopTracked() {
	trackedMu.Lock()
	defer trackedMu.Unlock()
	for _, e := range tracked {
		if err := e.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "harness: stop emulator pid %d: %v\n", e.PID(), err)
		}
	}
	tracked = nil
}
