package gate

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
)

var stateful = map[string]bool{
	"aws_db_instance": true, "aws_rds_cluster": true, "aws_s3_bucket": true, "aws_cognito_user_pool": true,
	"aws_kms_key": true, "aws_ecr_repository": true, "aws_cloudwatch_log_group": true,
}

// FuzzGate runs the whole gate (the embedded policy library, exceptions,
// verdict) on any plan bytes: no panic; an error or a decided result, never
// both; the same verdict and findings twice; and fail closed where it
// matters most: a plan that deletes or replaces a stateful resource in
// production is never let through.
func FuzzGate(f *testing.F) {
	for _, glob := range []string{"testdata/*.json", "../plan/testdata/*.json", "../cli/testdata/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data, uint8(2))
			}
		}
	}
	f.Add([]byte(minimalPlan), uint8(2))
	f.Add([]byte(minimalPlan), uint8(0))
	eng, err := policy.New(context.Background(), policy.Options{})
	if err != nil {
		f.Fatal(err)
	}
	envs := []string{"dev", "staging", "production"}
	f.Fuzz(func(t *testing.T, data []byte, e uint8) {
		env := envs[int(e)%len(envs)]
		o := Options{Env: env, PlanJSON: data, PlanName: "fuzz.json", Now: fixedNow, NoSource: true, Engine: eng}
		out, err := Evaluate(context.Background(), o)
		if err != nil {
			if out != nil {
				t.Fatal("an error and a result")
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		res := out.Result
		again, err := Run(context.Background(), o)
		if err != nil {
			t.Fatalf("second run failed: %v", err)
		}
		if res.Verdict != again.Verdict || res.Summary != again.Summary || !sameFindings(res.Findings, again.Findings) {
			t.Fatalf("not deterministic: %s %+v then %s %+v", res.Verdict, res.Summary, again.Verdict, again.Summary)
		}
		check := *res
		check.Decide()
		if check.Verdict != res.Verdict {
			t.Fatalf("verdict %s does not follow from the findings (%s)", res.Verdict, check.Verdict)
		}
		if env == "production" {
			// The gate drops the input it read; the plan read again.
			p, err := plan.Parse(data, "fuzz.json")
			if err != nil {
				t.Fatalf("the gate accepted a plan plan.Parse refuses: %v", err)
			}
			if addr, ok := destroysStateful(p); ok && res.Verdict != result.Fail {
				t.Fatalf("%s destroys stateful %s in production and the verdict is %s", "plan", addr, res.Verdict)
			}
		}
	})
}

func destroysStateful(p *plan.Plan) (string, bool) {
	rcs, _ := p.Input.Go()["resource_changes"].([]any)
	for _, v := range rcs {
		rc := v.(map[string]any)
		t, _ := rc["type"].(string)
		mode, _ := rc["mode"].(string)
		act, _ := rc["action"].(string)
		if stateful[t] && mode != "data" && (act == plan.ActionDelete || act == plan.ActionReplace) {
			addr, _ := rc["address"].(string)
			return addr, true
		}
	}
	return "", false
}

func sameFindings(a, b []result.Finding) bool {
	key := func(fs []result.Finding) []string {
		out := make([]string, len(fs))
		for i, f := range fs {
			j, _ := json.Marshal(f)
			out[i] = string(j)
		}
		sort.Strings(out)
		return out
	}
	ka, kb := key(a), key(b)
	if len(ka) != len(kb) {
		return false
	}
	for i := range ka {
		if ka[i] != kb[i] {
			return false
		}
	}
	return true
}
