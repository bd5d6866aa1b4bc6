package gate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
)

// gated runs the gate as `tfgate plan` does and writes the decision record
// next to a stand-in saved plan; it returns the options apply would use.
func gated(t *testing.T, cfg *config.Config, dirs []string) (Options, *result.Result) {
	t.Helper()
	js, err := os.ReadFile("testdata/rds_single_az.json")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Config: cfg, Env: "production", PlanJSON: js, PlanName: "production.json", SavedPlan: savedPlan(t),
		PolicyDirs: dirs, Now: fixedNow, NoSource: true}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteRecord(o.SavedPlan, res); err != nil {
		t.Fatal(err)
	}
	return o, res
}

func editRecord(t *testing.T, sp string, edit func(m map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(RecordPath(sp))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	data, _ = json.Marshal(m)
	if err := os.WriteFile(RecordPath(sp), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantRefusal(t *testing.T, err error, reason string, words ...string) {
	t.Helper()
	var re *RecordError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a *RecordError", err)
	}
	if re.Reason != reason {
		t.Errorf("reason %q, want %q (%v)", re.Reason, reason, err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

// passingOptions: the repository's own rules as the plan sees them in
// production, with every deny of the fixture plan made advisory, so the
// fixture passes; the tightened set is the defaults.
func passingOptions(t *testing.T) (*config.Config, []string) {
	t.Helper()
	_, res := gated(t, repoConfig(t), nil)
	cfg := repoConfig(t)
	cfg.Enforcement = map[string]map[string]string{}
	for _, f := range res.Findings {
		if f.Enforcement != result.Advisory {
			cfg.Enforcement[f.RuleID] = map[string]string{"production": "advisory"}
		}
	}
	return cfg, nil
}

func TestReverifySamePasses(t *testing.T) {
	cfg, dirs := passingOptions(t)
	o, res := gated(t, cfg, dirs)
	if res.Verdict != result.Pass {
		t.Fatalf("setup: verdict %s, want pass", res.Verdict)
	}
	out, err := Reverify(context.Background(), o)
	if err != nil {
		t.Fatalf("unchanged plan and policies refused: %v", err)
	}
	if out.Result.Verdict != result.Pass || out.Plan == nil {
		t.Fatalf("outcome %+v", out.Result)
	}
}

// A denied plan whose record was edited to say pass is still denied.
func TestReverifyRecordEditedToPass(t *testing.T) {
	o, res := gated(t, repoConfig(t), nil)
	if res.Verdict != result.Fail {
		t.Fatalf("setup: verdict %s, want fail", res.Verdict)
	}
	editRecord(t, o.SavedPlan, func(m map[string]any) {
		m["verdict"] = "pass"
		m["summary"] = map[string]any{}
		m["findings"] = []any{}
	})
	if err := VerifyRecord(o.SavedPlan); err != nil {
		t.Fatalf("setup: the edited record should fool the old check: %v", err)
	}
	_, err := Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonFailed, "denies this plan now", "RDS-002 aws_db_instance.main", "verdict (now fail", "the record says pass")
}

// A record made under another policy set (here: an extra policy directory)
// does not vouch for the policies in force at apply.
func TestReverifyRecordFromAnotherPolicySet(t *testing.T) {
	cfg, _ := passingOptions(t)
	o, _ := gated(t, cfg, []string{"testdata/repo/policies"})
	o.PolicyDirs = nil
	_, err := Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonChanged, "policies (policy hash now")

	// The same with the hash edited in by hand.
	o, _ = gated(t, cfg, nil)
	editRecord(t, o.SavedPlan, func(m map[string]any) { m["policy_hash"] = strings.Repeat("0", 64) })
	_, err = Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonChanged, "policies", "the record says 000000000000")
}

// Policies tightened between plan and apply: the new deny wins.
func TestReverifyPoliciesTightened(t *testing.T) {
	cfg, _ := passingOptions(t)
	o, res := gated(t, cfg, nil)
	if res.Verdict != result.Pass {
		t.Fatalf("setup: verdict %s", res.Verdict)
	}
	o.Config = repoConfig(t) // the overrides are gone: RDS-002 denies again
	_, err := Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonFailed, "denies this plan now", "RDS-002", "policies (policy hash now", "verdict (now fail", "the record says pass")
}

// The JSON apply gates is not the one the record was made from.
func TestReverifyPlanChanged(t *testing.T) {
	cfg, _ := passingOptions(t)
	o, _ := gated(t, cfg, nil)
	o.PlanJSON = []byte(strings.Replace(string(o.PlanJSON), `"identifier": "app"`, `"identifier": "app2"`, 1))
	_, err := Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonChanged, "plan (its JSON sha256")
}

func TestReverifyCheapChecksFirst(t *testing.T) {
	cfg, _ := passingOptions(t)
	o, _ := gated(t, cfg, nil)
	if err := os.WriteFile(o.SavedPlan, []byte("PK another plan"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonTampered, "saved plan sha256")
	os.Remove(RecordPath(o.SavedPlan))
	_, err = Reverify(context.Background(), o)
	wantRefusal(t, err, ReasonMissing)
}
