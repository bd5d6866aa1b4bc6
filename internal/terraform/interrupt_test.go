package terraform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// slowTerraform is a stand-in terraform whose plan runs until interrupted
// twice, recording each interrupt it receives in $MARK.
const slowTerraform = `#!/bin/sh
case "$1" in
version) echo '{"terraform_version":"1.11.4","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}'; exit 0;;
esac
count=0
trap 'count=$((count+1)); echo "interrupt $count" >> "$MARK"; if [ $count -ge 2 ]; then exit 130; fi' INT
echo '{"type":"version","terraform":"1.11.4"}'
echo started >> "$MARK"
i=0
while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
exit 0
`

func waitFor(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if data, _ := os.ReadFile(path); strings.Contains(string(data), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	data, _ := os.ReadFile(path)
	t.Fatalf("%q never appeared in %s: %q", want, path, data)
}

// TestInterruptForwarding: the first Ctrl-C reaches Terraform as an
// interrupt (via terraform-exec's context cancellation) and tfgate waits;
// the second is forwarded too, which makes Terraform exit at once.
func TestInterruptForwarding(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "terraform")
	if err := os.WriteFile(bin, []byte(slowTerraform), 0o755); err != nil {
		t.Fatal(err)
	}
	mark := filepath.Join(dir, "mark")
	cfg := repo(t)
	l, _ := NewLayout(cfg, "dev", false)
	r := &Runner{Bin: &Binary{Path: bin, Version: version.Must(version.NewVersion("1.11.4"))}, Layout: l,
		Env: map[string]string{"PATH": os.Getenv("PATH"), "MARK": mark}}

	var mu sync.Mutex
	var notes []string
	ctx, stop := Interrupt(context.Background(), func(s string) { mu.Lock(); notes = append(notes, s); mu.Unlock() })
	defer stop()
	done := make(chan error, 1)
	go func() {
		prog := NewProgress(&strings.Builder{}, ProgressOptions{Mode: Quiet})
		_, err := r.Plan(ctx, PlanOptions{}, prog)
		done <- err
	}()
	waitFor(t, mark, "started")

	syscall.Kill(os.Getpid(), syscall.SIGINT)
	waitFor(t, mark, "interrupt 1")
	select {
	case err := <-done:
		t.Fatalf("tfgate stopped waiting after the first interrupt: %v", err)
	case <-time.After(500 * time.Millisecond):
	}

	syscall.Kill(os.Getpid(), syscall.SIGINT)
	waitFor(t, mark, "interrupt 2")
	select {
	case err := <-done:
		var ce *CommandError
		if !errors.As(err, &ce) || !ce.Interrupted {
			t.Errorf("err = %v, want an interrupted CommandError", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("terraform did not exit after the second interrupt")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notes) != 2 || !strings.Contains(notes[0], "stop cleanly") || !strings.Contains(notes[1], "forcing") {
		t.Errorf("notes = %q", notes)
	}
}
