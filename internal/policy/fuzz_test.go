package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/exceptions"
	"github.com/saprism/tfgate/internal/result"
)

// FuzzExceptions loads any exceptions file through tfgate.yaml's
// exceptions_file and applies it to findings: an error names the file on
// every line; otherwise a finding is waived exactly when an unexpired
// exception of its rule has a glob matching its address (checked against a
// regexp translation of the glob), and every exception is reported once.
func FuzzExceptions(f *testing.F) {
	if data, err := os.ReadFile("../../policies/exceptions.example.yaml"); err == nil {
		f.Add(string(data), "aws_db_instance.main")
	}
	f.Add("exceptions:\n  - id: E1\n    rule_id: RDS-002\n    address: aws_db_instance.*\n    reason: r\n    owner: o\n    expires: 2026-12-31\n", "aws_db_instance.main")
	f.Add("exceptions:\n  - rule_id: S3-001\n    address: 'module.a[\"?\"].*'\n    reason: r\n    owner: o\n    expires: 2026-11-01\n", `module.a["é"].aws_s3_bucket.b`)
	f.Add("exceptions:\n  - {rule_id: X, address: '*', reason: r, owner: o, expires: 2026-13-01}\n", "x")
	f.Add("exceptions:\n  - {id: A, rule_id: X, address: '*', reason: r, owner: o, expires: 2027-01-01}\n  - {id: A, rule_id: X, address: 'x*', reason: r, owner: o, expires: 2027-01-01}\n", "x")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, doc, addr string) {
		root := t.TempDir()
		if err := os.WriteFile(filepath.Join(root, config.FileName), []byte("exceptions_file: ex.yaml\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "ex.yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(root)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := cfg.LoadExceptions()
		if err != nil {
			if !strings.Contains(err.Error(), "ex.yaml") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("load error not one line naming the file: %q", err)
			}
			return
		}
		var findings []result.Finding
		for _, e := range ex {
			findings = append(findings, result.Finding{RuleID: e.RuleID, Address: addr, Enforcement: result.Deny})
		}
		out, reports, err := exceptions.Apply(findings, ex, now)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.Contains(line, "ex.yaml") {
					t.Fatalf("error line does not name the file: %q", line)
				}
			}
			return
		}
		if len(reports) != len(ex) {
			t.Fatalf("%d exceptions, %d reported", len(ex), len(reports))
		}
		for i, fd := range out {
			want := false
			for _, e := range ex {
				day, _ := time.Parse(time.DateOnly, e.Expires)
				if e.RuleID == fd.RuleID && now.Before(day.Add(24*time.Hour)) && globRef(e.Address).MatchString(fd.Address) {
					want = true
				}
			}
			if fd.Waived != want {
				t.Fatalf("finding %d (%s %q): waived=%v, want %v", i, fd.RuleID, fd.Address, fd.Waived, want)
			}
		}
	})
}

// globRef is the documented glob semantics as a regexp: * any run of
// characters, ? one character, everything else literal.
func globRef(glob string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range glob {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// A conftest-style rule without tfgate's METADATA would never be evaluated:
// loading it is an error naming its file and line, not a silent pass.
func TestUnannotatedConftestRuleFails(t *testing.T) {
	dir := t.TempDir()
	src := "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tsome rc in input.resource_changes\n\tmsg := rc.address\n}\n\nhelper(x) := x\n"
	if err := os.WriteFile(filepath.Join(dir, "p.rego"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(t.Context(), Options{ExtraDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), "p.rego:5: rule deny has no METADATA") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
}

// Enforcement overrides are part of the policy hash: a record made under
// other overrides does not match at apply.
func TestPolicyHashCoversOverrides(t *testing.T) {
	plain, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	over, err := New(t.Context(), Options{Overrides: map[string]map[string]string{"RDS-002": {"dev": "deny"}}})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := New(t.Context(), Options{Overrides: map[string]map[string]string{"RDS-002": {"dev": "deny"}}})
	if plain.Hash() == over.Hash() || over.Hash() != again.Hash() {
		t.Fatalf("hashes %s %s %s", plain.Hash(), over.Hash(), again.Hash())
	}
}
