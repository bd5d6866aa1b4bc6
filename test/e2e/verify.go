package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	tfjson "github.com/hashicorp/terraform-json"
)

// Clients are the SDK clients verify uses, all on one aws.Config.
type Clients struct {
	RDS     *rds.Client
	ELB     *elbv2.Client
	WAF     *wafv2.Client
	SSM     *ssm.Client
	S3      *s3.Client
	CW      *cloudwatch.Client
	AAS     *applicationautoscaling.Client
	Cognito *cognitoidentityprovider.Client
}

// NewClients builds clients on cfg; pathStyle is needed for an IP endpoint
// (the emulator), where virtual-host S3 addressing cannot resolve.
func NewClients(cfg aws.Config, pathStyle bool) *Clients {
	return &Clients{
		RDS:     rds.NewFromConfig(cfg),
		ELB:     elbv2.NewFromConfig(cfg),
		WAF:     wafv2.NewFromConfig(cfg),
		SSM:     ssm.NewFromConfig(cfg),
		S3:      s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle }),
		CW:      cloudwatch.NewFromConfig(cfg),
		AAS:     applicationautoscaling.NewFromConfig(cfg),
		Cognito: cognitoidentityprovider.NewFromConfig(cfg),
	}
}

// LocalConfig is an SDK config that can only reach the emulator: its
// endpoint, fake static credentials, no shared files, no IMDS.
func LocalConfig(ctx context.Context, endpoint, region string) (aws.Config, error) {
	return awsconfig.LoadDefaultConfig(ctx,
		awsconfig.WithRegion(region),
		awsconfig.WithBaseEndpoint(endpoint),
		awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		awsconfig.WithSharedConfigFiles([]string{}),
		awsconfig.WithSharedCredentialsFiles([]string{}),
		awsconfig.WithEC2IMDSClientEnableState(imds.ClientDisabled),
	)
}

// Expect holds what verify checks beyond the stack's invariants.
type Expect struct {
	Project string // project_name
	Env     string
	// HTTPS is true when the stack has a certificate (domain_name set): then
	// HTTP must redirect to HTTPS; without one, HTTP forwards (dev only).
	HTTPS bool
}

// Verify checks the applied stack through the live API, one subtest per
// concern so a failure names what is wrong.
func Verify(t *testing.T, c *Clients, s *Stack, ex Expect) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Run("rds", func(t *testing.T) { verifyRDS(ctx, t, c, s, ex) })
	t.Run("waf_on_alb", func(t *testing.T) { verifyWAF(ctx, t, c, s) })
	t.Run("listeners", func(t *testing.T) { verifyListeners(ctx, t, c, s, ex) })
	t.Run("target_groups_ws", func(t *testing.T) { verifyTargetGroups(ctx, t, c, s) })
	t.Run("ssm_securestring", func(t *testing.T) { verifySSM(ctx, t, c, ex) })
	t.Run("s3", func(t *testing.T) { verifyS3(ctx, t, c, s) })
	t.Run("alarms", func(t *testing.T) { verifyAlarms(ctx, t, c, s) })
	t.Run("autoscaling", func(t *testing.T) { verifyAutoscaling(ctx, t, c, s, ex) })
	t.Run("cognito", func(t *testing.T) { verifyCognito(ctx, t, c, s) })
	t.Run("rds_proxy", func(t *testing.T) { verifyRDSProxy(ctx, t, c, s, ex) })
	t.Run("alarms_resilience", func(t *testing.T) { verifyResilienceAlarms(ctx, t, c, s) })
	if len(s.All("aws_backup_plan")) > 0 {
		t.Run("backup", func(t *testing.T) { verifyBackup(t, s) })
	}
}

func verifyRDS(ctx context.Context, t *testing.T, c *Clients, s *Stack, ex Expect) {
	for _, r := range s.Need(t, "aws_db_instance") {
		id := Attr(r, "identifier")
		out, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: &id})
		if err != nil {
			t.Fatalf("%s: DescribeDBInstances %s: %v", r.Address, id, err)
		}
		if len(out.DBInstances) != 1 {
			t.Fatalf("%s: %d instances named %s", r.Address, len(out.DBInstances), id)
		}
		db := out.DBInstances[0]
		if !aws.ToBool(db.StorageEncrypted) {
			t.Errorf("%s: storage is not encrypted", r.Address)
		}
		if aws.ToString(db.KmsKeyId) == "" {
			t.Errorf("%s: no KMS key", r.Address)
		}
		// dev keeps backups 1 day on purpose (dev.tfvars: disposable); every
		// other environment keeps the document's 7 days at least.
		if got, want := aws.ToInt32(db.BackupRetentionPeriod), stateInt(r, "backup_retention_period"); got != want {
			t.Errorf("%s: backup retention %d days, state says %d", r.Address, got, want)
		} else if ex.Env != "dev" && got < 7 {
			t.Errorf("%s: backup retention %d days, want >= 7", r.Address, got)
		}
		if got := aws.ToInt32(db.MaxAllocatedStorage); got != 100 {
			t.Errorf("%s: max allocated storage %d GB, want 100", r.Address, got)
		}
		if aws.ToBool(db.PubliclyAccessible) {
			t.Errorf("%s: publicly accessible", r.Address)
		}
		// Multi-AZ and deletion protection differ per environment: the API
		// must hold what Terraform says it configured.
		if want, _ := r.AttributeValues["multi_az"].(bool); aws.ToBool(db.MultiAZ) != want {
			t.Errorf("%s: MultiAZ %v, state says %v", r.Address, aws.ToBool(db.MultiAZ), want)
		}
		if want, _ := r.AttributeValues["deletion_protection"].(bool); aws.ToBool(db.DeletionProtection) != want {
			t.Errorf("%s: DeletionProtection %v, state says %v", r.Address, aws.ToBool(db.DeletionProtection), want)
		}
	}
}

func albs(t *testing.T, s *Stack) []string {
	var arns []string
	for _, r := range s.Need(t, "aws_lb") {
		arns = append(arns, Attr(r, "arn"))
	}
	return arns
}

func verifyWAF(ctx context.Context, t *testing.T, c *Clients, s *Stack) {
	acls := map[string]bool{}
	for _, r := range s.Need(t, "aws_wafv2_web_acl") {
		acls[Attr(r, "arn")] = true
	}
	for _, arn := range albs(t, s) {
		out, err := c.WAF.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: &arn})
		if err != nil {
			t.Fatalf("GetWebACLForResource %s: %v", arn, err)
		}
		if out.WebACL == nil {
			t.Errorf("ALB %s has no web ACL", arn)
			continue
		}
		if !acls[aws.ToString(out.WebACL.ARN)] {
			t.Errorf("ALB %s is protected by %s, not the stack's web ACL", arn, aws.ToString(out.WebACL.ARN))
		}
		rate := false
		for _, rule := range out.WebACL.Rules {
			if rule.Statement != nil && rule.Statement.RateBasedStatement != nil {
				rate = true
				if got := aws.ToInt64(rule.Statement.RateBasedStatement.Limit); got != 2000 {
					t.Errorf("web ACL rate limit %d, want 2000", got)
				}
			}
		}
		if !rate {
			t.Errorf("web ACL %s has no rate-based rule", aws.ToString(out.WebACL.Name))
		}
	}
}

func verifyListeners(ctx context.Context, t *testing.T, c *Clients, s *Stack, ex Expect) {
	for _, arn := range albs(t, s) {
		out, err := c.ELB.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: &arn})
		if err != nil {
			t.Fatalf("DescribeListeners: %v", err)
		}
		byPort := map[int32]elbtypes.Listener{}
		for _, l := range out.Listeners {
			byPort[aws.ToInt32(l.Port)] = l
		}
		http, ok := byPort[80]
		if !ok {
			t.Fatalf("ALB %s: no listener on 80", arn)
		}
		if !ex.HTTPS {
			t.Logf("no domain in this environment: HTTP forwards (documented dev-only), HTTPS not checked")
			return
		}
		https, ok := byPort[443]
		if !ok {
			t.Fatalf("ALB %s: no listener on 443", arn)
		}
		if https.Protocol != elbtypes.ProtocolEnumHttps {
			t.Errorf("443 listener protocol %s, want HTTPS", https.Protocol)
		}
		if p := aws.ToString(https.SslPolicy); !strings.Contains(p, "TLS13") && !strings.Contains(p, "TLS-1-2") {
			t.Errorf("443 listener SSL policy %q is not TLS 1.2+", p)
		}
		redirect := false
		for _, a := range http.DefaultActions {
			if a.Type == elbtypes.ActionTypeEnumRedirect && a.RedirectConfig != nil {
				rc := a.RedirectConfig
				redirect = aws.ToString(rc.Protocol) == "HTTPS" && aws.ToString(rc.Port) == "443" &&
					rc.StatusCode == elbtypes.RedirectActionStatusCodeEnumHttp301
			}
		}
		if !redirect {
			t.Errorf("port 80 does not redirect to HTTPS:443 with a 301: %+v", http.DefaultActions)
		}
	}
}

func verifyTargetGroups(ctx context.Context, t *testing.T, c *Clients, s *Stack) {
	var stateTGs []string
	for _, r := range s.Need(t, "aws_lb_target_group") {
		stateTGs = append(stateTGs, Attr(r, "arn"))
	}
	all, err := c.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: stateTGs})
	if err != nil {
		t.Fatalf("DescribeTargetGroups: %v", err)
	}
	if len(all.TargetGroups) != len(stateTGs) {
		t.Errorf("state has %d target groups, the API %d", len(stateTGs), len(all.TargetGroups))
	}
	for _, arn := range albs(t, s) {
		tgs, err := c.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: &arn})
		if err != nil {
			t.Fatalf("DescribeTargetGroups: %v", err)
		}
		if len(tgs.TargetGroups) == 0 {
			t.Errorf("no target group serves the ALB")
		}
		ls, err := c.ELB.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: &arn})
		if err != nil {
			t.Fatalf("DescribeListeners: %v", err)
		}
		wsTG := ""
		for _, l := range ls.Listeners {
			rules, err := c.ELB.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: l.ListenerArn})
			if err != nil {
				t.Fatalf("DescribeRules: %v", err)
			}
			for _, r := range rules.Rules {
				if !hasPath(r, "/ws/*") {
					continue
				}
				for _, a := range r.Actions {
					if a.Type == elbtypes.ActionTypeEnumForward {
						wsTG = forwardTarget(a)
					}
				}
			}
		}
		if wsTG == "" {
			t.Fatalf("no listener rule forwards /ws/* to a target group")
		}
		// Always the dedicated group (its own rolling service), never the
		// blue/green pair CodeDeploy swaps.
		for _, r := range s.All("aws_lb_target_group") {
			if r.Address == "aws_lb_target_group.websocket" && Attr(r, "arn") != wsTG {
				t.Errorf("/ws/* forwards to %s, not %s (%s)", wsTG, r.Address, Attr(r, "arn"))
			}
		}
		attrs, err := c.ELB.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: &wsTG})
		if err != nil {
			t.Fatalf("DescribeTargetGroupAttributes: %v", err)
		}
		got := map[string]string{}
		for _, a := range attrs.Attributes {
			got[aws.ToString(a.Key)] = aws.ToString(a.Value)
		}
		if got["stickiness.enabled"] != "true" || got["stickiness.type"] != "lb_cookie" {
			t.Errorf("WebSocket target group stickiness: enabled=%q type=%q, want true lb_cookie",
				got["stickiness.enabled"], got["stickiness.type"])
		}
	}
}

func hasPath(r elbtypes.Rule, pattern string) bool {
	for _, c := range r.Conditions {
		vals := c.Values
		if c.PathPatternConfig != nil {
			vals = append(vals, c.PathPatternConfig.Values...)
		}
		if aws.ToString(c.Field) == "path-pattern" || c.PathPatternConfig != nil {
			for _, v := range vals {
				if v == pattern {
					return true
				}
			}
		}
	}
	return false
}

func forwardTarget(a elbtypes.Action) string {
	if a.TargetGroupArn != nil {
		return *a.TargetGroupArn
	}
	if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
		return aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
	}
	return ""
}

// secretParams are the SSM parameters the document names; each must exist
// as a SecureString.
var secretParams = []string{"openai_api_key", "salesforce_client_id", "livekit_api_key", "database_url"}

func verifySSM(ctx context.Context, t *testing.T, c *Clients, ex Expect) {
	path := fmt.Sprintf("/%s/%s/", ex.Project, ex.Env)
	found := map[string]ssmtypes.ParameterType{}
	p := ssm.NewDescribeParametersPaginator(c.SSM, &ssm.DescribeParametersInput{
		ParameterFilters: []ssmtypes.ParameterStringFilter{{
			Key: aws.String("Path"), Option: aws.String("Recursive"), Values: []string{path},
		}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("DescribeParameters %s: %v", path, err)
		}
		for _, m := range page.Parameters {
			found[strings.TrimPrefix(aws.ToString(m.Name), path)] = m.Type
		}
	}
	if len(found) == 0 {
		t.Fatalf("no SSM parameter under %s", path)
	}
	for _, name := range secretParams {
		typ, ok := found[name]
		if !ok {
			t.Errorf("SSM parameter %s%s missing (have %d under %s)", path, name, len(found), path)
			continue
		}
		if typ != ssmtypes.ParameterTypeSecureString {
			t.Errorf("SSM parameter %s%s is %s, want SecureString", path, name, typ)
		}
	}
	for name, typ := range found {
		if typ != ssmtypes.ParameterTypeSecureString && looksSecret(name) {
			t.Errorf("SSM parameter %s%s looks like a secret but is %s", path, name, typ)
		}
	}
}

func looksSecret(name string) bool {
	for _, w := range []string{"key", "secret", "password", "token", "database_url"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

func verifyS3(ctx context.Context, t *testing.T, c *Clients, s *Stack) {
	for _, r := range s.Need(t, "aws_s3_bucket") {
		b := Attr(r, "bucket")
		enc, err := c.S3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &b})
		if err != nil {
			t.Errorf("%s: GetBucketEncryption: %v", b, err)
		} else if enc.ServerSideEncryptionConfiguration == nil || len(enc.ServerSideEncryptionConfiguration.Rules) == 0 {
			t.Errorf("%s: no default encryption rule", b)
		}
		pab, err := c.S3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &b})
		if err != nil {
			t.Errorf("%s: GetPublicAccessBlock: %v", b, err)
		} else if cfg := pab.PublicAccessBlockConfiguration; cfg == nil || !aws.ToBool(cfg.BlockPublicAcls) ||
			!aws.ToBool(cfg.BlockPublicPolicy) || !aws.ToBool(cfg.IgnorePublicAcls) || !aws.ToBool(cfg.RestrictPublicBuckets) {
			t.Errorf("%s: public access not fully blocked: %+v", b, pab.PublicAccessBlockConfiguration)
		}
	}
	// Versioning is the app bucket's (the document's "S3 Versioning"); every
	// aws_s3_bucket_versioning the stack declares must be live.
	for _, r := range s.Need(t, "aws_s3_bucket_versioning") {
		b := Attr(r, "bucket")
		v, err := c.S3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &b})
		if err != nil {
			t.Errorf("%s: GetBucketVersioning: %v", b, err)
			continue
		}
		if v.Status != "Enabled" {
			t.Errorf("%s: versioning %q, want Enabled", b, v.Status)
		}
	}
}

func verifyAlarms(ctx context.Context, t *testing.T, c *Clients, s *Stack) {
	var names []string
	for _, r := range s.Need(t, "aws_cloudwatch_metric_alarm") {
		names = append(names, Attr(r, "alarm_name"))
	}
	type alarm struct {
		metric    string
		threshold float64
		period    int32
		evals     int32
		op        string
		actions   []string
	}
	var got []alarm
	for i := 0; i < len(names); i += 100 {
		batch := names[i:min(i+100, len(names))]
		out, err := c.CW.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: batch})
		if err != nil {
			t.Fatalf("DescribeAlarms: %v", err)
		}
		for _, a := range out.MetricAlarms {
			al := alarm{metric: aws.ToString(a.MetricName), threshold: aws.ToFloat64(a.Threshold), period: aws.ToInt32(a.Period),
				evals: aws.ToInt32(a.EvaluationPeriods), op: string(a.ComparisonOperator), actions: a.AlarmActions}
			for _, m := range a.Metrics {
				if m.MetricStat != nil && m.MetricStat.Metric != nil {
					al.metric += " " + aws.ToString(m.MetricStat.Metric.MetricName)
					if al.period == 0 {
						al.period = aws.ToInt32(m.MetricStat.Period)
					}
				}
			}
			got = append(got, al)
		}
	}
	if len(got) != len(names) {
		t.Errorf("state has %d alarms, the API %d", len(names), len(got))
	}
	find := func(metric string) *alarm {
		for i := range got {
			if strings.Contains(got[i].metric, metric) {
				return &got[i]
			}
		}
		return nil
	}
	if a := find("5XX"); a == nil {
		t.Errorf("no 5XX alarm")
	} else if a.threshold != 10 || a.period*a.evals != 300 || a.op != "GreaterThanThreshold" {
		t.Errorf("5XX alarm: %s %v over %d x %d s, want GreaterThanThreshold 10 over 300 s", a.op, a.threshold, a.evals, a.period)
	}
	topics := map[string]bool{}
	for _, r := range s.All("aws_sns_topic") {
		topics[Attr(r, "arn")] = true
	}
	for _, m := range []string{"5XX", "TargetResponseTime"} {
		a := find(m)
		if a == nil {
			continue
		}
		notified := false
		for _, act := range a.actions {
			notified = notified || topics[act]
		}
		if !notified {
			t.Errorf("%s alarm does not notify the stack's SNS topic (actions %v)", m, a.actions)
		}
	}
	if a := find("TargetResponseTime"); a == nil {
		t.Errorf("no response time alarm")
	} else if a.threshold != 2 || a.op != "GreaterThanThreshold" {
		t.Errorf("response time alarm: %s %v, want GreaterThanThreshold 2", a.op, a.threshold)
	}
}

func verifyAutoscaling(ctx context.Context, t *testing.T, c *Clients, s *Stack, ex Expect) {
	wsScaled := false
	for _, r := range s.Need(t, "aws_appautoscaling_target") {
		id := Attr(r, "resource_id")
		out, err := c.AAS.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{
			ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceIds: []string{id},
		})
		if err != nil {
			t.Fatalf("DescribeScalableTargets %s: %v", id, err)
		}
		if len(out.ScalableTargets) != 1 {
			t.Fatalf("%s: %d scalable targets", id, len(out.ScalableTargets))
		}
		st := out.ScalableTargets[0]
		// The document's range is 1..10 (production); smaller environments
		// cap lower on purpose. The API must hold what the state says.
		lo, hi := aws.ToInt32(st.MinCapacity), aws.ToInt32(st.MaxCapacity)
		if lo != stateInt(r, "min_capacity") || hi != stateInt(r, "max_capacity") {
			t.Errorf("%s: capacity %d..%d, state says %d..%d", id, lo, hi, stateInt(r, "min_capacity"), stateInt(r, "max_capacity"))
		}
		if lo < 1 || hi < lo || hi > 10 {
			t.Errorf("%s: capacity %d..%d is outside the document's 1..10", id, lo, hi)
		}
		if ex.Env == "production" && lo < 2 {
			t.Errorf("%s: production keeps %d tasks at least, want one per AZ (>= 2)", id, lo)
		}
		if ex.Env == "production" && hi != 10 {
			t.Errorf("%s: production scales to %d tasks, want 10", id, hi)
		}
		pol, err := c.AAS.DescribeScalingPolicies(ctx, &applicationautoscaling.DescribeScalingPoliciesInput{
			ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: &id,
		})
		if err != nil {
			t.Fatalf("DescribeScalingPolicies %s: %v", id, err)
		}
		if len(pol.ScalingPolicies) < 2 {
			t.Errorf("%s: %d scaling policies, want two target tracking policies at least", id, len(pol.ScalingPolicies))
		}
		if r.Address != "aws_appautoscaling_target.websocket" {
			continue
		}
		// The WebSocket service scales on open connections per task: the
		// Average of the tasks' connection gauge (terraform/ecs.tf).
		for _, sp := range pol.ScalingPolicies {
			if tt := sp.TargetTrackingScalingPolicyConfiguration; tt != nil && tt.CustomizedMetricSpecification != nil &&
				aws.ToString(tt.CustomizedMetricSpecification.MetricName) == "WebSocketActiveConnections" &&
				tt.CustomizedMetricSpecification.Statistic == aastypes.MetricStatisticAverage {
				wsScaled = true
			}
		}
	}
	if len(s.All("aws_appautoscaling_target")) > 0 && !wsScaled {
		t.Errorf("the WebSocket service (aws_appautoscaling_target.websocket) does not scale on connections")
	}
}

func verifyCognito(ctx context.Context, t *testing.T, c *Clients, s *Stack) {
	for _, r := range s.Need(t, "aws_cognito_user_pool") {
		id := Attr(r, "id")
		out, err := c.Cognito.DescribeUserPool(ctx, &cognitoidentityprovider.DescribeUserPoolInput{UserPoolId: &id})
		if err != nil {
			t.Fatalf("DescribeUserPool %s: %v", id, err)
		}
		up := out.UserPool
		if up == nil || up.Policies == nil || up.Policies.PasswordPolicy == nil {
			t.Fatalf("user pool %s has no password policy", id)
		}
		if n := aws.ToInt32(up.Policies.PasswordPolicy.MinimumLength); n < 12 {
			t.Errorf("user pool %s: password minimum length %d, want >= 12", id, n)
		}
	}
	if len(s.All("aws_cognito_user_pool_client")) == 0 {
		t.Errorf("state has no Cognito app client")
	}
}

// stateInt reads a number attribute of a state resource.
func stateInt(r *tfjson.StateResource, key string) int32 {
	f, _ := r.AttributeValues[key].(float64)
	return int32(f)
}
