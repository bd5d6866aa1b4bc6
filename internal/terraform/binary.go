package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/saprism/tfgate/internal/toolcache"
)

// MinVersion is the oldest Terraform tfgate drives: 1.5 brought import
// blocks and the JSON plan fields the policies read.
const MinVersion = "1.5.0"

// BinaryEnv names a terraform binary to use instead of the one on PATH.
const BinaryEnv = "TFGATE_TERRAFORM"

// Source says where the terraform tfgate uses came from.
type Source string

const (
	FromEnv      Source = BinaryEnv
	FromPath     Source = "PATH"
	FromCache    Source = "tfgate's cache"
	FromReleases Source = "releases.hashicorp.com"
	FromGoProxy  Source = "the Go module proxy"
)

// Binary is a located, version-checked terraform executable.
type Binary struct {
	Path    string
	Version *version.Version
	Source  Source
	// Detail says more about the source: for a cached or installed binary,
	// how it was installed and, when it is not the pinned version, why.
	Detail string
}

// Describe is one line for people: version, path and where it came from.
func (b *Binary) Describe() string {
	s := fmt.Sprintf("terraform %s at %s (%s", b.Version, b.Path, b.Source)
	if b.Detail != "" {
		s += ": " + b.Detail
	}
	return s + ")"
}

// NotFoundError means no terraform binary was found (and none installed).
type NotFoundError struct{ Detail string }

func (e *NotFoundError) Error() string {
	return "terraform not found: " + e.Detail + " (install Terraform >= " + MinVersion + ", set " + BinaryEnv + " to its path, or let tfgate install it: drop --no-install/" + toolcache.NoInstallEnv + ")"
}

// TooOldError means the binary found is older than MinVersion.
type TooOldError struct {
	Path    string
	Version string
}

func (e *TooOldError) Error() string {
	return fmt.Sprintf("terraform %s at %s is too old: tfgate needs >= %s", e.Version, e.Path, MinVersion)
}

// Find locates terraform without installing anything: TFGATE_TERRAFORM,
// else PATH (>= MinVersion), else tfgate's cache. Ensure installs one when
// none is found.
func Find(ctx context.Context) (*Binary, error) {
	f := Finder{NoInstall: true}
	return f.Find(ctx)
}

// explicit checks the binary TFGATE_TERRAFORM names: the user chose it, so
// a bad one is an error, never skipped.
func explicit(ctx context.Context, p string) (*Binary, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, &NotFoundError{Detail: fmt.Sprintf("%s=%s: %v", BinaryEnv, p, err)}
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, &NotFoundError{Detail: fmt.Sprintf("%s=%s does not exist", BinaryEnv, p)}
	}
	b, err := probe(ctx, abs)
	if err != nil {
		var old *TooOldError
		if errors.As(err, &old) {
			return nil, err
		}
		return nil, &NotFoundError{Detail: fmt.Sprintf("%s=%s is not a working terraform: %v", BinaryEnv, p, err)}
	}
	b.Source = FromEnv
	return b, nil
}

// onPath finds terraform on PATH; a binary there that is too old is
// reported through skipped so the final error can name it.
func onPath(ctx context.Context) (*Binary, string) {
	p, err := exec.LookPath("terraform")
	if err != nil {
		return nil, "no terraform on PATH"
	}
	b, err := probe(ctx, p)
	if err != nil {
		return nil, fmt.Sprintf("PATH: %v", err)
	}
	b.Source = FromPath
	return b, ""
}

// probe asks a binary its version and checks it.
func probe(ctx context.Context, path string) (*Binary, error) {
	tf, err := tfexec.NewTerraform(os.TempDir(), path)
	if err != nil {
		return nil, err
	}
	v, _, err := tf.Version(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("terraform at %s: reading its version: %w", path, firstLine(err))
	}
	if err := CheckVersion(path, v); err != nil {
		return nil, err
	}
	return &Binary{Path: path, Version: v}, nil
}

// CheckVersion refuses a Terraform older than MinVersion.
func CheckVersion(path string, v *version.Version) error {
	min := version.Must(version.NewVersion(MinVersion))
	if v == nil {
		return &TooOldError{Path: path, Version: "unknown"}
	}
	if v.Core().LessThan(min) {
		return &TooOldError{Path: path, Version: v.String()}
	}
	return nil
}

func firstLine(err error) error {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return errors.New(s[:i])
	}
	return errors.New(s)
}
