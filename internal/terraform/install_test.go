package terraform

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
)

// noTerraformOnPath leaves PATH without terraform (but with sh, which the
// stand-in binaries need).
func noTerraformOnPath(t *testing.T) {
	t.Helper()
	t.Setenv(BinaryEnv, "")
	t.Setenv("PATH", "/usr/bin:/bin")
	if p, err := exec.LookPath("terraform"); err == nil {
		t.Skipf("terraform at %s is in a system directory; cannot hide it", p)
	}
}

// stubInstaller writes a stand-in terraform of version ver, or fails.
type stubInstaller struct {
	source Source
	ver    string
	err    error
	calls  int
}

func (s *stubInstaller) Source() Source { return s.source }

func (s *stubInstaller) Install(_ context.Context, _ *version.Version, stage string, _ io.Writer) (*Installed, error) {
	s.calls++
	if s.err != nil {
		return nil, s.err
	}
	p := filepath.Join(stage, "terraform")
	script := "#!/bin/sh\necho '{\"terraform_version\":\"" + s.ver + "\",\"platform\":\"linux_amd64\",\"provider_selections\":{},\"terraform_outdated\":false}'\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		return nil, err
	}
	return &Installed{Path: p, Note: "stub note"}, nil
}

func TestFinderFallsBackInOrderAndCaches(t *testing.T) {
	noTerraformOnPath(t)
	cache := t.TempDir()
	releases := &stubInstaller{source: FromReleases, err: errors.New("lookup releases.hashicorp.com: no such host")}
	goproxy := &stubInstaller{source: FromGoProxy, ver: "1.8.5-dev"}
	var out bytes.Buffer
	f := Finder{CacheDir: cache, Version: "1.11.4", Progress: &out, Installers: []Installer{releases, goproxy}}
	b, err := f.Find(context.Background())
	if err != nil {
		t.Fatalf("Find: %v\n%s", err, out.String())
	}
	want := filepath.Join(cache, "terraform", "1.8.5", "terraform")
	if b.Path != want || b.Source != FromGoProxy || b.Version.String() != "1.8.5-dev" {
		t.Errorf("Find = %+v, want %s from the Go proxy", b, want)
	}
	if releases.calls != 1 || goproxy.calls != 1 {
		t.Errorf("calls: releases %d, goproxy %d; want 1 each, in that order", releases.calls, goproxy.calls)
	}
	log := out.String()
	for _, s := range []string{"installing 1.11.4 into", "terraform: from releases.hashicorp.com", "no such host", "trying the Go module proxy", "terraform 1.8.5-dev at " + want + " (the Go module proxy: installed now into tfgate's cache; stub note)"} {
		if !strings.Contains(log, s) {
			t.Errorf("progress lacks %q:\n%s", s, log)
		}
	}
	if _, err := os.Stat(filepath.Join(cache, "terraform", "1.8.5", "origin.json")); err != nil {
		t.Errorf("no origin record: %v", err)
	}
	// Nothing of the failed or finished stages is left behind.
	left, _ := filepath.Glob(filepath.Join(cache, "terraform", ".install-*"))
	if len(left) != 0 {
		t.Errorf("staging dirs left: %v", left)
	}

	// The second run installs nothing: the cache answers, and says how the
	// binary got there.
	out.Reset()
	b2, err := f.Find(context.Background())
	if err != nil || b2.Path != want || b2.Source != FromCache {
		t.Fatalf("second Find = %+v, %v", b2, err)
	}
	if releases.calls != 1 || goproxy.calls != 1 {
		t.Errorf("second Find installed again: releases %d, goproxy %d calls", releases.calls, goproxy.calls)
	}
	if !strings.Contains(b2.Detail, "installed from the Go module proxy on") || !strings.Contains(b2.Detail, "stub note") {
		t.Errorf("cache detail = %q", b2.Detail)
	}
}

func TestFinderNoInstall(t *testing.T) {
	noTerraformOnPath(t)
	in := &stubInstaller{source: FromReleases, ver: "1.11.4"}
	f := Finder{CacheDir: t.TempDir(), NoInstall: true, Installers: []Installer{in}}
	_, err := f.Find(context.Background())
	var nf *NotFoundError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "installing is off (--no-install or TFGATE_NO_INSTALL)") {
		t.Errorf("err = %v", err)
	}
	if in.calls != 0 {
		t.Errorf("NoInstall still installed (%d calls)", in.calls)
	}
}

func TestFinderEveryInstallerFails(t *testing.T) {
	noTerraformOnPath(t)
	f := Finder{CacheDir: t.TempDir(), Installers: []Installer{
		&stubInstaller{source: FromReleases, err: errors.New("offline")},
		&stubInstaller{source: FromGoProxy, err: errNoGo},
	}}
	_, err := f.Find(context.Background())
	var ie *InstallError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "releases.hashicorp.com: offline; the Go module proxy: go is not on PATH") {
		t.Errorf("err = %v", err)
	}
}

func TestFinderSkipsTooOldOnPath(t *testing.T) {
	dir := t.TempDir()
	old := fakeTerraform(t, "1.4.6")
	if err := os.Symlink(old, filepath.Join(dir, "terraform")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(BinaryEnv, "")
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	in := &stubInstaller{source: FromReleases, ver: "1.11.4"}
	b, err := (&Finder{CacheDir: t.TempDir(), Installers: []Installer{in}}).Find(context.Background())
	if err != nil || b.Source != FromReleases || b.Version.String() != "1.11.4" {
		t.Errorf("Find = %+v, %v; want the install, not terraform 1.4.6 on PATH", b, err)
	}
}

// fakeGo is a stand-in `go` that lists the given versions and "builds"
// only `buildable`; every other version fails like Terraform >= 1.9 does.
// It logs each install it is asked for.
func fakeGo(t *testing.T, versions, buildable string) (goBin, log string) {
	dir := t.TempDir()
	log = filepath.Join(dir, "calls.log")
	script := `#!/bin/sh
case "$1" in
list) echo "github.com/hashicorp/terraform ` + versions + `";;
install)
  echo "install $3" >> ` + log + `
  echo "go: downloading github.com/hashicorp/terraform ${3#*@}" >&2
  if [ "$3" = "github.com/hashicorp/terraform@` + buildable + `" ]; then
    echo github.com/hashicorp/terraform/internal/x >&2
    printf '#!/bin/sh\necho %s\n' "'{\"terraform_version\":\"` + strings.TrimPrefix(buildable, "v") + `-dev\"}'" > "$GOBIN/terraform"
    chmod +x "$GOBIN/terraform"
  else
    printf 'go: %s (in %s):\n\tThe go.mod file for the module providing named packages contains one or\n\tmore replace directives.\n' "$3" "$3" >&2
    exit 1
  fi;;
esac
`
	goBin = filepath.Join(dir, "go")
	if err := os.WriteFile(goBin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return goBin, log
}

func TestGoProxyFallsBackToNewestOlderReleaseThatBuilds(t *testing.T) {
	goBin, log := fakeGo(t, "v0.12.29 v1.5.7 v1.8.5 v1.9.5 v1.9.8 v1.10.0-alpha20240807 v1.10.5 v1.11.4 v1.12.2", "v1.8.5")
	var out bytes.Buffer
	g := &GoProxy{Go: goBin}
	got, err := g.Install(context.Background(), version.Must(version.NewVersion("1.11.4")), t.TempDir(), &out)
	if err != nil {
		t.Fatalf("Install: %v\n%s", err, out.String())
	}
	calls, _ := os.ReadFile(log)
	// The pinned version first, then older stable releases newest first;
	// never a newer one, a pre-release or one below MinVersion.
	wantCalls := "install github.com/hashicorp/terraform@v1.11.4\ninstall github.com/hashicorp/terraform@v1.10.5\ninstall github.com/hashicorp/terraform@v1.9.8\ninstall github.com/hashicorp/terraform@v1.9.5\ninstall github.com/hashicorp/terraform@v1.8.5\n"
	if string(calls) != wantCalls {
		t.Errorf("go install calls:\n%s\nwant:\n%s", calls, wantCalls)
	}
	if !strings.Contains(got.Note, "built 1.8.5 because 1.11.4 (the pinned version) does not build with go install") ||
		!strings.Contains(got.Note, "replace directives") {
		t.Errorf("note = %q", got.Note)
	}
	for _, s := range []string{"trying 1.10.5, the newest older release", "building 1.8.5 with `go install github.com/hashicorp/terraform@v1.8.5`", "built 1.8.5 in"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("progress lacks %q:\n%s", s, out.String())
		}
	}
}

func TestGoProxyNothingBuilds(t *testing.T) {
	goBin, _ := fakeGo(t, "v1.4.0 v1.9.8 v1.11.4", "none")
	_, err := (&GoProxy{Go: goBin}).Install(context.Background(), version.Must(version.NewVersion("1.11.4")), t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), "no release >= 1.5.0 builds with go install (tried 1.11.4, 1.9.8;") {
		t.Errorf("err = %v", err)
	}
	_, err = (&GoProxy{Go: filepath.Join(t.TempDir(), "no-go")}).Install(context.Background(), version.Must(version.NewVersion("1.11.4")), t.TempDir(), nil)
	if !errors.Is(err, errNoGo) {
		t.Errorf("without go: %v", err)
	}
}

// TestGoProxyRealBuild builds Terraform from the Go module proxy for real,
// through the Finder as a fresh machine would (no terraform anywhere, an
// empty cache): the pinned version, and the fallback when it does not
// build. It takes minutes (2.5 on 2 cores with a warm module cache), so it
// runs when TFGATE_TEST_GOPROXY_BUILD=1, which `make test` sets.
func TestGoProxyRealBuild(t *testing.T) {
	if os.Getenv("TFGATE_TEST_GOPROXY_BUILD") != "1" {
		t.Skip("building Terraform from the Go module proxy takes minutes: set TFGATE_TEST_GOPROXY_BUILD=1 (make test does)")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("go is not on PATH: %v", err)
	}
	goPath, _ := exec.LookPath("go")
	noTerraformOnPath(t)
	t.Setenv("PATH", filepath.Dir(goPath)+":/usr/bin:/bin")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	var out bytes.Buffer
	f := Finder{CacheDir: t.TempDir(), Progress: &out, Installers: []Installer{&GoProxy{}}}
	start := time.Now()
	b, err := f.Find(ctx)
	t.Logf("progress:\n%s", out.String())
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	t.Logf("%s in %s", b.Describe(), time.Since(start).Round(time.Second))
	if b.Source != FromGoProxy || CheckVersion(b.Path, b.Version) != nil {
		t.Errorf("Find = %+v", b)
	}
	// What was built must run terraform, not only answer its version.
	cmd := exec.Command(b.Path, "fmt", "-check", "-")
	cmd.Stdin = strings.NewReader("a = 1\n")
	if outp, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt with the built binary: %v\n%s", err, outp)
	}
	if !b.Version.Core().Equal(version.Must(version.NewVersion(PinnedVersion))) &&
		!regexp.MustCompile(`built \S+ because `+regexp.QuoteMeta(PinnedVersion)+` \(the pinned version\) does not build`).MatchString(b.Detail) {
		t.Errorf("a version other than the pinned one without saying why: %s", b.Describe())
	}
}
