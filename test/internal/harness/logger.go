package harness

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gruntwork-io/terratest/modules/logger"
	ttesting "github.com/gruntwork-io/terratest/modules/testing"
)

// tailLogger keeps Terraform's last lines instead of streaming thousands of
// plan lines into the test log; they are printed only when the test fails.
type tailLogger struct {
	mu    sync.Mutex
	lines []string
	max   int
}

func (l *tailLogger) Logf(_ ttesting.TestingT, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := fmt.Sprintf(format, args...)
	// `show -json` prints the whole plan on one line: keep its head only.
	if len(line) > 400 {
		line = line[:400] + fmt.Sprintf("... (%d bytes)", len(line))
	}
	l.lines = append(l.lines, line)
	if len(l.lines) > l.max {
		l.lines = l.lines[len(l.lines)-l.max:]
	}
}

func quietLogger(t testing.TB) *logger.Logger {
	l := &tailLogger{max: 60}
	t.Cleanup(func() {
		if t.Failed() {
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Logf("last terraform output:\n%s", strings.Join(l.lines, "\n"))
		}
	})
	return logger.New(l)
}
