package terraform

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-version"
)

// TerraformModule is the Go module Terraform's CLI is built from.
const TerraformModule = "github.com/hashicorp/terraform"

// GoProxy builds Terraform from source with `go install module@version`
// through the Go module proxy (GOPROXY): for machines that reach the proxy
// but not releases.hashicorp.com. The module proxy serves the tagged source
// with go.sum-checked dependencies; the binary reports "<version>-dev".
//
// Some releases cannot be built that way (go install refuses a module whose
// go.mod has replace directives, which Terraform >= 1.9 has); then the
// newest older release >= MinVersion that builds is used, and Installed.Note
// says so.
type GoProxy struct {
	// Go is the go command (default: go on PATH). Tests put a stand-in here.
	Go string
	// Heartbeat is how often build progress is reported (default 15 s).
	Heartbeat time.Duration
}

func (g *GoProxy) Source() Source { return FromGoProxy }

func (g *GoProxy) Install(ctx context.Context, want *version.Version, stage string, progress io.Writer) (*Installed, error) {
	goBin := g.Go
	if goBin == "" {
		goBin = "go"
	}
	goBin, err := exec.LookPath(goBin)
	if err != nil {
		return nil, errNoGo
	}
	if progress == nil {
		progress = io.Discard
	}
	firstErr := g.build(ctx, goBin, want, stage, progress)
	if firstErr == nil {
		return &Installed{Path: filepath.Join(stage, "terraform")}, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	candidates, err := g.olderReleases(ctx, goBin, want)
	if err != nil {
		return nil, fmt.Errorf("%s does not build (%v), and listing other versions failed: %v", want, firstErr, err)
	}
	tried := []string{want.String()}
	for _, v := range candidates {
		fmt.Fprintf(progress, "terraform: %s does not build with go install (%v); trying %s, the newest older release\n", tried[len(tried)-1], firstLine(firstErr), v)
		err := g.build(ctx, goBin, v, stage, progress)
		if err == nil {
			return &Installed{
				Path: filepath.Join(stage, "terraform"),
				Note: fmt.Sprintf("built %s because %s (the pinned version) does not build with go install: %v", v, want, firstErr),
			}, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tried = append(tried, v.String())
		firstErr = err
	}
	return nil, fmt.Errorf("no release >= %s builds with go install (tried %s; last: %v)", MinVersion, strings.Join(tried, ", "), firstErr)
}

// olderReleases lists the module's releases below want and >= MinVersion,
// newest first (pre-releases left out). Older, not newer: the pinned
// version is what CI tests, and a release it already superseded is closer
// to it than one nobody here has run.
func (g *GoProxy) olderReleases(ctx context.Context, goBin string, want *version.Version) ([]*version.Version, error) {
	cmd := exec.CommandContext(ctx, goBin, "list", "-m", "-versions", TerraformModule)
	cmd.Dir = os.TempDir() // outside any module: the listing is the proxy's
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			return nil, firstLine(fmt.Errorf("%s", ee.Stderr))
		}
		return nil, err
	}
	min := version.Must(version.NewVersion(MinVersion))
	var vs []*version.Version
	fields := strings.Fields(string(out)) // "module v1 v2 ..."
	if len(fields) > 0 {
		fields = fields[1:]
	}
	for _, f := range fields {
		v, err := version.NewVersion(f)
		if err != nil || v.Prerelease() != "" || v.LessThan(min) || !v.LessThan(want) {
			continue
		}
		vs = append(vs, v)
	}
	sort.Sort(sort.Reverse(version.Collection(vs)))
	return vs, nil
}

// build runs `go install -v module@vX` with GOBIN=stage, reporting progress
// (modules downloaded, packages compiled, time) at every heartbeat.
func (g *GoProxy) build(ctx context.Context, goBin string, v *version.Version, stage string, progress io.Writer) error {
	work, err := os.MkdirTemp("", "tfgate-go-install-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	cmd := exec.CommandContext(ctx, goBin, "install", "-v", TerraformModule+"@v"+v.String())
	cmd.Dir = work // outside any module, so no go.mod or go.work of the caller applies
	cmd.Env = append(os.Environ(), "GOBIN="+stage, "GOWORK=off")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	cmd.Stdout = cmd.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	fmt.Fprintf(progress, "terraform: building %s with `go install %s@v%s` (a few minutes on 2 cores)\n", v, TerraformModule, v)
	var (
		mu              sync.Mutex
		downloads, pkgs int
		tail            []string
		heartbeat       = g.Heartbeat
		done            = make(chan struct{})
		readerFinished  = make(chan struct{})
	)
	if heartbeat == 0 {
		heartbeat = 15 * time.Second
	}
	go func() {
		defer close(readerFinished)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			switch {
			case strings.HasPrefix(line, "go: downloading "):
				downloads++
			case !strings.HasPrefix(line, "go:") && !strings.ContainsAny(line, " \t") && line != "":
				pkgs++ // -v prints each package it compiles, one path a line
			default:
				tail = append(tail, line)
				if len(tail) > 20 {
					tail = tail[1:]
				}
			}
			mu.Unlock()
		}
	}()
	go func() {
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				mu.Lock()
				fmt.Fprintf(progress, "terraform: building %s: %s, %d modules downloaded, %d packages compiled\n",
					v, time.Since(start).Round(time.Second), downloads, pkgs)
				mu.Unlock()
			}
		}
	}()
	<-readerFinished
	err = cmd.Wait()
	close(done)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		return buildError(err, tail)
	}
	if _, err := os.Stat(filepath.Join(stage, "terraform")); err != nil {
		return fmt.Errorf("go install succeeded but left no terraform in %s", stage)
	}
	fmt.Fprintf(progress, "terraform: built %s in %s\n", v, time.Since(start).Round(time.Second))
	return nil
}

// buildError is go install's failure in one line.
func buildError(err error, tail []string) error {
	msg := strings.Join(strings.Fields(strings.Join(tail, " ")), " ")
	if strings.Contains(msg, "replace directives") {
		return fmt.Errorf("its go.mod has replace directives, which go install module@version refuses")
	}
	if msg == "" {
		return err
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return fmt.Errorf("%s", msg)
}
