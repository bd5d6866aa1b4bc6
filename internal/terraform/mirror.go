package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// PluginDirEnv names a provider mirror directory (the layout
// `terraform init -plugin-dir` takes).
const PluginDirEnv = "TFGATE_PLUGIN_DIR"

// AWSProvider is the provider the stack needs.
const AWSProvider = "registry.terraform.io/hashicorp/aws"

// ProviderMissingError means Terraform could not install a provider: the
// registry is unreachable and no mirror holds it.
type ProviderMissingError struct {
	Provider  string // e.g. hashicorp/aws
	PluginDir string // the mirror tried, if any
	Detail    string // Terraform's own first error line
}

func (e *ProviderMissingError) Error() string {
	where := "the Terraform registry is unreachable and no provider mirror was found"
	if e.PluginDir != "" {
		where = "the provider mirror " + e.PluginDir + " does not hold it"
	}
	msg := fmt.Sprintf("provider %s is not available: %s. Fix: let terraform reach registry.terraform.io, or point tfgate at a mirror holding registry.terraform.io/%s with --plugin-dir DIR or %s=DIR",
		e.Provider, where, e.Provider, PluginDirEnv)
	if e.Detail != "" {
		msg += " (terraform: " + e.Detail + ")"
	}
	return msg
}

// MirrorSource says where a plugin dir came from.
type MirrorSource string

const (
	MirrorFlag     MirrorSource = "--plugin-dir"
	MirrorEnv      MirrorSource = PluginDirEnv
	MirrorImplied  MirrorSource = "implied mirror"
	MirrorRegistry MirrorSource = "registry" // no mirror: terraform asks the registry
)

// PluginDir picks the provider mirror: the flag, else TFGATE_PLUGIN_DIR, else
// the first of Terraform's implied local mirror directories that holds the
// aws provider. An explicit dir that does not hold it is an error naming it;
// no mirror at all returns "" (Terraform then uses the registry).
func PluginDir(flag string) (string, MirrorSource, error) {
	if flag != "" {
		return explicitMirror(flag, MirrorFlag)
	}
	if env := os.Getenv(PluginDirEnv); env != "" {
		return explicitMirror(env, MirrorEnv)
	}
	for _, d := range ImpliedMirrorDirs() {
		if HasProvider(d, AWSProvider) {
			return d, MirrorImplied, nil
		}
	}
	return "", MirrorRegistry, nil
}

func explicitMirror(dir string, from MirrorSource) (string, MirrorSource, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", from, fmt.Errorf("%s %s: %w", from, dir, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return "", from, fmt.Errorf("%s %s: not a directory", from, dir)
	}
	if !HasProvider(abs, AWSProvider) {
		return "", from, &ProviderMissingError{Provider: "hashicorp/aws", PluginDir: abs,
			Detail: "no " + AWSProvider + " directory in it"}
	}
	return abs, from, nil
}

// HasProvider reports whether dir (a mirror in the unpacked or packed layout)
// holds the provider source address, e.g. registry.terraform.io/hashicorp/aws.
func HasProvider(dir, provider string) bool {
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(provider)))
	return err == nil && st.IsDir()
}

// ImpliedMirrorDirs are the directories Terraform searches on its own when
// the CLI configuration has no provider_installation block (see "Implied
// Local Mirror Directories" in the Terraform CLI docs), in its order.
func ImpliedMirrorDirs() []string {
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, filepath.Join(wd, "terraform.d", "plugins"))
	}
	home, _ := os.UserHomeDir()
	switch runtime.GOOS {
	case "windows":
		if a := os.Getenv("APPDATA"); a != "" {
			dirs = append(dirs, filepath.Join(a, "terraform.d", "plugins"), filepath.Join(a, "HashiCorp", "Terraform", "plugins"))
		}
		return dirs
	case "darwin":
		if home != "" {
			dirs = append(dirs, filepath.Join(home, ".terraform.d", "plugins"),
				filepath.Join(home, "Library", "Application Support", "io.terraform", "plugins"))
		}
		return append(dirs, "/Library/Application Support/io.terraform/plugins")
	}
	if home != "" {
		dirs = append(dirs, filepath.Join(home, ".terraform.d", "plugins"))
	}
	dataHome := os.Getenv("XDG_DATA_HOME")
	if dataHome == "" && home != "" {
		dataHome = filepath.Join(home, ".local", "share")
	}
	if dataHome != "" {
		dirs = append(dirs, filepath.Join(dataHome, "terraform", "plugins"))
	}
	dataDirs := os.Getenv("XDG_DATA_DIRS")
	if dataDirs == "" {
		dataDirs = "/usr/local/share:/usr/share"
	}
	for _, d := range strings.Split(dataDirs, ":") {
		if d != "" {
			dirs = append(dirs, filepath.Join(d, "terraform", "plugins"))
		}
	}
	return dirs
}
