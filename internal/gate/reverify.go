package gate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/saprism/tfgate/internal/result"
)

// ReasonChanged: the record does not match what the gate decides now.
const ReasonChanged = "changed"

// Reverify is what `tfgate apply` runs before applying a saved plan. The
// decision record is a file anyone can edit, so it is not trusted: the gate
// runs again on the saved plan (o.PlanJSON, or o.Plan decoded from it, must
// be `terraform show -json` of o.SavedPlan, not a JSON file that could have
// been edited separately)
// with the policies in force now, and the plan may be applied only when
// that run passes AND matches the record: same saved plan, plan JSON,
// policy hash, environment and verdict. Anything else is a *RecordError
// saying what changed (plan, policies, verdict). It returns the new run's
// outcome (its redactor serves the apply's output).
func Reverify(ctx context.Context, o Options) (*Outcome, error) {
	if o.SavedPlan == "" || (o.PlanJSON == nil && o.Plan == nil) {
		return nil, errors.New("gate: re-verify needs the saved plan and its JSON")
	}
	path := RecordPath(o.SavedPlan)
	// The cheap checks first: no record, a recorded failure or a replaced
	// plan file need no policy run.
	if err := VerifyRecord(o.SavedPlan); err != nil {
		return nil, err
	}
	rec, err := ReadRecord(o.SavedPlan)
	if err != nil {
		return nil, err
	}
	out, err := Evaluate(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("apply refused: the gate cannot run on the saved plan now: %w", err)
	}
	now := out.Result
	var changed []string
	if now.PlanSHA256 != rec.PlanSHA256 {
		changed = append(changed, fmt.Sprintf("plan (its JSON sha256 is %s, the record says %s)", short(now.PlanSHA256), short(rec.PlanSHA256)))
	}
	if now.PolicyHash != rec.PolicyHash {
		changed = append(changed, fmt.Sprintf("policies (policy hash now %s, the record says %s)", short(now.PolicyHash), short(rec.PolicyHash)))
	}
	if now.Environment != rec.Environment {
		changed = append(changed, fmt.Sprintf("environment (now %q, the record says %q)", now.Environment, rec.Environment))
	}
	if now.Verdict != rec.Verdict {
		changed = append(changed, fmt.Sprintf("verdict (now %s%s, the record says %s)", now.Verdict, denied(now), rec.Verdict))
	}
	switch {
	case now.Verdict == result.Fail:
		msg := fmt.Sprintf("the gate denies this plan now%s", denied(now))
		if len(changed) > 0 {
			msg += "; changed since the plan was gated: " + strings.Join(changed, "; ")
		}
		return out, &RecordError{Path: path, Reason: ReasonFailed, Err: errors.New(msg)}
	case len(changed) > 0:
		return out, &RecordError{Path: path, Reason: ReasonChanged, Err: fmt.Errorf(
			"the record does not match the gate run now: %s (run `tfgate plan` again)", strings.Join(changed, "; "))}
	}
	return out, nil
}

// denied lists the first deny findings of r, for a refusal message.
func denied(r *result.Result) string {
	var ids []string
	for _, f := range r.Findings {
		if f.Waived || !(f.Enforcement == result.Deny || (r.Strict && f.Enforcement == result.Warning)) {
			continue
		}
		ids = append(ids, f.RuleID+" "+f.Address)
	}
	switch {
	case len(ids) == 0:
		return ""
	case len(ids) > 3:
		return fmt.Sprintf(": %s and %d more", strings.Join(ids[:3], ", "), len(ids)-3)
	}
	return ": " + strings.Join(ids, ", ")
}

func short(h string) string {
	if h == "" {
		return `""`
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
