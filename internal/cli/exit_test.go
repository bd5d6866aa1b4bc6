package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/saprism/tfgate/internal/run"
	"github.com/saprism/tfgate/internal/suite"
)

// Exit codes are decided in exitCode only: a refusal (wrapped or not) is 1,
// with its reason when there is one; everything else is 2 with its message.
func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		msg  string
	}{
		{nil, ExitPass, ""},
		{&run.DeniedError{}, ExitDenied, ""},
		{fmt.Errorf("apply: %w", &run.DeniedError{Reason: "apply refused: the gate denied this plan"}), ExitDenied, "apply refused: the gate denied this plan"},
		{&suite.FailedError{Failed: 2}, ExitDenied, "test: 2 tests failed"},
		{errors.New("--env is required"), ExitError, "--env is required"},
	} {
		code, msg := exitCode(c.err)
		if code != c.code || msg != c.msg {
			t.Errorf("exitCode(%v) = %d %q, want %d %q", c.err, code, msg, c.code, c.msg)
		}
	}
}
