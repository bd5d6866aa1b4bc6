package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/saprism/tfgate/internal/toolcache"
)

// PinnedVersion is the Terraform tfgate installs when it finds none, and the
// one CI installs: the workflows' TERRAFORM_VERSION must be the same
// (internal/doctor TestWorkflowsPinWhatTfgateInstalls keeps them in step).
const PinnedVersion = "1.11.4"

// Installer puts one terraform binary into an empty staging directory.
type Installer interface {
	// Source names where the binary comes from, for messages and the cache.
	Source() Source
	// Install installs want (or, when the source cannot provide it, the
	// version it says in Installed.Note) into stage.
	Install(ctx context.Context, want *version.Version, stage string, progress io.Writer) (*Installed, error)
}

// Installed is what an Installer put into its stage.
type Installed struct {
	Path string
	// Note explains a version other than the one asked for.
	Note string
}

// Finder finds terraform and, unless NoInstall, installs the pinned version
// into tfgate's cache when none is found.
type Finder struct {
	// CacheDir is tfgate's cache root (default toolcache.Dir()); binaries
	// live in <CacheDir>/terraform/<version>/terraform.
	CacheDir string
	// Version to install (default PinnedVersion).
	Version string
	// NoInstall: find only (--no-install, TFGATE_NO_INSTALL).
	NoInstall bool
	// Progress receives which source was used and install progress
	// (stderr); nil discards.
	Progress io.Writer
	// Installers are tried in order (default: releases.hashicorp.com, whose
	// signature and checksum hc-install verifies, then a build from the Go
	// module proxy).
	Installers []Installer
}

// Ensure finds terraform like Find and installs it when none is found
// (unless noInstall): the entry point of every command that runs terraform.
func Ensure(ctx context.Context, noInstall bool, progress io.Writer) (*Binary, error) {
	f := Finder{NoInstall: noInstall, Progress: progress}
	return f.Find(ctx)
}

// origin is <version dir>/origin.json: how a cached binary got there.
type origin struct {
	Source      Source    `json:"source"`
	Requested   string    `json:"requested"`
	Version     string    `json:"version"`
	Note        string    `json:"note,omitempty"`
	InstalledAt time.Time `json:"installed_at"`
}

func (f *Finder) out() io.Writer {
	if f.Progress == nil {
		return io.Discard
	}
	return f.Progress
}

func (f *Finder) pinned() (*version.Version, error) {
	v := f.Version
	if v == "" {
		v = PinnedVersion
	}
	return version.NewVersion(v)
}

func (f *Finder) cacheRoot() (string, error) {
	dir := f.CacheDir
	if dir == "" {
		var err error
		if dir, err = toolcache.Dir(); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "terraform"), nil
}

// Find returns the terraform to use: TFGATE_TERRAFORM, else PATH
// (>= MinVersion), else tfgate's cache, else (unless NoInstall) the pinned
// version installed into the cache.
func (f *Finder) Find(ctx context.Context) (*Binary, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		return explicit(ctx, p)
	}
	b, skipped := onPath(ctx)
	if b != nil {
		return b, nil
	}
	tried := []string{skipped}
	want, err := f.pinned()
	if err != nil {
		return nil, fmt.Errorf("terraform version to install: %w", err)
	}
	root, err := f.cacheRoot()
	if err != nil {
		if f.NoInstall {
			return nil, &NotFoundError{Detail: strings.Join(append(tried, err.Error()), "; ")}
		}
		return nil, err
	}
	if b := cached(ctx, root, want); b != nil {
		fmt.Fprintf(f.out(), "%s\n", b.Describe())
		return b, nil
	}
	tried = append(tried, "none in "+root)
	if f.NoInstall {
		return nil, &NotFoundError{Detail: strings.Join(tried, "; ") + "; installing is off (--no-install or " + toolcache.NoInstallEnv + ")"}
	}
	return f.install(ctx, root, want)
}

// cached returns the pinned version from the cache, else the newest
// working one there.
func cached(ctx context.Context, root string, want *version.Version) *Binary {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var vs []*version.Version
	for _, e := range entries {
		if v, err := version.NewVersion(e.Name()); err == nil && e.IsDir() {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Equal(want) != vs[j].Equal(want) {
			return vs[i].Equal(want)
		}
		return vs[i].GreaterThan(vs[j])
	})
	for _, v := range vs {
		dir := filepath.Join(root, v.Original())
		b, err := probe(ctx, filepath.Join(dir, "terraform"))
		if err != nil {
			continue
		}
		b.Source = FromCache
		if data, err := os.ReadFile(filepath.Join(dir, "origin.json")); err == nil {
			var o origin
			if json.Unmarshal(data, &o) == nil {
				b.Detail = fmt.Sprintf("installed from %s on %s", o.Source, o.InstalledAt.Format("2006-01-02"))
				if o.Note != "" {
					b.Detail += "; " + o.Note
				}
			}
		}
		return b
	}
	return nil
}

// InstallError means every install source failed.
type InstallError struct {
	Version  string
	Attempts []string
}

func (e *InstallError) Error() string {
	return fmt.Sprintf("terraform not found, and installing %s failed: %s. Fix: install Terraform >= %s on PATH, set %s to a terraform binary, or give tfgate access to releases.hashicorp.com or the Go module proxy (with go on PATH)",
		e.Version, strings.Join(e.Attempts, "; "), MinVersion, BinaryEnv)
}

func (f *Finder) install(ctx context.Context, root string, want *version.Version) (*Binary, error) {
	unlock, err := toolcache.Lock(root, f.out(), "terraform")
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Another tfgate may have installed it while this one waited.
	if b := cached(ctx, root, want); b != nil {
		fmt.Fprintf(f.out(), "%s\n", b.Describe())
		return b, nil
	}
	installers := f.Installers
	if installers == nil {
		installers = []Installer{&Releases{}, &GoProxy{}}
	}
	failed := &InstallError{Version: want.String()}
	fmt.Fprintf(f.out(), "terraform: none found (%s, PATH, tfgate's cache); installing %s into %s\n", BinaryEnv, want, root)
	for i, in := range installers {
		if i == 0 {
			fmt.Fprintf(f.out(), "terraform: from %s\n", in.Source())
		}
		b, err := f.installFrom(ctx, in, root, want)
		if err == nil {
			fmt.Fprintf(f.out(), "%s\n", b.Describe())
			return b, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		failed.Attempts = append(failed.Attempts, fmt.Sprintf("%s: %v", in.Source(), err))
		if i+1 < len(installers) {
			fmt.Fprintf(f.out(), "terraform: %s failed (%v); trying %s\n", in.Source(), err, installers[i+1].Source())
		}
	}
	return nil, failed
}

func (f *Finder) installFrom(ctx context.Context, in Installer, root string, want *version.Version) (*Binary, error) {
	stage, err := os.MkdirTemp(root, ".install-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	got, err := in.Install(ctx, want, stage, f.out())
	if err != nil {
		return nil, err
	}
	b, err := probe(ctx, got.Path)
	if err != nil {
		return nil, fmt.Errorf("the installed binary does not work: %w", err)
	}
	// The directory is named by the core version: a build from source
	// reports 1.8.5-dev.
	dir := filepath.Join(root, b.Version.Core().String())
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	final := filepath.Join(dir, "terraform")
	if err := os.Rename(got.Path, final); err != nil {
		return nil, fmt.Errorf("move into the cache: %w", err)
	}
	o := origin{Source: in.Source(), Requested: want.String(), Version: b.Version.String(), Note: got.Note, InstalledAt: time.Now().UTC()}
	data, _ := json.MarshalIndent(o, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "origin.json"), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	b.Path, b.Source, b.Detail = final, in.Source(), "installed now into tfgate's cache"
	if got.Note != "" {
		b.Detail += "; " + got.Note
	}
	return b, nil
}

var errNoGo = errors.New("go is not on PATH")
