package run

import (
	"context"
	"errors"
	"path/filepath"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

func (e *Env) emulatorDir() string { return config.EmulatorDir(e.layout.Root) }

// attachEmulator finds the running emulator, or starts one when allowed.
func (e *Env) attachEmulator(ctx context.Context) error {
	dir := e.emulatorDir()
	emu, err := emulator.Attach(dir)
	if err == nil {
		e.emu = emu
		return nil
	}
	if !errors.Is(err, emulator.ErrNotRunning) {
		return err
	}
	if !e.o.StartEmulator {
		return errNoEmulator
	}
	e.infof("starting the local AWS emulator...")
	if emu, err = emulator.Start(ctx, emulator.Options{StateDir: dir, NoInstall: e.o.NoInstall, Progress: e.o.Log}); err != nil {
		return err
	}
	e.infof("emulator: %s (pid %d, log %s)", emu.Endpoint(), emu.PID(), e.layout.Rel(filepath.Join(dir, "emulator.log")))
	e.emu, e.emuStarted = emu, true
	return nil
}

// MarkEmulatorOwned records, when this run started the emulator, that
// `down` may stop it again; without the mark `down` leaves it running, so a
// failure to write it is said.
func (e *Env) MarkEmulatorOwned() {
	if !e.emuStarted {
		return
	}
	if err := emulator.MarkOwner(e.layout.ModeDir()); err != nil {
		e.infof("warning: cannot record that this run started the emulator (%v); stop it with `tfgate local stop`", err)
	}
}

// StopUnusedEmulator stops an emulator this run started when nothing was
// applied to it yet, so a failed `up` leaves no process behind.
func (e *Env) StopUnusedEmulator() {
	if !e.emuStarted || e.emu == nil || tfg.HasResources(e.layout.StatePath()) {
		return
	}
	e.infof("stopping the emulator this run started (nothing was applied)")
	e.emu.Stop()
	emulator.Release(e.layout.ModeDir(), true)
}

// StopOwnedEmulator stops the emulator after `down --local` when tfgate
// started it (this run, or `up`), unless another environment still has
// resources on it.
func (e *Env) StopOwnedEmulator() {
	if !e.layout.Local || e.emu == nil {
		return
	}
	if !emulator.Release(e.layout.ModeDir(), e.emuStarted) {
		e.infof("the emulator keeps running (started with `tfgate local start`; stop it with `tfgate local stop`)")
		return
	}
	if others := tfg.LocalStatesWithResources(e.layout.Root, e.layout.StatePath()); len(others) > 0 {
		e.infof("the emulator keeps running: %s still has resources on it", e.layout.Rel(others[0]))
		return
	}
	if err := e.emu.Stop(); err != nil {
		e.infof("warning: stopping the emulator (pid %d): %v", e.emu.PID(), err)
		return
	}
	e.infof("stopped the local emulator (pid %d)", e.emu.PID())
}

// reportLeftovers says what the emulator still holds after a destroy
// (a resource the emulator cannot delete leaks silently otherwise).
func (e *Env) reportLeftovers(ctx context.Context) {
	res, err := e.emu.Resources(ctx)
	if err != nil || len(res) == 0 {
		return
	}
	e.infof("warning: the emulator still holds %s after destroy:", Plural(len(res), "resource"))
	for i, r := range res {
		if i == 10 {
			e.infof("  ... and %d more", len(res)-10)
			break
		}
		e.infof("  %s", r.String())
	}
}
