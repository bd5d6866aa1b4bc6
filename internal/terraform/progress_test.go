package terraform

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A trimmed Terraform 1.11 `apply -json` stream.
const applyStream = `{"@level":"info","@message":"Terraform 1.11.4","type":"version","terraform":"1.11.4","ui":"1.2"}
{"@level":"info","@message":"aws_vpc.main: Plan to create","type":"planned_change","change":{"resource":{"addr":"aws_vpc.main"},"action":"create"}}
{"@level":"info","@message":"aws_subnet.a: Plan to create","type":"planned_change","change":{"resource":{"addr":"aws_subnet.a"},"action":"create"}}
{"@level":"info","@message":"data.aws_region.current: Reading...","type":"apply_start","hook":{"resource":{"addr":"data.aws_region.current"},"action":"read"}}
{"@level":"info","@message":"data.aws_region.current: Read complete","type":"apply_complete","hook":{"resource":{"addr":"data.aws_region.current"},"action":"read","elapsed_seconds":0}}
{"@level":"info","@message":"aws_vpc.main: Creating...","type":"apply_start","hook":{"resource":{"addr":"aws_vpc.main"},"action":"create"}}
{"@level":"info","@message":"aws_vpc.main: Still creating...","type":"apply_progress","hook":{"resource":{"addr":"aws_vpc.main"},"action":"create","elapsed_seconds":30}}
{"@level":"info","@message":"aws_vpc.main: Creation complete","type":"apply_complete","hook":{"resource":{"addr":"aws_vpc.main"},"action":"create","elapsed_seconds":31}}
{"@level":"info","@message":"aws_subnet.a: Creating...","type":"apply_start","hook":{"resource":{"addr":"aws_subnet.a"},"action":"create"}}
{"@level":"error","@message":"aws_subnet.a: Creation errored","type":"apply_errored","hook":{"resource":{"addr":"aws_subnet.a"},"action":"create","elapsed_seconds":1}}
{"@level":"error","@message":"Error: creating subnet","type":"diagnostic","diagnostic":{"severity":"error","summary":"creating EC2 Subnet","detail":"InvalidParameter: bad cidr","address":"aws_subnet.a","range":{"filename":"main.tf","start":{"line":12,"column":1}}}}
{"@level":"warn","@message":"Warning: deprecated","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Argument is deprecated","detail":"","range":{"filename":"main.tf","start":{"line":3,"column":1}}}}
{"@level":"warn","@message":"Warning: deprecated","type":"diagnostic","diagnostic":{"severity":"warning","summary":"Argument is deprecated","detail":"","range":{"filename":"main.tf","start":{"line":3,"column":1}}}}
{"@level":"info","@message":"Apply complete!","type":"change_summary","changes":{"add":1,"change":0,"import":0,"remove":0,"operation":"apply"}}
`

func fixedClock() func() time.Time {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	return func() time.Time {
		n++
		return t0.Add(time.Duration(n) * time.Second)
	}
}

func feed(p *Progress, stream string) {
	// Write in odd-sized chunks: lines split across writes must still parse.
	b := []byte(stream)
	for len(b) > 0 {
		n := 37
		if n > len(b) {
			n = len(b)
		}
		p.Write(b[:n])
		b = b[n:]
	}
	p.Close()
}

func TestProgressPlain(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, ProgressOptions{Mode: Plain, Now: fixedClock(), Path: func(s string) string { return "terraform/" + s }})
	feed(p, applyStream)
	done, total := p.Counts()
	if done != 2 || total != 2 {
		t.Errorf("done/total = %d/%d, want 2/2 (reads are not changes)", done, total)
	}
	s := out.String()
	for _, want := range []string{
		"[1/2 ", "aws_vpc.main: created (31s)",
		"aws_vpc.main: still creating (30s)",
		"[2/2 ", "aws_subnet.a: creating FAILED",
		"error: terraform/main.tf:12: aws_subnet.a: creating EC2 Subnet", "  InvalidParameter: bad cidr",
		"warning: terraform/main.tf:3: Argument is deprecated",
		"Applied: 1 to add, 0 to change, 0 to destroy",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Count(s, "Argument is deprecated") != 1 {
		t.Errorf("a repeated warning must be shown once:\n%s", s)
	}
	if strings.Contains(s, "\r") || strings.Contains(s, "\033[") {
		t.Errorf("plain mode must not use terminal control sequences")
	}
	errs := p.Errors()
	if len(errs) != 1 || errs[0].Location() != "terraform/main.tf:12" {
		t.Errorf("Errors() = %+v", errs)
	}
}

func TestProgressTotalHint(t *testing.T) {
	var out bytes.Buffer
	// A saved-plan apply announces no planned changes: the caller's total.
	stream := `{"type":"apply_start","hook":{"resource":{"addr":"a.b"},"action":"create"}}
{"type":"apply_complete","hook":{"resource":{"addr":"a.b"},"action":"create","elapsed_seconds":2}}
`
	p := NewProgress(&out, ProgressOptions{Mode: Plain, Total: 5, Now: fixedClock()})
	feed(p, stream)
	if !strings.Contains(out.String(), "[1/5 ") {
		t.Errorf("output = %q", out.String())
	}
}

func TestProgressLive(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, ProgressOptions{Mode: Live, Now: fixedClock()})
	feed(p, applyStream)
	s := out.String()
	if !strings.Contains(s, "\r\033[K") || !strings.Contains(s, "aws_vpc.main: creating") {
		t.Errorf("live output = %q", s)
	}
	if !strings.HasSuffix(s, "\r\033[K") && !strings.HasSuffix(s, "\n") {
		t.Errorf("live line not cleared at the end: %q", s)
	}
}

func TestProgressJSONStream(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, ProgressOptions{Mode: JSONStream})
	feed(p, applyStream)
	if out.String() != applyStream {
		t.Errorf("--json must pass every event through unchanged:\n%s", out.String())
	}
	if len(p.Errors()) != 1 {
		t.Errorf("diagnostics are still collected in JSON mode")
	}
}

func TestProgressChangeSummaryPlan(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, ProgressOptions{Mode: Plain, Now: fixedClock()})
	feed(p, `{"type":"change_summary","changes":{"add":161,"change":2,"remove":1,"operation":"plan"}}`+"\n")
	if !strings.Contains(out.String(), "Plan: 161 to add, 2 to change, 1 to destroy") {
		t.Errorf("output = %q", out.String())
	}
	if s := p.Summary(); s == nil || s.Add != 161 {
		t.Errorf("Summary = %+v", s)
	}
}
