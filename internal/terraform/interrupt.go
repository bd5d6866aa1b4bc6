package terraform

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ForceWait is how long Terraform gets to exit after the second interrupt
// before it and its providers are killed.
const ForceWait = 10 * time.Second

// Interrupt returns a context cancelled by the first SIGINT/SIGTERM. On
// cancellation terraform-exec sends Terraform an interrupt and waits for it
// to stop cleanly: in-flight operations finish and state is written.
// Terraform runs in its own process group, so the terminal's Ctrl-C reaches
// only tfgate and this is the one path a signal takes. A second signal is
// forwarded to Terraform, which makes it exit at once ("Two interrupts
// received"); if it is still there after ForceWait, its process group is
// killed. notify tells the user what is happening.
func Interrupt(parent context.Context, notify func(string)) (context.Context, func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		count := 0
		for {
			select {
			case <-done:
				return
			case <-sigs:
				count++
				if count == 1 {
					notify("interrupt: asking Terraform to stop cleanly and save its state (Ctrl-C again to force)")
					cancel()
					continue
				}
				notify("second interrupt: forcing Terraform to exit; state may miss in-flight changes")
				pids := terraformChildren()
				for _, pid := range pids {
					syscall.Kill(pid, syscall.SIGINT)
				}
				go func() {
					time.Sleep(ForceWait)
					for _, pid := range pids {
						syscall.Kill(-pid, syscall.SIGKILL)
					}
				}()
			}
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

// terraformChildren lists this process's child processes running terraform
// (terraform-exec does not expose the process it starts).
func terraformChildren() []int {
	self := os.Getpid()
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after ')'.
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		comm := s[strings.IndexByte(s, '(')+1 : i]
		if ppid == self && strings.HasPrefix(comm, "terraform") {
			out = append(out, pid)
		}
	}
	return out
}
