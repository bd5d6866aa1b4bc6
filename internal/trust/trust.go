// Package trust makes a pull request unable to weaken the gate that judges
// it: the policies, tfgate.yaml enforcement overrides and exceptions are
// read from a trusted git commit (the pull request's base), not from the
// working tree, and every difference between the two is listed for review.
// Those differences take effect only once merged, i.e. once reviewed.
package trust

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/policy"
)

// LibraryDir is where a repository that carries tfgate's Rego library (this
// one) keeps it. At the trusted commit it replaces the library embedded in
// the binary, because CI builds that binary from the pull request.
const LibraryDir = "policies"

// Snapshot is the policy side of the repository at a trusted commit,
// extracted to a temporary directory.
type Snapshot struct {
	Ref    string         // as given, e.g. origin/main
	Commit string         // the full commit id it resolved to
	Config *config.Config // tfgate.yaml at Commit (defaults when absent), rooted in Dir
	Dir    string         // the temporary checkout of the policy files
	// Library is true when Commit carries the Rego library under LibraryDir.
	Library bool
}

// Close removes the temporary directory.
func (s *Snapshot) Close() error { return os.RemoveAll(s.Dir) }

// Open reads tfgate.yaml, its policy dirs, its exceptions file and the
// library dir from ref in the git repository that holds root. Any failure is
// an error: a gate asked to use trusted policy never falls back to the
// working tree's.
func Open(ctx context.Context, root, ref string) (*Snapshot, error) {
	if strings.TrimSpace(ref) == "" || strings.HasPrefix(ref, "-") {
		return nil, fmt.Errorf("--trusted-ref %q: want a git revision (branch, tag or commit)", ref)
	}
	g := git{dir: root}
	commit, err := g.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("--trusted-ref %s: not a commit in the repository at %s (in CI, fetch it first: git fetch origin <base>)", ref, root)
	}
	commit = strings.TrimSpace(commit)
	// tfgate.yaml may live below the top of the git repository.
	prefix, err := g.run(ctx, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, err
	}
	prefix = strings.TrimSpace(prefix)
	top, err := g.run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	// Pathspecs are relative to the working directory: extract from the top.
	g = git{dir: strings.TrimSpace(top)}

	dir, err := os.MkdirTemp("", "tfgate-trusted-")
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Ref: ref, Commit: commit, Dir: dir}
	ok := false
	defer func() {
		if !ok {
			s.Close()
		}
	}()

	if err := g.extract(ctx, commit, prefix, dir, []string{config.FileName}); err != nil {
		return nil, err
	}
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", ref, config.FileName, err)
	}
	// Only what the policy side names is extracted; paths outside the
	// repository cannot come from git and are refused rather than read from
	// the (untrusted) machine.
	want := []string{LibraryDir}
	for _, p := range append(append([]string(nil), cfg.PolicyDirs...), cfg.ExceptionsFile) {
		if p == "" {
			continue
		}
		clean := path.Clean(filepath.ToSlash(p))
		if filepath.IsAbs(p) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("%s:%s: %s is outside the repository, so it cannot be read from the trusted commit", ref, config.FileName, p)
		}
		want = append(want, clean)
	}
	if err := g.extract(ctx, commit, prefix, dir, want); err != nil {
		return nil, err
	}
	for _, p := range want[1:] {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			return nil, fmt.Errorf("%s:%s names %s, which does not exist at %s", ref, config.FileName, p, ref)
		}
	}
	s.Config = cfg
	s.Library = policy.HasLibrary(filepath.Join(dir, LibraryDir))
	ok = true
	return s, nil
}

// Apply returns work with its policy side taken from the snapshot.
func (s *Snapshot) Apply(work *config.Config) *config.Config {
	var lib []string
	if s.Library {
		lib = []string{LibraryDir}
	}
	return config.WithTrustedPolicy(work, s.Config, s.Ref, lib...)
}

type git struct{ dir string }

func (g git) run(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out.String(), nil
}

// extract writes the files under paths (relative to prefix) at commit into
// dir. Paths that do not exist at commit are skipped: the caller decides
// whether that is an error.
func (g git) extract(ctx context.Context, commit, prefix, dir string, paths []string) error {
	args := []string{"archive", "--format=tar", commit, "--"}
	n := 0
	for _, p := range paths {
		full := prefix + p
		if _, err := g.run(ctx, "cat-file", "-e", commit+":"+full); err != nil {
			continue
		}
		args = append(args, full)
		n++
	}
	if n == 0 {
		return nil
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	terr := untar(out, dir, prefix)
	werr := cmd.Wait()
	if werr != nil {
		return fmt.Errorf("git archive %s: %s", commit, strings.TrimSpace(errb.String()))
	}
	return terr
}

// untar writes regular files of a git archive under dir, stripping prefix.
// Git archives hold no absolute or parent paths; they are refused anyway.
func untar(r io.Reader, dir, prefix string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("git archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := strings.TrimPrefix(h.Name, prefix)
		clean := path.Clean(name)
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return fmt.Errorf("git archive: unsafe path %q", h.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(clean))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
}
