package gate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func savedPlan(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "production.tfplan")
	if err := os.WriteFile(p, []byte("PK\x03\x04 binary plan stand-in"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func decided(v result.Verdict) *result.Result {
	r := &result.Result{SchemaVersion: result.SchemaVersion, Environment: "production", PlanSHA256: strings.Repeat("a", 64),
		PolicyHash: "ph", ToolVersion: "dev", Time: fixedNow, Findings: []result.Finding{}, Exceptions: []result.Exception{}}
	switch v {
	case result.Fail:
		r.Findings = append(r.Findings, result.Finding{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Deny})
	case result.Warn:
		r.Findings = append(r.Findings, result.Finding{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Warning})
	}
	r.Decide()
	return r
}

func TestRecordRoundTrip(t *testing.T) {
	for _, v := range []result.Verdict{result.Pass, result.Warn} {
		t.Run(string(v), func(t *testing.T) {
			sp := savedPlan(t)
			if err := WriteRecord(sp, decided(v)); err != nil {
				t.Fatal(err)
			}
			if err := VerifyRecord(sp); err != nil {
				t.Fatalf("VerifyRecord: %v", err)
			}
			rec, err := ReadRecord(sp)
			if err != nil {
				t.Fatal(err)
			}
			sum, _ := fileSHA256(sp)
			if rec.SavedSHA256 != sum || rec.PlanSHA256 != strings.Repeat("a", 64) || rec.PolicyHash != "ph" ||
				rec.ToolVersion != "dev" || rec.Environment != "production" || rec.Verdict != v ||
				!rec.Time.Equal(fixedNow) || rec.SavedPlan != "production.tfplan" {
				t.Fatalf("record %+v", rec)
			}
			if _, err := os.Stat(RecordPath(sp) + ".tmp"); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("temporary record left behind")
			}
		})
	}
}

func TestVerifyRecordRefuses(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, sp string)
		reason string
	}{
		{"missing", func(t *testing.T, sp string) {}, ReasonMissing},
		{"failed", func(t *testing.T, sp string) {
			if err := WriteRecord(sp, decided(result.Fail)); err != nil {
				t.Fatal(err)
			}
		}, ReasonFailed},
		{"tampered plan", func(t *testing.T, sp string) {
			if err := WriteRecord(sp, decided(result.Pass)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(sp, []byte("PK\x03\x04 another plan"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, ReasonTampered},
		{"plan gone", func(t *testing.T, sp string) {
			if err := WriteRecord(sp, decided(result.Pass)); err != nil {
				t.Fatal(err)
			}
			os.Remove(sp)
		}, ReasonTampered},
		{"not json", func(t *testing.T, sp string) {
			os.WriteFile(RecordPath(sp), []byte("{verdict: pass"), 0o644)
		}, ReasonInvalid},
		{"unknown field", func(t *testing.T, sp string) {
			os.WriteFile(RecordPath(sp), []byte(`{"record_version":"1","verdict":"pass","override":true}`), 0o644)
		}, ReasonInvalid},
		{"no hash", func(t *testing.T, sp string) {
			os.WriteFile(RecordPath(sp), []byte(`{"record_version":"1","verdict":"pass"}`), 0o644)
		}, ReasonInvalid},
		{"odd verdict", func(t *testing.T, sp string) {
			sum, _ := fileSHA256(sp)
			os.WriteFile(RecordPath(sp), []byte(`{"record_version":"1","verdict":"maybe","saved_plan_sha256":"`+sum+`"}`), 0o644)
		}, ReasonInvalid},
		{"unreadable", func(t *testing.T, sp string) {
			os.Mkdir(RecordPath(sp), 0o755) // a directory: read fails
		}, ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := savedPlan(t)
			tt.setup(t, sp)
			err := VerifyRecord(sp)
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("VerifyRecord = %v, want *RecordError", err)
			}
			if re.Reason != tt.reason || re.Path != RecordPath(sp) {
				t.Fatalf("reason %q path %q, want %q: %v", re.Reason, re.Path, tt.reason, err)
			}
			if !strings.Contains(err.Error(), RecordPath(sp)) {
				t.Fatalf("error does not name the record: %v", err)
			}
		})
	}
}

func TestWriteRecordErrors(t *testing.T) {
	if err := WriteRecord("", decided(result.Pass)); err == nil {
		t.Error("empty saved plan accepted")
	}
	if err := WriteRecord(savedPlan(t), nil); err == nil {
		t.Error("nil result accepted")
	}
	if err := WriteRecord(filepath.Join(t.TempDir(), "absent.tfplan"), decided(result.Pass)); err == nil || !strings.Contains(err.Error(), "absent.tfplan") {
		t.Errorf("missing saved plan: %v", err)
	}
}
