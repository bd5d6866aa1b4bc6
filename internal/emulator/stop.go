package emulator

import (
	"errors"
	"fmt"
)

// StopAny stops the emulator recorded in stateDir, whatever its state, and
// says what it did: `tfgate local stop` must leave no process, so one that
// is alive but does not answer (hung, half-started) is stopped by its
// recorded pid.
func StopAny(stateDir string) (string, error) {
	e, err := Attach(stateDir)
	if errors.Is(err, ErrNotRunning) {
		return "emulator: not running", nil
	}
	if err != nil {
		if serr := StopRecorded(stateDir); serr != nil {
			return "", fmt.Errorf("%w; stopping it failed: %w", err, serr)
		}
		return fmt.Sprintf("emulator did not answer; stopped by its recorded pid (%v)", err), nil
	}
	if err := e.Stop(); err != nil {
		return "", fmt.Errorf("stopping the emulator (pid %d): %w", e.PID(), err)
	}
	return fmt.Sprintf("emulator stopped (pid %d)", e.PID()), nil
}

// String is the status as `tfgate local status` prints it.
func (s State) String() string {
	if !s.Running {
		return "emulator: not running"
	}
	return fmt.Sprintf("emulator: running at %s (pid %d, since %s)\nlog: %s", s.Endpoint, s.PID, s.Since.Format("2006-01-02 15:04:05 MST"), s.LogPath)
}
