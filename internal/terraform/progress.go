package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// ProgressMode is how progress is shown.
type ProgressMode int

const (
	// Plain prints one line per finished resource (pipes, CI, NO_COLOR).
	Plain ProgressMode = iota
	// Live keeps one status line updated in place (a terminal).
	Live
	// JSONStream passes Terraform's JSON UI events through, one per line,
	// for machines (--json).
	JSONStream
	// Quiet shows nothing but diagnostics.
	Quiet
)

// uiMessage is one line of Terraform's machine-readable UI.
type uiMessage struct {
	Level      string         `json:"@level"`
	Message    string         `json:"@message"`
	Type       string         `json:"type"`
	Hook       *uiHook        `json:"hook,omitempty"`
	Change     *uiHook        `json:"change,omitempty"`
	Changes    *ChangeSummary `json:"changes,omitempty"`
	Diagnostic *uiDiagnostic  `json:"diagnostic,omitempty"`
}

type uiHook struct {
	Resource struct {
		Addr string `json:"addr"`
	} `json:"resource"`
	Action  string  `json:"action"`
	Elapsed float64 `json:"elapsed_seconds"`
}

// ChangeSummary is Terraform's change_summary event.
type ChangeSummary struct {
	Add       int    `json:"add"`
	Change    int    `json:"change"`
	Import    int    `json:"import"`
	Remove    int    `json:"remove"`
	Operation string `json:"operation"`
}

type uiDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Range    *struct {
		Filename string `json:"filename"`
		Start    struct {
			Line int `json:"line"`
		} `json:"start"`
	} `json:"range"`
}

// Progress consumes Terraform's JSON UI stream (it is the io.Writer given to
// tfexec's PlanJSON/ApplyJSON/DestroyJSON) and reports resources done/total,
// the current resource and the elapsed time; it collects diagnostics.
type Progress struct {
	out   io.Writer
	mode  ProgressMode
	path  func(string) string // diagnostic file → repo-relative path
	now   func() time.Time
	start time.Time

	mu       sync.Mutex
	buf      []byte
	total    int
	hinted   bool
	done     int
	current  string
	summary  *ChangeSummary
	diags    []Diagnostic
	seen     map[string]bool
	lastLive int // length of the live line, to clear it
}

// ProgressOptions configures NewProgress.
type ProgressOptions struct {
	Mode ProgressMode
	// Total is the number of resource changes expected (an apply of a saved
	// plan does not announce them); 0 means count planned_change events.
	Total int
	// Path maps a diagnostic's file name to what the user should see.
	Path func(string) string
	Now  func() time.Time
}

// NewProgress returns a Progress writing to out.
func NewProgress(out io.Writer, o ProgressOptions) *Progress {
	p := &Progress{out: out, mode: o.Mode, path: o.Path, now: o.Now, total: o.Total, hinted: o.Total > 0, seen: map[string]bool{}}
	if p.now == nil {
		p.now = time.Now
	}
	if p.path == nil {
		p.path = func(s string) string { return s }
	}
	p.start = p.now()
	return p
}

// Write takes stream bytes; complete lines are handled as they arrive.
func (p *Progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		line := p.buf[:i]
		p.handle(line)
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

// Close flushes a partial line and ends the live status line.
func (p *Progress) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.handle(p.buf)
		p.buf = nil
	}
	p.clearLive()
	return nil
}

// Errors returns the error diagnostics seen.
func (p *Progress) Errors() []Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Diagnostic
	for _, d := range p.diags {
		if d.Severity == "error" {
			out = append(out, d)
		}
	}
	return out
}

// Diagnostics returns every diagnostic seen.
func (p *Progress) Diagnostics() []Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Diagnostic(nil), p.diags...)
}

// Summary returns the last change_summary, or nil.
func (p *Progress) Summary() *ChangeSummary {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.summary
}

// Counts returns resources done and total.
func (p *Progress) Counts() (done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done, p.total
}

func (p *Progress) handle(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	if p.mode == JSONStream {
		p.out.Write(append(append([]byte(nil), line...), '\n'))
	}
	var m uiMessage
	if err := json.Unmarshal(line, &m); err != nil {
		// Not JSON: Terraform printed plain text (rare); keep it visible.
		if p.mode != JSONStream && p.mode != Quiet {
			p.clearLive()
			fmt.Fprintln(p.out, string(line))
		}
		return
	}
	switch m.Type {
	case "planned_change":
		if !p.hinted && m.Change != nil && m.Change.Action != "noop" && m.Change.Action != "read" {
			p.total++
		}
	case "apply_start":
		if m.Hook != nil && m.Hook.Action == "read" {
			// Data sources read while planning are not changes.
			p.current = m.Hook.Resource.Addr + ": reading"
			if p.mode == Live {
				p.status("")
			}
		} else if m.Hook != nil {
			p.current = m.Hook.Resource.Addr + ": " + ing(m.Hook.Action)
			p.status("")
		}
	case "apply_progress":
		if m.Hook != nil && p.mode == Plain && int(m.Hook.Elapsed)%30 == 0 && m.Hook.Elapsed > 0 {
			p.line(fmt.Sprintf("%s: still %s (%s)", m.Hook.Resource.Addr, ing(m.Hook.Action), dur(m.Hook.Elapsed)))
		} else if m.Hook != nil {
			p.current = fmt.Sprintf("%s: %s (%s)", m.Hook.Resource.Addr, ing(m.Hook.Action), dur(m.Hook.Elapsed))
			p.status("")
		}
	case "apply_complete":
		if m.Hook != nil && m.Hook.Action == "read" {
			break
		}
		if m.Hook != nil {
			p.done++
			p.status(fmt.Sprintf("%s: %s (%s)", m.Hook.Resource.Addr, ed(m.Hook.Action), dur(m.Hook.Elapsed)))
		}
	case "apply_errored":
		if m.Hook != nil {
			p.done++
			p.status(fmt.Sprintf("%s: %s FAILED", m.Hook.Resource.Addr, ing(m.Hook.Action)))
		}
	case "change_summary":
		p.summary = m.Changes
		if m.Changes != nil && p.mode != JSONStream && p.mode != Quiet {
			verb := "Plan"
			switch m.Changes.Operation {
			case "apply":
				verb = "Applied"
			case "destroy":
				verb = "Destroyed"
			}
			p.line(fmt.Sprintf("%s: %d to add, %d to change, %d to destroy (%s)", verb,
				m.Changes.Add, m.Changes.Change, m.Changes.Remove, dur(p.now().Sub(p.start).Seconds())))
		}
	case "diagnostic":
		if m.Diagnostic != nil {
			p.diagnostic(m.Diagnostic)
		}
	}
}

func (p *Progress) diagnostic(u *uiDiagnostic) {
	d := Diagnostic{Severity: u.Severity, Summary: u.Summary, Detail: u.Detail, Address: u.Address}
	if u.Range != nil {
		d.File = p.path(u.Range.Filename)
		d.Line = u.Range.Start.Line
	}
	key := d.Severity + "\x00" + d.String()
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	p.diags = append(p.diags, d)
	if p.mode == JSONStream {
		return
	}
	if d.Severity == "warning" && p.mode == Quiet {
		return
	}
	p.clearLive()
	head := d.Severity + ": "
	if loc := d.Location(); loc != "" {
		head += loc + ": "
	}
	if d.Address != "" {
		head += d.Address + ": "
	}
	fmt.Fprintln(p.out, head+d.Summary)
	if d.Detail != "" && d.Severity == "error" {
		for _, l := range strings.Split(strings.TrimSpace(d.Detail), "\n") {
			fmt.Fprintln(p.out, "  "+l)
		}
	}
}

// status records a finished (msg != "") or current step and shows it.
func (p *Progress) status(msg string) {
	switch p.mode {
	case Plain:
		if msg != "" {
			p.line(p.prefix() + msg)
		}
	case Live:
		text := msg
		if text == "" {
			text = p.current
		}
		p.clearLive()
		s := p.prefix() + text
		fmt.Fprint(p.out, s)
		p.lastLive = len(s)
	}
}

func (p *Progress) prefix() string {
	el := p.now().Sub(p.start).Round(time.Second)
	if p.total > 0 {
		return fmt.Sprintf("[%d/%d %s] ", p.done, p.total, el)
	}
	return fmt.Sprintf("[%d %s] ", p.done, el)
}

func (p *Progress) line(s string) {
	if p.mode == JSONStream || p.mode == Quiet {
		return
	}
	p.clearLive()
	fmt.Fprintln(p.out, s)
}

func (p *Progress) clearLive() {
	if p.mode == Live && p.lastLive > 0 {
		fmt.Fprint(p.out, "\r\033[K")
		p.lastLive = 0
	}
}

func dur(sec float64) string {
	return (time.Duration(sec) * time.Second).String()
}

func ing(action string) string {
	switch action {
	case "create":
		return "creating"
	case "update":
		return "updating"
	case "delete":
		return "destroying"
	case "read":
		return "reading"
	case "replace":
		return "replacing"
	}
	return action
}

func ed(action string) string {
	switch action {
	case "create":
		return "created"
	case "update":
		return "updated"
	case "delete":
		return "destroyed"
	case "read":
		return "read"
	case "replace":
		return "replaced"
	}
	return action + " done"
}

// ModeFor picks how progress written to w is shown: the JSON stream when
// asked, a live line on a terminal unless NO_COLOR is set, else plain lines.
func ModeFor(jsonStream bool, getenv func(string) string, w any) ProgressMode {
	switch {
	case jsonStream:
		return JSONStream
	case getenv("NO_COLOR") != "" || !IsTerminal(w):
		return Plain
	}
	return Live
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
