package e2e

import (
	"context"
	"crypto/rand"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	tt "github.com/gruntwork-io/terratest/modules/terraform"
	teststructure "github.com/gruntwork-io/terratest/modules/test-structure"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/saprism/tfgate/test/internal/harness"
)

// Tags every e2e-aws resource carries (through the stack's `tags`
// variable, merged into the provider's default_tags): the sweeper
// (`go run ./test/sweep`) finds leaks by them.
const (
	TagRun     = "TfgateE2ERun"
	TagExpires = "TfgateE2EExpires" // RFC 3339; the sweeper deletes after it
	ttl        = 6 * time.Hour
)

// TestE2EAWS is TestE2ELocal against real AWS: dev with every flag on under
// a unique project_name, planned, gated by tfgate, applied from the saved
// plan, verified with the same SDK code, re-planned, destroyed. It runs only
// with TFGATE_E2E_AWS=1 and AWS credentials; it costs money (RDS, NAT,
// ALB, CloudFront) for the ~30 minutes it runs.
//
// Without a DNS zone there is no certificate: domain_name is empty, so the
// ALB serves HTTP only (the stack's documented dev-only shape) and the HTTPS
// checks are skipped. Set TFGATE_E2E_DOMAIN and TFGATE_E2E_ZONE_ID (a
// Route 53 zone for that domain) to exercise HTTPS too.
//
// State is a local file in .tfgate/e2e-aws/ (tfgate's local-mode working
// copy and backend override): a run is short-lived and destroyed in a
// deferred cleanup even on failure; what a crashed run leaks is found by its
// tags and removed by the sweeper.
func TestE2EAWS(t *testing.T) {
	if os.Getenv("TFGATE_E2E_AWS") != "1" {
		t.Skip("e2e-aws SKIPPED: set TFGATE_E2E_AWS=1 (and AWS credentials) to run against real AWS; it creates billable resources")
	}
	ctx := context.Background()
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		// Asked to run, and the AWS configuration itself is broken (a
		// missing profile, a malformed file): that is a failure, not a skip.
		t.Fatalf("e2e-aws: TFGATE_E2E_AWS=1 but the AWS configuration does not load: %v", err)
	}
	if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
		t.Skipf("e2e-aws SKIPPED: TFGATE_E2E_AWS=1 but no AWS credentials: %v", err)
	}
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS"} {
		if u, err := url.Parse(os.Getenv(k)); err == nil && u.Host != "" {
			t.Fatalf("e2e-aws refuses %s=%s: it must talk to real AWS, not an emulator", k, os.Getenv(k))
		}
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	harness.RequireTools(t, "terraform")

	root := filepath.Join(harness.Root(t), ".tfgate", "e2e-aws")
	const env = "dev"

	var runID string
	teststructure.RunTestStage(t, "setup", func() {
		if err := os.RemoveAll(root); err != nil {
			t.Fatal(err)
		}
		WriteRoot(t, root)
		runID = newRunID(t)
		teststructure.SaveString(t, root, "run_id", runID)
	})
	if runID == "" {
		runID = teststructure.LoadString(t, root, "run_id")
	}
	project := "tfg-" + runID
	t.Logf("e2e-aws run %s: project_name %s, region %s", runID, project, awsCfg.Region)

	cfg, err := config.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	opts := awsOptions(t, cfg, env, awsCfg.Region, project, runID)

	// Destroy in a deferred cleanup, pass or fail, unless asked to keep it.
	t.Cleanup(func() {
		teststructure.RunTestStage(t, "destroy", func() {
			harness.Step(t, "destroy", func() {
				if _, err := tt.DestroyE(t, opts); err != nil {
					t.Errorf("destroy of run %s failed: %v\nclean up with: go run ./test/sweep -run %s -yes", runID, err, runID)
				}
			})
		})
	})

	teststructure.RunTestStage(t, "apply", func() {
		harness.Stage(t, "apply", func(t *testing.T) {
			js, err := tt.InitAndPlanAndShowE(t, opts)
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			res := harness.Gate(t, env, "e2e-aws plan", []byte(js))
			if res.Verdict == result.Fail {
				t.Fatalf("the gate denied the plan:\n%s", harness.Describe(res.Findings))
			}
			// Apply exactly the saved plan the gate judged.
			if _, err := tt.ApplyE(t, opts); err != nil {
				t.Fatalf("apply: %v", err)
			}
		})
	})
	if t.Failed() {
		return
	}

	teststructure.RunTestStage(t, "verify", func() {
		harness.Stage(t, "verify", func(t *testing.T) {
			show := *opts
			show.PlanFilePath = ""
			state, err := tt.ShowE(t, &show)
			if err != nil {
				t.Fatalf("terraform show -json (state): %v", err)
			}
			Verify(t, NewClients(awsCfg, false), LoadStack(t, []byte(state)),
				Expect{Project: project, Env: env, HTTPS: os.Getenv("TFGATE_E2E_DOMAIN") != ""})
		})
	})

	teststructure.RunTestStage(t, "replan", func() {
		harness.Stage(t, "replan", func(t *testing.T) {
			if _, err := tt.PlanE(t, opts); err != nil {
				t.Fatalf("plan: %v", err)
			}
			show, err := tt.ShowE(t, opts)
			if err != nil {
				t.Fatalf("show: %v", err)
			}
			p, err := harness.ParsePlan(env, []byte(show))
			if err != nil {
				t.Fatal(err)
			}
			NoChanges(t, p)
		})
	})
}

// awsOptions: terratest options on tfgate's local-mode working copy (its
// backend override keeps state in a local file) with real AWS credentials
// from the environment, and the run's name, tags and domain settings.
func awsOptions(t *testing.T, cfg *config.Config, env, region, project, runID string) *tt.Options {
	dir, extra, varFiles, err := tfg.Workdir(cfg, env, true)
	if err != nil {
		t.Fatalf("working dir: %v", err)
	}
	layout, err := tfg.NewLayout(cfg, env, true)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{
		"project_name": project,
		"aws_region":   region,
		"tags": map[string]any{
			TagRun:     runID,
			TagExpires: time.Now().Add(ttl).UTC().Format(time.RFC3339),
		},
		"alert_email": "",
		"domain_name": os.Getenv("TFGATE_E2E_DOMAIN"),
	}
	if z := os.Getenv("TFGATE_E2E_ZONE_ID"); z != "" {
		vars["route53_zone_id"] = z
	}
	return &tt.Options{
		TerraformDir:         dir,
		VarFiles:             varFiles,
		Vars:                 vars,
		SetVarsAfterVarFiles: true,
		EnvVars:              tfg.EnvMap(extra),
		PlanFilePath:         layout.PlanPath(),
		NoColor:              true,
		Lock:                 true,
	}
}

// newRunID is short (project_name is at most 20 characters), lowercase and
// unique enough for concurrent runs in one account.
func newRunID(t *testing.T) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for i := 0; i < 8; i++ {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}
