package gate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/saprism/tfgate/internal/atomicfile"
	"github.com/saprism/tfgate/internal/result"
)

// RecordSuffix is appended to the saved plan's path for its decision record.
const RecordSuffix = ".decision.json"

// RecordVersion is the version of the decision record format.
const RecordVersion = "1"

// Record is the decision record written next to a saved plan. `tfgate
// apply` runs a saved plan only when its record says pass/warn and the
// plan file's sha256 still matches.
type Record struct {
	RecordVersion string             `json:"record_version"`
	SavedPlan     string             `json:"saved_plan"`        // base name of the binary plan
	SavedSHA256   string             `json:"saved_plan_sha256"` // of the binary plan file
	PlanSHA256    string             `json:"plan_json_sha256"`  // of the plan JSON evaluated
	PolicyHash    string             `json:"policy_hash"`
	ToolVersion   string             `json:"tfgate_version"`
	Environment   string             `json:"environment"`
	Strict        bool               `json:"strict,omitempty"`
	Verdict       result.Verdict     `json:"verdict"`
	Summary       result.Summary     `json:"summary"`
	Plan          result.PlanSummary `json:"plan"`
	Findings      []result.Finding   `json:"findings"`
	Exceptions    []result.Exception `json:"exceptions"`
	Time          time.Time          `json:"time"`
}

// RecordPath returns the decision record path of a saved plan.
func RecordPath(savedPlan string) string { return savedPlan + RecordSuffix }

// WriteRecord writes <savedPlan>.decision.json for the result r. The
// record holds the sha256 of the saved binary plan, so a plan changed after
// the gate ran is refused at apply.
func WriteRecord(savedPlan string, r *result.Result) error {
	if savedPlan == "" {
		return errors.New("decision record: no saved plan")
	}
	if r == nil {
		return errors.New("decision record: no result")
	}
	sum, err := fileSHA256(savedPlan)
	if err != nil {
		return fmt.Errorf("decision record: saved plan: %w", err)
	}
	rec := Record{
		RecordVersion: RecordVersion,
		SavedPlan:     filepath.Base(savedPlan),
		SavedSHA256:   sum,
		PlanSHA256:    r.PlanSHA256,
		PolicyHash:    r.PolicyHash,
		ToolVersion:   r.ToolVersion,
		Environment:   r.Environment,
		Strict:        r.Strict,
		Verdict:       r.Verdict,
		Summary:       r.Summary,
		Plan:          r.Plan,
		Findings:      r.Findings,
		Exceptions:    r.Exceptions,
		Time:          r.Time,
	}
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("decision record: %w", err)
	}
	// Write then rename, so a crash or a full disk never leaves a half
	// record behind.
	if err := atomicfile.WriteFile(RecordPath(savedPlan), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("decision record: %w", err)
	}
	return nil
}

// ReadRecord reads the decision record of savedPlan without judging it.
func ReadRecord(savedPlan string) (*Record, error) {
	path := RecordPath(savedPlan)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &RecordError{Path: path, Reason: ReasonMissing, Err: errors.New("no decision record: run the gate (tfgate plan) on this saved plan first")}
		}
		return nil, &RecordError{Path: path, Reason: ReasonInvalid, Err: err}
	}
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, &RecordError{Path: path, Reason: ReasonInvalid, Err: err}
	}
	if rec.RecordVersion != RecordVersion {
		return nil, &RecordError{Path: path, Reason: ReasonInvalid, Err: fmt.Errorf("record_version %q, want %q", rec.RecordVersion, RecordVersion)}
	}
	if len(rec.SavedSHA256) != 64 {
		return nil, &RecordError{Path: path, Reason: ReasonInvalid, Err: errors.New("no saved_plan_sha256")}
	}
	return &rec, nil
}

// VerifyRecord checks the decision record of savedPlan: it must exist, be
// readable, carry a passing verdict (pass or warn), and the saved plan's
// sha256 must match. Otherwise it returns a *RecordError and apply refuses.
func VerifyRecord(savedPlan string) error {
	rec, err := ReadRecord(savedPlan)
	if err != nil {
		return err
	}
	path := RecordPath(savedPlan)
	switch rec.Verdict {
	case result.Pass, result.Warn:
	case result.Fail:
		return &RecordError{Path: path, Reason: ReasonFailed, Err: fmt.Errorf("the gate denied this plan (%d deny findings)", rec.Summary.Deny)}
	default:
		return &RecordError{Path: path, Reason: ReasonInvalid, Err: fmt.Errorf("unknown verdict %q", rec.Verdict)}
	}
	sum, err := fileSHA256(savedPlan)
	if err != nil {
		return &RecordError{Path: path, Reason: ReasonTampered, Err: fmt.Errorf("saved plan: %w", err)}
	}
	if sum != rec.SavedSHA256 {
		return &RecordError{Path: path, Reason: ReasonTampered, Err: fmt.Errorf("saved plan sha256 %s does not match the recorded %s: the plan changed after the gate ran", sum, rec.SavedSHA256)}
	}
	return nil
}

// Reasons apply refuses a saved plan.
const (
	ReasonMissing  = "missing"
	ReasonInvalid  = "unreadable"
	ReasonFailed   = "failed"
	ReasonTampered = "tampered"
)

// RecordError explains why a saved plan may not be applied.
type RecordError struct {
	Path   string // the record file
	Reason string // one of the Reason* constants
	Err    error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("decision record %s: %s: %v", e.Path, e.Reason, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
