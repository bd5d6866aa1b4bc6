package gate

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/input"
	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
)

// fakeEngine returns fixed findings and records the input it saw.
type fakeEngine struct {
	findings []result.Finding
	err      error
	input    map[string]any
	env      string
}

func (f *fakeEngine) Rules() []result.Rule { return []result.Rule{{ID: "T-001", Title: "test"}} }
func (f *fakeEngine) Hash() string         { return "policyhash" }
func (f *fakeEngine) Prunes() bool         { return true }
func (f *fakeEngine) EvaluateInput(_ context.Context, in *input.Value, env string) ([]result.Finding, error) {
	f.input, f.env = in.Go(), env
	return append([]result.Finding(nil), f.findings...), f.err
}

const minimalPlan = `{"format_version":"1.2","terraform_version":"1.11.0","resource_changes":[
 {"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
  "change":{"actions":["delete","create"],"before":{},"after":{},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}]}`

var fixedNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestRunVerdicts(t *testing.T) {
	deny := result.Finding{RuleID: "T-001", Address: "aws_db_instance.main", Enforcement: result.Deny, Severity: result.High, Message: "no"}
	warn := deny
	warn.Enforcement = result.Warning
	adv := deny
	adv.Enforcement = result.Advisory
	tests := []struct {
		name     string
		findings []result.Finding
		strict   bool
		want     result.Verdict
	}{
		{"no findings", nil, false, result.Pass},
		{"advisory", []result.Finding{adv}, true, result.Pass},
		{"warn", []result.Finding{warn}, false, result.Warn},
		{"warn strict", []result.Finding{warn}, true, result.Fail},
		{"deny", []result.Finding{adv, deny}, false, result.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &fakeEngine{findings: tt.findings}
			res, err := Run(context.Background(), Options{
				Env: "production", PlanJSON: []byte(minimalPlan), Strict: tt.strict,
				Now: fixedNow, Engine: eng, ToolVersion: "1.2.3", AllowDestroy: []string{"aws_db_instance.main"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want {
				t.Fatalf("verdict %s, want %s", res.Verdict, tt.want)
			}
			if res.SchemaVersion != result.SchemaVersion || res.Environment != "production" ||
				res.PolicyHash != "policyhash" || res.ToolVersion != "1.2.3" || len(res.PlanSHA256) != 64 ||
				!res.Time.Equal(fixedNow) || len(res.Rules) != 1 || res.Strict != tt.strict {
				t.Fatalf("result metadata incomplete: %+v", res)
			}
			if res.Plan.Replace != 1 || res.Plan.Destroys[0] != "aws_db_instance.main" {
				t.Fatalf("plan summary %+v", res.Plan)
			}
			if res.Findings == nil || res.Exceptions == nil {
				t.Fatal("nil findings/exceptions marshal as null")
			}
			tg := eng.input["tfgate"].(map[string]any)
			if eng.env != "production" || tg["environment"] != "production" || tg["allow_destroy"].([]any)[0] != "aws_db_instance.main" {
				t.Fatalf("engine saw env %q, tfgate %v", eng.env, tg)
			}
		})
	}
}

func TestRunFailsClosed(t *testing.T) {
	dir := t.TempDir()
	badExc := &config.Config{Root: dir, TerraformDir: "terraform", ExceptionsFile: "missing.yaml",
		Environments: map[string]*config.Environment{"production": {}}}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no env", Options{PlanJSON: []byte(minimalPlan), Engine: &fakeEngine{}}, "no environment"},
		{"no plan", Options{Env: "dev", Engine: &fakeEngine{}}, "no plan"},
		{"bad plan", Options{Env: "dev", PlanJSON: []byte("nope"), PlanName: "p.json", Engine: &fakeEngine{}}, "p.json"},
		{"old format", Options{Env: "dev", PlanJSON: []byte(`{"format_version":"0.1"}`), PlanName: "p.json", Engine: &fakeEngine{}}, "format_version"},
		{"missing file", Options{Env: "dev", PlanPath: filepath.Join(dir, "absent.json"), Engine: &fakeEngine{}}, "absent.json"},
		{"engine error", Options{Env: "dev", PlanJSON: []byte(minimalPlan), Engine: &fakeEngine{err: errors.New("rego: eval_conflict_error")}}, "eval_conflict_error"},
		{"exceptions file", Options{Env: "production", Config: badExc, PlanJSON: []byte(minimalPlan), Engine: &fakeEngine{}}, "exceptions file"},
		{"unknown env", Options{Env: "qa", Config: badExc, PlanJSON: []byte(minimalPlan), Engine: &fakeEngine{}}, "unknown environment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Run(context.Background(), tt.o)
			if err == nil {
				t.Fatalf("Run passed (verdict %s), want error containing %q", res.Verdict, tt.want)
			}
			if res != nil {
				t.Fatal("result returned with an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want %q", err, tt.want)
			}
		})
	}
}

// TestCanaryNeverInResult drives canary secrets (sensitive variable,
// attributes, outputs, module input) through the gate, with a rule that
// leaks them into its message, and searches the marshalled result.
func TestCanaryNeverInResult(t *testing.T) {
	data, err := os.ReadFile("testdata/canary.json")
	if err != nil {
		t.Fatal(err)
	}
	canaries := []string{
		"CANARY-not-a-real-secret-123", "CANARY-output-not-a-real-secret-456",
		"CANARY-ssm-not-a-real-secret-789", "CANARY-old-not-a-real-secret-321",
		"CANARY-tag-not-a-real-secret-000", "CANARY-list-not-a-real-secret-654",
		"CANARY-default-not-a-real-secret-987",
	}
	var leaks []result.Finding
	for _, c := range canaries {
		leaks = append(leaks, result.Finding{
			RuleID: "LEAK-001", Address: `aws_ssm_parameter.x["` + c + `"]`, Enforcement: result.Deny,
			Message:     "value " + c + " and DATABASE_URL=postgres://u:" + c + "@db/app",
			Remediation: "rotate " + c, Attribute: "value", Title: "leaky " + c,
		})
	}
	eng := &fakeEngine{findings: leaks}
	res, err := Run(context.Background(), Options{Env: "production", PlanJSON: data, PlanName: "canary.json", Engine: eng, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	in, err := json.Marshal(eng.input)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range canaries {
		if strings.Contains(string(out), c) {
			t.Errorf("result contains canary %s", c)
		}
		if strings.Contains(string(in), c) {
			t.Errorf("policy input contains canary %s", c)
		}
	}
	if !strings.Contains(string(out), "(sensitive)") {
		t.Error("no redaction marker in the result: the findings were dropped, not redacted")
	}
	if len(res.Findings) != len(canaries) {
		t.Errorf("%d findings, want %d", len(res.Findings), len(canaries))
	}
}

// TestPolicyEvaluatorFromConfig: every policy_evaluator tfgate.yaml accepts
// is one the engine accepts, and the gate runs with each (same verdict).
func TestPolicyEvaluatorFromConfig(t *testing.T) {
	if !slices.Equal(config.Evaluators, policy.Evaluators) {
		t.Fatalf("config accepts %v, the engine %v", config.Evaluators, policy.Evaluators)
	}
	var verdicts []result.Verdict
	for _, ev := range config.Evaluators {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte("policy_evaluator: "+ev+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), Options{Config: cfg, Env: "production", PlanJSON: []byte(minimalPlan), Now: fixedNow, NoSource: true})
		if err != nil {
			t.Fatalf("%s: %v", ev, err)
		}
		verdicts = append(verdicts, r.Verdict)
	}
	if verdicts[0] != result.Fail || verdicts[1] != verdicts[0] {
		t.Fatalf("verdicts %v: want the replaced database denied by both", verdicts)
	}
}
