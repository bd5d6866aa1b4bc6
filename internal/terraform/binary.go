package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-version"
	install "github.com/hashicorp/hc-install"
	"github.com/hashicorp/hc-install/fs"
	"github.com/hashicorp/hc-install/product"
	"github.com/hashicorp/hc-install/src"
	"github.com/hashicorp/terraform-exec/tfexec"
)

// MinVersion is the oldest Terraform tfgate drives: 1.5 brought import
// blocks and the JSON plan fields the policies read.
const MinVersion = "1.5.0"

// BinaryEnv names a terraform binary to use instead of the one on PATH.
const BinaryEnv = "TFGATE_TERRAFORM"

// Binary is a located, version-checked terraform executable.
type Binary struct {
	Path    string
	Version *version.Version
}

// NotFoundError means no terraform binary was found.
type NotFoundError struct{ Detail string }

func (e *NotFoundError) Error() string {
	return "terraform not found: " + e.Detail + " (install Terraform >= " + MinVersion + " or set " + BinaryEnv + " to its path)"
}

// TooOldError means the binary found is older than MinVersion.
type TooOldError struct {
	Path    string
	Version string
}

func (e *TooOldError) Error() string {
	return fmt.Sprintf("terraform %s at %s is too old: tfgate needs >= %s", e.Version, e.Path, MinVersion)
}

// Find locates terraform (TFGATE_TERRAFORM, else PATH) and checks its version.
func Find(ctx context.Context) (*Binary, error) {
	var source src.Source
	if p := os.Getenv(BinaryEnv); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, &NotFoundError{Detail: fmt.Sprintf("%s=%s: %v", BinaryEnv, p, err)}
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, &NotFoundError{Detail: fmt.Sprintf("%s=%s does not exist", BinaryEnv, p)}
		}
		source = &fs.AnyVersion{ExactBinPath: abs}
	} else {
		source = &fs.AnyVersion{Product: &product.Terraform}
	}
	path, err := install.NewInstaller().Ensure(ctx, []src.Source{source})
	if err != nil {
		if os.Getenv(BinaryEnv) != "" {
			return nil, &NotFoundError{Detail: fmt.Sprintf("%s=%s is not an executable", BinaryEnv, os.Getenv(BinaryEnv))}
		}
		return nil, &NotFoundError{Detail: "no terraform executable on PATH"}
	}
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
	s := err.Error()
	for i, c := range s {
		if c == '\n' {
			return errors.New(s[:i])
		}
	}
	return err
}
