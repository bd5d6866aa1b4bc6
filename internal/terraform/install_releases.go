package terraform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"time"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hc-install/product"
	"github.com/hashicorp/hc-install/releases"
)

// Releases installs an official build from releases.hashicorp.com through
// hc-install, which verifies the SHA256SUMS signature (HashiCorp's key) and
// the archive's checksum before unpacking.
type Releases struct {
	// BaseURL replaces https://releases.hashicorp.com (a mirror with the
	// same layout); empty means the official site.
	BaseURL string
	// Timeout of the whole download (default 10 minutes: hc-install's own
	// 30 s is too short for ~30 MB on a slow link).
	Timeout time.Duration
}

func (r *Releases) Source() Source { return FromReleases }

func (r *Releases) Install(ctx context.Context, want *version.Version, stage string, progress io.Writer) (*Installed, error) {
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	ev := &releases.ExactVersion{
		Product:    product.Terraform,
		Version:    want,
		InstallDir: stage,
		Timeout:    timeout,
		ApiBaseURL: r.BaseURL,
		// A plain client, not hc-install's retrying one: an unreachable site
		// (offline machines) must fail in a second, not after a minute of
		// back-off, so the Go-proxy fallback starts at once.
		HTTPClient: &http.Client{Transport: &progressTransport{inner: http.DefaultTransport, out: progress}},
	}
	if err := ev.Validate(); err != nil {
		return nil, err
	}
	p, err := ev.Install(ctx)
	if err != nil {
		return nil, firstLine(err)
	}
	return &Installed{Path: p}, nil
}

// progressTransport reports the download of large bodies (the release
// archive) every few seconds.
type progressTransport struct {
	inner http.RoundTripper
	out   io.Writer
}

func (t *progressTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.inner.RoundTrip(req)
	if err != nil || resp.ContentLength < 1<<20 || t.out == nil {
		return resp, err
	}
	resp.Body = &countingBody{ReadCloser: resp.Body, out: t.out, name: path.Base(req.URL.Path), total: resp.ContentLength, start: time.Now()}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	out         io.Writer
	name        string
	total, read int64
	start, last time.Time
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.read += int64(n)
	if now := time.Now(); now.Sub(c.last) >= 2*time.Second || err == io.EOF {
		c.last = now
		fmt.Fprintf(c.out, "terraform: downloading %s: %.1f of %.1f MB\n", c.name, float64(c.read)/1e6, float64(c.total)/1e6)
	}
	return n, err
}
