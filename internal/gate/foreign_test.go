package gate

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
)

// foreign runs the real policy library through the gate on
// testdata/foreign: a repository in a style our stack does not use
// (registry modules, for_each, locals; see its main.tf). Each assertion is
// one of issue 10's "What was seen".
func foreign(t *testing.T, requiredTags []string, noSource ...bool) map[string]map[string]result.Finding {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "foreign"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RequiredTags = requiredTags
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Options{Config: cfg, Env: "production", PlanJSON: data, PlanName: "foreign/plan.json", Now: fixedNow, NoSource: len(noSource) > 0})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]result.Finding{}
	for _, f := range res.Findings {
		if out[f.RuleID] == nil {
			out[f.RuleID] = map[string]result.Finding{}
		}
		out[f.RuleID][f.Address] = f
	}
	return out
}

func TestForeignStackWhatWasSeen(t *testing.T) {
	fs := foreign(t, nil)
	want := func(id, addr string, en result.Enforcement, unknown bool) {
		t.Helper()
		f, ok := fs[id][addr]
		switch {
		case !ok:
			t.Errorf("%s on %s: not reported (have %v)", id, addr, keys(fs[id]))
		case f.Enforcement != en || f.Unknown != unknown:
			t.Errorf("%s on %s: enforcement %s unknown %v, want %s unknown %v", id, addr, f.Enforcement, f.Unknown, en, unknown)
		}
	}
	none := func(id, addr, why string) {
		t.Helper()
		if f, ok := fs[id][addr]; ok {
			t.Errorf("%s on %s (%s): %s", id, addr, why, f.Message)
		}
	}
	// A network load balancer with deletion protection off (in a for_each
	// instance of a registry module) is denied.
	want("ALB-001", `module.nlb["api"].aws_lb.this[0]`, result.Deny, false)
	// A bucket without versioning is denied in production; the for_each
	// sibling with versioning (literal index) is not.
	want("S3-005", `aws_s3_bucket.data["logs"]`, result.Deny, false)
	none("S3-005", `aws_s3_bucket.data["assets"]`, "its versioning names it by literal index")
	// The flow log refers to local.vpc_id = module.vpc.vpc_id: followed
	// through the local (from the source) and the module output.
	none("NET-002", "module.vpc.aws_vpc.this[0]", "flow log via local.vpc_id -> module.vpc.vpc_id")
	// ... while a flow log only in the configuration (count = 0) is no evidence.
	want("NET-002", "aws_vpc.edge", result.Warning, false)
	// Bucket policies unknown until apply, built with aws_iam_policy_document
	// or jsonencode(...), are judged from the configuration.
	none("S3-003", "aws_s3_bucket_policy.assets", "aws_iam_policy_document denies aws:SecureTransport = false")
	none("S3-003", "aws_s3_bucket_policy.logs", "jsonencode object denies aws:SecureTransport = false")
	none("S3-003", `aws_s3_bucket.data["logs"]`, "its policy links by literal index")
	// Conventions are configuration: no required_tags, no TAG-001.
	if len(fs["TAG-001"]) > 0 {
		t.Errorf("TAG-001 ran without required_tags: %v", keys(fs["TAG-001"]))
	}
	// Unknown until apply is reported, never a silent pass or a violation.
	want("KMS-001", "aws_kms_key.data", result.Warning, true)
	want("SSM-001", "aws_ssm_parameter.db_password", result.Warning, true)
	want("NET-001", "aws_vpc_security_group_ingress_rule.db", result.Warning, true)
}

func TestForeignStackRequiredTags(t *testing.T) {
	fs := foreign(t, []string{"Owner"})
	// No default_tags, no tags: a violation (denied in production), not an unknown.
	f, ok := fs["TAG-001"]["aws_vpc.edge"]
	if !ok || f.Unknown || f.Enforcement != result.Deny {
		t.Errorf("untagged aws_vpc.edge: %+v (present %v)", f, ok)
	}
	if f, ok := fs["TAG-001"]["module.vpc.aws_vpc.this[0]"]; !ok || f.Unknown {
		t.Errorf("partly tagged VPC (Name only): %+v", f)
	}
}

func keys(m map[string]result.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Without the configuration source (a plan checked away from its
// repository) locals and jsonencode objects cannot be read: the rules say
// "unknown until apply" instead of reporting something missing.
func TestForeignStackWithoutSourceIsUnknownNotMissing(t *testing.T) {
	fs := foreign(t, nil, true)
	for _, c := range [][2]string{
		{"NET-002", "module.vpc.aws_vpc.this[0]"},
		{"S3-003", "aws_s3_bucket_policy.logs"},
	} {
		if f, ok := fs[c[0]][c[1]]; !ok || !f.Unknown {
			t.Errorf("%s on %s without source: %+v (present %v), want unknown", c[0], c[1], f, ok)
		}
	}
	if _, ok := fs["S3-003"]["aws_s3_bucket_policy.assets"]; ok {
		t.Error("the aws_iam_policy_document is in the plan's configuration: no source needed")
	}
}
