package policy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func newEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func rc(typ, name string, actions []string, after map[string]any) map[string]any {
	return map[string]any{
		"address": typ + "." + name, "mode": "managed", "type": typ, "name": name,
		"change": map[string]any{"actions": toAny(actions), "after": after, "after_unknown": map[string]any{}},
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func planOf(rcs ...map[string]any) map[string]any {
	list := make([]any, len(rcs))
	for i, r := range rcs {
		list[i] = r
	}
	return map[string]any{"format_version": "1.2", "resource_changes": list}
}

func find(fs []result.Finding, id, addr string) *result.Finding {
	for i := range fs {
		if fs[i].RuleID == id && fs[i].Address == addr {
			return &fs[i]
		}
	}
	return nil
}

func TestEvaluateEnforcementPerEnvironment(t *testing.T) {
	e := newEngine(t, Options{})
	in := planOf(rc("aws_db_instance", "main", []string{"create"}, map[string]any{
		"deletion_protection": false, "multi_az": true, "storage_encrypted": true,
		"backup_retention_period": 7, "publicly_accessible": false, "skip_final_snapshot": false,
	}))
	for env, want := range map[string]result.Enforcement{
		"dev": result.Advisory, "staging": result.Warning, "production": result.Deny, "qa": result.Deny,
	} {
		fs, err := e.Evaluate(context.Background(), in, env)
		if err != nil {
			t.Fatal(err)
		}
		f := find(fs, "RDS-001", "aws_db_instance.main")
		if f == nil {
			t.Fatalf("%s: RDS-001 missing in %+v", env, fs)
		}
		if f.Enforcement != want || f.Attribute != "deletion_protection" || f.Severity != result.High || f.Title == "" {
			t.Errorf("%s: got %+v, want enforcement %s", env, f, want)
		}
	}
}

func TestOverrides(t *testing.T) {
	e := newEngine(t, Options{Overrides: map[string]map[string]string{"RDS-001": {"dev": "deny"}}})
	for _, r := range e.Rules() {
		if r.ID == "RDS-001" && r.Enforcement["dev"] != result.Deny {
			t.Fatalf("override not applied: %+v", r)
		}
	}
	if _, err := New(context.Background(), Options{Overrides: map[string]map[string]string{"NOPE-1": {"dev": "deny"}}}); err == nil || !strings.Contains(err.Error(), "NOPE-1") {
		t.Fatalf("unknown rule override: err = %v", err)
	}
	if _, err := New(context.Background(), Options{Overrides: map[string]map[string]string{"RDS-001": {"dev": "block"}}}); err == nil || !strings.Contains(err.Error(), "block") {
		t.Fatalf("bad enforcement override: err = %v", err)
	}
}

func TestCompileErrorNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := "package tfgate.custom\n\nimport rego.v1\n\nx contains f if {\n\tf := input.a +\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := New(context.Background(), Options{ExtraDirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "bad.rego")+":") {
		t.Fatalf("want error naming bad.rego:line, got %v", err)
	}
}

func TestUnknownValueWarnsInEveryEnvironment(t *testing.T) {
	e := newEngine(t, Options{})
	r := rc("aws_db_instance", "main", []string{"create"}, map[string]any{
		"multi_az": true, "storage_encrypted": true, "backup_retention_period": 7,
		"publicly_accessible": false, "skip_final_snapshot": false,
	})
	r["change"].(map[string]any)["after_unknown"] = map[string]any{"deletion_protection": true}
	for _, env := range []string{"dev", "staging", "production"} {
		fs, err := e.Evaluate(context.Background(), planOf(r), env)
		if err != nil {
			t.Fatal(err)
		}
		f := find(fs, "RDS-001", "aws_db_instance.main")
		if f == nil || !f.Unknown || f.Enforcement != result.Warning {
			t.Fatalf("%s: want an unknown RDS-001 warning, got %+v", env, f)
		}
	}
}
