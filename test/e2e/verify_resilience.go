package e2e

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// verifyRDSProxy: with enable_rds_proxy the tasks reach the database through
// the proxy (DATABASE_URL names its endpoint), the proxy requires TLS, sits in
// the database subnets, authenticates with the RDS-managed secret and targets
// the stack's instance; the instance uses the stack's parameter group.
func verifyRDSProxy(ctx context.Context, t *testing.T, c *Clients, s *Stack, ex Expect) {
	db := s.Need(t, "aws_db_instance")[0]
	pg := s.Need(t, "aws_db_parameter_group")[0]
	out, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(Attr(db, "identifier"))})
	if err != nil || len(out.DBInstances) != 1 {
		t.Fatalf("DescribeDBInstances %s: %v", Attr(db, "identifier"), err)
	}
	var groups []string
	for _, g := range out.DBInstances[0].DBParameterGroups {
		groups = append(groups, aws.ToString(g.DBParameterGroupName))
	}
	if !slices.Contains(groups, Attr(pg, "name")) {
		t.Errorf("%s uses parameter groups %v, want %s", db.Address, groups, Attr(pg, "name"))
	}

	proxies := s.All("aws_db_proxy")
	url := ssmValue(ctx, t, c, fmt.Sprintf("/%s/%s/database_url", ex.Project, ex.Env))
	if len(proxies) == 0 {
		if !strings.Contains(url, Attr(db, "address")) {
			t.Errorf("no RDS Proxy, but DATABASE_URL does not name the instance %s", Attr(db, "address"))
		}
		return
	}
	p := proxies[0]
	name := Attr(p, "name")
	po, err := c.RDS.DescribeDBProxies(ctx, &rds.DescribeDBProxiesInput{DBProxyName: &name})
	if err != nil || len(po.DBProxies) != 1 {
		t.Fatalf("DescribeDBProxies %s: %v", name, err)
	}
	px := po.DBProxies[0]
	if !aws.ToBool(px.RequireTLS) {
		t.Errorf("RDS Proxy %s does not require TLS", name)
	}
	if ep := aws.ToString(px.Endpoint); ep == "" || !strings.Contains(url, ep) {
		t.Errorf("DATABASE_URL %q does not point at the proxy endpoint %q", redactURL(url), ep)
	}
	var dbSubnets []string
	for _, sn := range s.All("aws_subnet") {
		if tags, _ := sn.AttributeValues["tags"].(map[string]any); tags["Tier"] == "database" {
			dbSubnets = append(dbSubnets, Attr(sn, "id"))
		}
	}
	got := slices.Clone(px.VpcSubnetIds)
	slices.Sort(got)
	slices.Sort(dbSubnets)
	if !slices.Equal(got, dbSubnets) {
		t.Errorf("RDS Proxy subnets %v, want the database subnets %v", got, dbSubnets)
	}
	secret := ""
	if ms, _ := db.AttributeValues["master_user_secret"].([]any); len(ms) == 1 {
		secret, _ = ms[0].(map[string]any)["secret_arn"].(string)
	}
	authOK := false
	for _, a := range px.Auth {
		authOK = authOK || (secret != "" && aws.ToString(a.SecretArn) == secret)
	}
	if !authOK {
		t.Errorf("RDS Proxy %s does not authenticate with the RDS-managed secret %s", name, secret)
	}
	to, err := c.RDS.DescribeDBProxyTargets(ctx, &rds.DescribeDBProxyTargetsInput{DBProxyName: &name})
	if err != nil {
		t.Fatalf("DescribeDBProxyTargets %s: %v", name, err)
	}
	targeted := false
	for _, tg := range to.Targets {
		targeted = targeted || aws.ToString(tg.RdsResourceId) == Attr(db, "identifier")
	}
	if !targeted {
		t.Errorf("RDS Proxy %s does not target %s", name, Attr(db, "identifier"))
	}
}

// verifyResilienceAlarms: an unhealthy-hosts alarm on every target group
// (both blue/green colours and the WebSocket group), CPU and memory alarms on
// the WebSocket service, connection alarms on the proxy.
func verifyResilienceAlarms(ctx context.Context, t *testing.T, c *Clients, s *Stack) {
	var names []string
	for _, r := range s.Need(t, "aws_cloudwatch_metric_alarm") {
		names = append(names, Attr(r, "alarm_name"))
	}
	watched := map[string]map[string]bool{} // metric -> dimension values
	for i := 0; i < len(names); i += 100 {
		out, err := c.CW.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: names[i:min(i+100, len(names))]})
		if err != nil {
			t.Fatalf("DescribeAlarms: %v", err)
		}
		for _, a := range out.MetricAlarms {
			m := aws.ToString(a.MetricName)
			if watched[m] == nil {
				watched[m] = map[string]bool{}
			}
			for _, d := range a.Dimensions {
				watched[m][aws.ToString(d.Value)] = true
			}
		}
	}
	for _, tg := range s.Need(t, "aws_lb_target_group") {
		if suffix := Attr(tg, "arn_suffix"); !watched["UnHealthyHostCount"][suffix] {
			t.Errorf("%s (%s) has no UnHealthyHostCount alarm", tg.Address, suffix)
		}
	}
	for _, svc := range s.All("aws_ecs_service") {
		if !strings.HasPrefix(svc.Address, "aws_ecs_service.websocket") {
			continue
		}
		for _, m := range []string{"CPUUtilization", "MemoryUtilization"} {
			if !watched[m][Attr(svc, "name")] {
				t.Errorf("the WebSocket service %s has no %s alarm", Attr(svc, "name"), m)
			}
		}
	}
	for _, p := range s.All("aws_db_proxy") {
		for _, m := range []string{"ClientConnections", "DatabaseConnections"} {
			if !watched[m][Attr(p, "name")] {
				t.Errorf("RDS Proxy %s has no %s alarm", Attr(p, "name"), m)
			}
		}
	}
	// CodeDeploy rolls back on the alarms of both colours.
	for _, dg := range s.All("aws_codedeploy_deployment_group") {
		cfg, _ := dg.AttributeValues["alarm_configuration"].([]any)
		var alarms []any
		if len(cfg) == 1 {
			alarms, _ = cfg[0].(map[string]any)["alarms"].([]any)
		}
		for _, a := range s.All("aws_cloudwatch_metric_alarm") {
			if strings.HasPrefix(a.Address, `aws_cloudwatch_metric_alarm.alb_unhealthy_hosts["app`) &&
				!slices.Contains(alarms, any(Attr(a, "alarm_name"))) {
				t.Errorf("%s does not roll back on %s", dg.Address, a.Address)
			}
		}
	}
}

// verifyBackup: the backup plan's vault is KMS-encrypted, it has a daily and
// a weekly rule, and its selection covers the database and the app bucket.
// (From the state: the test binary has no AWS Backup client; apply, re-plan
// and destroy exercise the API through the provider.)
func verifyBackup(t *testing.T, s *Stack) {
	vault := s.Need(t, "aws_backup_vault")[0]
	if Attr(vault, "kms_key_arn") == "" {
		t.Errorf("%s has no KMS key", vault.Address)
	}
	plan := s.Need(t, "aws_backup_plan")[0]
	rules := map[string]bool{}
	for _, r := range plan.AttributeValues["rule"].([]any) {
		rules[r.(map[string]any)["rule_name"].(string)] = true
	}
	if !rules["daily"] || !rules["weekly"] {
		t.Errorf("%s rules %v, want daily and weekly", plan.Address, rules)
	}
	sel := s.Need(t, "aws_backup_selection")[0]
	res, _ := sel.AttributeValues["resources"].([]any)
	for _, typ := range []string{"aws_db_instance", "aws_s3_bucket"} {
		for _, r := range s.All(typ) {
			if (typ == "aws_db_instance" || r.Address == "aws_s3_bucket.app") && !slices.Contains(res, any(Attr(r, "arn"))) {
				t.Errorf("%s does not back up %s", sel.Address, r.Address)
			}
		}
	}
}

func ssmValue(ctx context.Context, t *testing.T, c *Clients, name string) string {
	out, err := c.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: &name, WithDecryption: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetParameter %s: %v", name, err)
	}
	return aws.ToString(out.Parameter.Value)
}

// redactURL drops a password, should a URL ever carry one, before it is logged.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
