// Package plan is the plan suite: each environment's real plan of the stack
// (terratest InitAndPlanAndShow, through tfgate's working-dir, provider and
// environment handling, against the local emulator because the stack's data
// sources need an API) must have the shape the infrastructure document
// describes, and tfgate's gate must give it the expected verdict.
package plan

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/test/internal/harness"
)

// envExpect is what the document prescribes per environment; values the
// document leaves to the environment (dev's 1-day backups, staging's
// capacity) are checked for wiring instead: the plan holds what the
// environment's tfvars asked for.
type envExpect struct {
	production    bool           // the "Production Readiness" checklist applies
	minBackupDays float64        // document: 7-day retention (dev is disposable)
	verdictNot    result.Verdict // the gate's verdict must not be this
	verdictIs     result.Verdict // and, when set, must be exactly this
}

var expect = map[string]envExpect{
	"dev":        {minBackupDays: 1, verdictNot: result.Fail},
	"staging":    {minBackupDays: 7, verdictNot: result.Fail},
	"production": {production: true, minBackupDays: 7, verdictIs: result.Pass},
}

func TestPlan(t *testing.T) {
	emu := harness.Emulator(t)
	emuEnv := harness.EmulatorEnv(emu)
	for _, env := range harness.Environments {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			var p *harness.Plan
			if !harness.Stage(t, "plan", func(t *testing.T) {
				p = harness.PlanEnv(t, harness.IsolatedConfig(t), env, emuEnv, nil)
			}) {
				return
			}
			harness.Stage(t, "assert", func(t *testing.T) {
				t.Run("first_apply", func(t *testing.T) { firstApply(t, p) })
				t.Run("subnets", func(t *testing.T) { subnets(t, p) })
				t.Run("rds", func(t *testing.T) { rds(t, p, expect[env]) })
				t.Run("autoscaling", func(t *testing.T) { autoscaling(t, p, expect[env]) })
				t.Run("waf", func(t *testing.T) { waf(t, p) })
				t.Run("listeners", func(t *testing.T) { listeners(t, p) })
				t.Run("websocket", func(t *testing.T) { websocket(t, p) })
				t.Run("ssm", func(t *testing.T) { ssm(t, p) })
				t.Run("alarms", func(t *testing.T) { alarms(t, p) })
				t.Run("alarms_follow_target_groups", func(t *testing.T) { targetGroupAlarms(t, p) })
				t.Run("db_connections", func(t *testing.T) { dbConnections(t, p) })
				t.Run("backup", func(t *testing.T) { backup(t, p) })
			})
			harness.Stage(t, "gate", func(t *testing.T) { verdict(t, p, expect[env]) })
		})
	}
}

// firstApply: against an empty emulator every change is a create.
func firstApply(t *testing.T, p *harness.Plan) {
	acts := p.Actions()
	if acts["create"] == 0 {
		t.Fatalf("plan creates nothing: %v", acts)
	}
	for a, n := range acts {
		if a != "create" && a != "read" {
			t.Errorf("a first apply should only create; %d changes are %s", n, a)
		}
	}
}

func variable(t *testing.T, p *harness.Plan, name string) any {
	t.Helper()
	v, ok := p.RawPlan.Variables[name]
	if !ok {
		t.Fatalf("plan has no variable %q", name)
	}
	return v.Value
}

func subnets(t *testing.T, p *harness.Plan) {
	azCount := int(variable(t, p, "az_count").(float64))
	if azCount < 2 {
		t.Errorf("az_count %d: the document wants 2+ AZs", azCount)
	}
	tiers := map[string]map[string]int{} // tier -> az -> subnets
	for _, s := range p.Resources("aws_subnet") {
		tier, _ := harness.Str(s.AttributeValues, "tags", "Tier")
		az, ok := harness.Str(s.AttributeValues, "availability_zone")
		if tier == "" || !ok {
			t.Errorf("%s: no Tier tag or availability_zone", s.Address)
			continue
		}
		if tiers[tier] == nil {
			tiers[tier] = map[string]int{}
		}
		tiers[tier][az]++
	}
	for _, tier := range []string{"public", "private", "database"} {
		azs := tiers[tier]
		if len(azs) != azCount {
			t.Errorf("%s subnets span %d AZs %v, want %d", tier, len(azs), azs, azCount)
		}
		for az, n := range azs {
			if n != 1 {
				t.Errorf("%s tier has %d subnets in %s, want 1", tier, n, az)
			}
		}
	}
	if len(tiers) != 3 {
		t.Errorf("subnet tiers %v, want exactly public, private, database", keys(tiers))
	}
	for _, s := range p.Resources("aws_subnet") {
		if pub, _ := harness.Bool(s.AttributeValues, "map_public_ip_on_launch"); pub {
			t.Errorf("%s maps public IPs on launch", s.Address)
		}
	}
}

func rds(t *testing.T, p *harness.Plan, ex envExpect) {
	db := p.One(t, "aws_db_instance").AttributeValues
	multiAZ := variable(t, p, "multi_az")
	protect := variable(t, p, "enable_deletion_protection")
	if ex.production && (multiAZ != true || protect != true) {
		t.Errorf("production: multi_az=%v enable_deletion_protection=%v, the checklist wants both true", multiAZ, protect)
	}
	checks := []struct {
		key  string
		want any
	}{
		{"engine", "postgres"},
		{"storage_encrypted", true},
		{"multi_az", multiAZ},
		{"deletion_protection", protect},
		{"max_allocated_storage", 100.0},
		{"publicly_accessible", false},
		{"manage_master_user_password", true},
		{"auto_minor_version_upgrade", true},
	}
	for _, c := range checks {
		if got := db[c.key]; got != c.want {
			t.Errorf("%s aws_db_instance.%s = %v, want %v", p.Env, c.key, got, c.want)
		}
	}
	n, _ := harness.Num(db, "backup_retention_period")
	if n != variable(t, p, "db_backup_retention_period") {
		t.Errorf("%s backup_retention_period %v is not db_backup_retention_period %v", p.Env, n, variable(t, p, "db_backup_retention_period"))
	}
	if n < ex.minBackupDays {
		t.Errorf("%s backup_retention_period %v, want >= %v", p.Env, n, ex.minBackupDays)
	}
	if _, has := db["password"]; has && db["password"] != nil {
		t.Errorf("%s: a master password is set in configuration; it must be managed", p.Env)
	}
	// kms_key_id is only known after apply, but it must be set: check the
	// configuration references a KMS key.
	if !references(p, "aws_db_instance.main", "kms_key_id", "aws_kms_key.") {
		t.Errorf("%s: aws_db_instance kms_key_id does not reference a KMS key", p.Env)
	}
}

// autoscaling: the app service scales on CPU and memory, the WebSocket
// service on open connections per task (the Average of the tasks' connection
// gauge) and CPU; both within the document's 1..10 tasks, production with at
// least one task per AZ.
func autoscaling(t *testing.T, p *harness.Plan, ex envExpect) {
	want := map[string][]string{
		"aws_appautoscaling_target.ecs":       {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"},
		"aws_appautoscaling_target.websocket": {"ECSServiceAverageCPUUtilization", "WebSocketActiveConnections/Average"},
	}
	targets := p.Resources("aws_appautoscaling_target")
	if len(targets) != len(want) {
		t.Errorf("scalable targets %v, want %v", addrs(targets), keys(want))
	}
	for _, r := range targets {
		tg := r.AttributeValues
		// The document: 1..10 tasks. Smaller environments may cap lower.
		lo, _ := harness.Num(tg, "min_capacity")
		hi, _ := harness.Num(tg, "max_capacity")
		if lo < 1 || hi < lo || hi > 10 {
			t.Errorf("%s: capacity %v..%v is outside the document's 1..10", r.Address, lo, hi)
		}
		if lo != variable(t, p, "ecs_min_capacity") {
			t.Errorf("%s: min_capacity %v is not ecs_min_capacity %v", r.Address, lo, variable(t, p, "ecs_min_capacity"))
		}
		if azs := variable(t, p, "az_count").(float64); ex.production && lo < azs {
			t.Errorf("%s: production keeps %v tasks at least, want one per AZ (%v)", r.Address, lo, azs)
		}
		if hi != variable(t, p, "ecs_max_capacity") {
			t.Errorf("%s: max_capacity %v is not ecs_max_capacity %v", r.Address, hi, variable(t, p, "ecs_max_capacity"))
		}
		if ex.production && hi != 10 {
			t.Errorf("%s: production scales to %v tasks, want 10", r.Address, hi)
		}
		if tg["scalable_dimension"] != "ecs:service:DesiredCount" {
			t.Errorf("%s: scalable dimension %v", r.Address, tg["scalable_dimension"])
		}
	}
	// Policies name their target by reference (resource_id is only known
	// after apply for the WebSocket service).
	kinds := map[string]map[string]bool{}
	for _, pol := range p.Resources("aws_appautoscaling_policy") {
		m := policyMetric(pol)
		for target := range want {
			if references(p, pol.Address, "resource_id", target) {
				if kinds[target] == nil {
					kinds[target] = map[string]bool{}
				}
				kinds[target][m] = true
			}
		}
	}
	for target, metrics := range want {
		for _, m := range metrics {
			if !kinds[target][m] {
				t.Errorf("%s has no target tracking policy on %s (have %v)", target, m, keys(kinds[target]))
			}
		}
	}
	// The connection gauge must be the metric the stack's own log filter
	// produces, not one nothing publishes.
	for _, pol := range p.Resources("aws_appautoscaling_policy") {
		if policyMetric(pol) != "WebSocketActiveConnections/Average" {
			continue
		}
		for _, attr := range []string{"metric_name", "namespace"} {
			if !references(p, pol.Address, "target_tracking_scaling_policy_configuration.customized_metric_specification."+attr,
				"aws_cloudwatch_log_metric_filter.websocket_connections") {
				t.Errorf("%s: customized metric %s is not the websocket_connections metric filter's", pol.Address, attr)
			}
		}
	}
}

// policyMetric names a target tracking policy's metric: the predefined type,
// or NAME/STATISTIC of a customized metric.
func policyMetric(pol *tfjson.StateResource) string {
	cfg := []any{"target_tracking_scaling_policy_configuration", 0}
	if m, ok := harness.Str(pol.AttributeValues, append(cfg, "predefined_metric_specification", 0, "predefined_metric_type")...); ok {
		return m
	}
	name, _ := harness.Str(pol.AttributeValues, append(cfg, "customized_metric_specification", 0, "metric_name")...)
	stat, _ := harness.Str(pol.AttributeValues, append(cfg, "customized_metric_specification", 0, "statistic")...)
	return name + "/" + stat
}

// targetGroupAlarms: every target group the listeners may forward to (both
// blue/green colours, the WebSocket group) has an unhealthy-hosts alarm, the
// WebSocket service has CPU and memory alarms, and CodeDeploy rolls back on
// the alarms of both colours.
func targetGroupAlarms(t *testing.T, p *harness.Plan) {
	// The alarm is for_each over local.watched_target_groups, keyed by group.
	byKey := map[string]string{"aws_lb_target_group.app": "app", "aws_lb_target_group.app_green[0]": "app_green", "aws_lb_target_group.websocket": "websocket"}
	for _, tg := range p.Resources("aws_lb_target_group") {
		k, ok := byKey[tg.Address]
		addr := fmt.Sprintf(`aws_cloudwatch_metric_alarm.alb_unhealthy_hosts["%s"]`, k)
		if !ok || p.Change(addr) == nil {
			t.Errorf("%s has no UnHealthyHostCount alarm", tg.Address)
			continue
		}
		for _, a := range p.Resources("aws_cloudwatch_metric_alarm") {
			if a.Address == addr {
				if m, _ := harness.Str(a.AttributeValues, "metric_name"); m != "UnHealthyHostCount" {
					t.Errorf("%s watches %q, want UnHealthyHostCount", addr, m)
				}
			}
		}
	}
	wsName := ""
	for _, svc := range p.Resources("aws_ecs_service") {
		if svc.Address == "aws_ecs_service.websocket" {
			wsName, _ = harness.Str(svc.AttributeValues, "name")
		}
	}
	for _, metric := range []string{"CPUUtilization", "MemoryUtilization"} {
		found := false
		for _, a := range p.Resources("aws_cloudwatch_metric_alarm") {
			m, _ := harness.Str(a.AttributeValues, "metric_name")
			svc, _ := harness.Str(a.AttributeValues, "dimensions", "ServiceName")
			found = found || (m == metric && wsName != "" && svc == wsName)
		}
		if !found {
			t.Errorf("no %s alarm on the WebSocket service %q", metric, wsName)
		}
	}
	for _, dg := range p.Resources("aws_codedeploy_deployment_group") {
		for _, k := range []string{"app", "app_green"} {
			if !references(p, dg.Address, "alarm_configuration.alarms", fmt.Sprintf(`aws_cloudwatch_metric_alarm.alb_unhealthy_hosts["%s"]`, k)) {
				t.Errorf("%s does not roll back on the %s colour's unhealthy-hosts alarm", dg.Address, k)
			}
		}
	}
}

// dbConnections: the database uses the stack's parameter group (TLS forced);
// with enable_rds_proxy an RDS Proxy requiring TLS sits in the database
// subnets, authenticates with the RDS-managed secret, targets the instance,
// has its own security group and connection alarms.
func dbConnections(t *testing.T, p *harness.Plan) {
	pg := p.One(t, "aws_db_parameter_group")
	if !references(p, "aws_db_instance.main", "parameter_group_name", "aws_db_parameter_group.main") {
		t.Errorf("aws_db_instance.main does not use aws_db_parameter_group.main")
	}
	forced := false
	for _, prm := range harness.List(pg.AttributeValues, "parameter") {
		n, _ := harness.Str(prm, "name")
		v, _ := harness.Str(prm, "value")
		forced = forced || (n == "rds.force_ssl" && v == "1")
	}
	if !forced {
		t.Errorf("%s does not set rds.force_ssl = 1", pg.Address)
	}
	want, _ := variable(t, p, "enable_rds_proxy").(bool)
	if !want && (p.Env == "production" || p.Env == "dev") {
		t.Errorf("%s: enable_rds_proxy is off; production and dev pool connections through the proxy", p.Env)
	}
	proxies := p.Resources("aws_db_proxy")
	if !want {
		if len(proxies) != 0 {
			t.Errorf("enable_rds_proxy is false but the plan has %v", addrs(proxies))
		}
		return
	}
	px := p.One(t, "aws_db_proxy")
	if tls, _ := harness.Bool(px.AttributeValues, "require_tls"); !tls {
		t.Errorf("%s does not require TLS", px.Address)
	}
	if ef, _ := harness.Str(px.AttributeValues, "engine_family"); ef != "POSTGRESQL" {
		t.Errorf("%s engine family %q", px.Address, ef)
	}
	checks := []struct{ attr, prefix string }{
		{"vpc_subnet_ids", "aws_subnet.database"},
		{"vpc_security_group_ids", "aws_security_group.db_proxy"},
		{"auth.secret_arn", "local.db_secret_arn"},
		{"role_arn", "aws_iam_role.db_proxy"},
	}
	for _, c := range checks {
		if !references(p, "aws_db_proxy.main", c.attr, c.prefix) {
			t.Errorf("%s %s does not reference %s", px.Address, c.attr, c.prefix)
		}
	}
	if !references(p, "aws_db_proxy_target.main", "db_instance_identifier", "aws_db_instance.main") {
		t.Errorf("aws_db_proxy_target.main does not target aws_db_instance.main")
	}
	for _, r := range []string{
		"aws_vpc_security_group_ingress_rule.db_proxy_from_app[0]", "aws_vpc_security_group_egress_rule.db_proxy_to_db[0]",
		"aws_vpc_security_group_ingress_rule.db_from_proxy[0]", "aws_vpc_security_group_egress_rule.app_to_db_proxy[0]",
		"aws_cloudwatch_metric_alarm.db_proxy_client_connections_high[0]", "aws_cloudwatch_metric_alarm.db_proxy_database_connections_high[0]",
	} {
		if p.Change(r) == nil {
			t.Errorf("enable_rds_proxy: no %s", r)
		}
	}
	if !references(p, "aws_cloudwatch_metric_alarm.db_proxy_client_connections_high", "dimensions", "aws_db_proxy.main") {
		t.Errorf("the proxy connection alarm does not watch aws_db_proxy.main")
	}
}

// backup: with enable_backup_plan, a KMS-encrypted vault, a plan with daily
// and weekly rules kept for the environment's retention, and a selection of
// the database and the app bucket.
func backup(t *testing.T, p *harness.Plan) {
	want, _ := variable(t, p, "enable_backup_plan").(bool)
	if !want && (p.Env == "production" || p.Env == "dev") {
		t.Errorf("%s: enable_backup_plan is off; the checklist's backups and DR need it (dev: every flag on)", p.Env)
	}
	if !want {
		if rs := p.Resources("aws_backup_plan"); len(rs) != 0 {
			t.Errorf("enable_backup_plan is false but the plan has %v", addrs(rs))
		}
		return
	}
	if !references(p, "aws_backup_vault.main", "kms_key_arn", "aws_kms_key.") {
		t.Errorf("aws_backup_vault.main is not encrypted with the stack's KMS key")
	}
	plan := p.One(t, "aws_backup_plan")
	retention := map[string]float64{}
	for _, r := range harness.List(plan.AttributeValues, "rule") {
		n, _ := harness.Str(r, "rule_name")
		d, _ := harness.Num(r, "lifecycle", 0, "delete_after")
		retention[n] = d
	}
	if retention["daily"] != variable(t, p, "backup_daily_retention_days") || retention["weekly"] != variable(t, p, "backup_weekly_retention_days") {
		t.Errorf("%s retention %v, want daily=%v weekly=%v (per environment)", plan.Address, retention,
			variable(t, p, "backup_daily_retention_days"), variable(t, p, "backup_weekly_retention_days"))
	}
	if p.Env == "production" && (retention["daily"] < 7 || retention["weekly"] < 30) {
		t.Errorf("production backup retention %v is short", retention)
	}
	for _, target := range []string{"aws_db_instance.main", "aws_s3_bucket.app"} {
		if !references(p, "aws_backup_selection.main", "resources", target) {
			t.Errorf("aws_backup_selection.main does not select %s", target)
		}
	}
}

func waf(t *testing.T, p *harness.Plan) {
	acl := p.One(t, "aws_wafv2_web_acl").AttributeValues
	if s, _ := harness.Str(acl, "scope"); s != "REGIONAL" {
		t.Errorf("web ACL scope %q, want REGIONAL (ALB)", s)
	}
	rate, managed := false, map[string]bool{}
	for _, r := range harness.List(acl, "rule") {
		if lim, ok := harness.Num(r, "statement", 0, "rate_based_statement", 0, "limit"); ok {
			rate = true
			if lim != 2000 {
				t.Errorf("rate-based rule limit %v, want 2000", lim)
			}
		}
		if n, ok := harness.Str(r, "statement", 0, "managed_rule_group_statement", 0, "name"); ok {
			managed[n] = true
		}
	}
	if !rate {
		t.Errorf("web ACL has no rate-based rule")
	}
	for _, g := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"} {
		if !managed[g] {
			t.Errorf("web ACL lacks managed rule group %s (have %v)", g, keys(managed))
		}
	}
	assoc := p.One(t, "aws_wafv2_web_acl_association")
	if !references(p, assoc.Address, "resource_arn", "aws_lb.main") {
		t.Errorf("%s does not associate the ALB (aws_lb.main)", assoc.Address)
	}
	if !references(p, assoc.Address, "web_acl_arn", "aws_wafv2_web_acl.") {
		t.Errorf("%s does not reference the stack's web ACL", assoc.Address)
	}
}

var tls12 = regexp.MustCompile(`TLS13|TLS-1-2`)

func listeners(t *testing.T, p *harness.Plan) {
	domain, _ := variable(t, p, "domain_name").(string)
	var http, https *tfjson.StateResource
	for _, l := range p.Resources("aws_lb_listener") {
		switch port, _ := harness.Num(l.AttributeValues, "port"); port {
		case 80:
			http = l
		case 443:
			https = l
		}
	}
	if http == nil {
		t.Fatalf("no listener on port 80")
	}
	if domain == "" {
		if https != nil {
			t.Errorf("HTTPS listener without a domain/certificate")
		}
		typ, _ := harness.Str(http.AttributeValues, "default_action", 0, "type")
		if typ != "forward" {
			t.Errorf("without a domain the HTTP listener should forward (dev only), got %q", typ)
		}
		if p.Env == "production" {
			t.Errorf("production has no domain_name: no HTTPS")
		}
		return
	}
	if https == nil {
		t.Fatalf("domain %q set but no HTTPS listener on 443", domain)
	}
	if proto, _ := harness.Str(https.AttributeValues, "protocol"); proto != "HTTPS" {
		t.Errorf("443 listener protocol %q", proto)
	}
	if pol, _ := harness.Str(https.AttributeValues, "ssl_policy"); !tls12.MatchString(pol) {
		t.Errorf("HTTPS listener SSL policy %q is not TLS 1.2+", pol)
	}
	act := harness.List(http.AttributeValues, "default_action")
	if len(act) != 1 {
		t.Fatalf("HTTP listener has %d default actions", len(act))
	}
	typ, _ := harness.Str(act[0], "type")
	proto, _ := harness.Str(act[0], "redirect", 0, "protocol")
	port, _ := harness.Str(act[0], "redirect", 0, "port")
	code, _ := harness.Str(act[0], "redirect", 0, "status_code")
	if typ != "redirect" || proto != "HTTPS" || port != "443" || code != "HTTP_301" {
		t.Errorf("HTTP listener: %s to %s:%s with %s, want redirect to HTTPS:443 with HTTP_301", typ, proto, port, code)
	}
}

func websocket(t *testing.T, p *harness.Plan) {
	var wsRules []*tfjson.StateResource
	for _, r := range p.Resources("aws_lb_listener_rule") {
		for _, c := range harness.List(r.AttributeValues, "condition") {
			for _, v := range harness.List(c, "path_pattern", 0, "values") {
				if v == "/ws/*" {
					wsRules = append(wsRules, r)
				}
			}
		}
	}
	if len(wsRules) == 0 {
		t.Fatalf("no listener rule for /ws/*")
	}
	for _, r := range wsRules {
		if typ, _ := harness.Str(r.AttributeValues, "action", 0, "type"); typ != "forward" {
			t.Errorf("%s: /ws/* action %q, want forward", r.Address, typ)
		}
	}
	// /ws/* always goes to the dedicated, sticky WebSocket group, served by
	// its own rolling service: CodeDeploy's blue/green pair belongs to the
	// app service alone.
	var ws *tfjson.StateResource
	for _, tg := range p.Resources("aws_lb_target_group") {
		if tg.Address == "aws_lb_target_group.websocket" {
			ws = tg
		}
	}
	if ws == nil {
		t.Fatalf("no aws_lb_target_group.websocket")
	}
	en, _ := harness.Bool(ws.AttributeValues, "stickiness", 0, "enabled")
	typ, _ := harness.Str(ws.AttributeValues, "stickiness", 0, "type")
	if !en || typ != "lb_cookie" {
		t.Errorf("%s serves /ws/* but stickiness enabled=%v type=%q, want true lb_cookie", ws.Address, en, typ)
	}
	for _, r := range wsRules {
		if !references(p, r.Address, "action.target_group_arn", ws.Address) {
			t.Errorf("%s: /ws/* does not forward to %s", r.Address, ws.Address)
		}
	}
	for _, svc := range p.Resources("aws_ecs_service") {
		toWS := references(p, svc.Address, "load_balancer.target_group_arn", ws.Address)
		if base := strings.SplitN(svc.Address, "[", 2)[0]; base == "aws_ecs_service.websocket" {
			if !toWS {
				t.Errorf("%s is not registered with %s", svc.Address, ws.Address)
			}
			if n := len(harness.List(svc.AttributeValues, "load_balancer")); n != 1 {
				t.Errorf("%s has %d load balancers, want only the WebSocket group", svc.Address, n)
			}
			if c, _ := harness.Str(svc.AttributeValues, "deployment_controller", 0, "type"); c != "ECS" {
				t.Errorf("%s deployment controller %q, want ECS (rolling)", svc.Address, c)
			}
			if rb, _ := harness.Bool(svc.AttributeValues, "deployment_circuit_breaker", 0, "rollback"); !rb {
				t.Errorf("%s: no circuit breaker with rollback", svc.Address)
			}
		} else if toWS {
			t.Errorf("%s is registered with %s; only aws_ecs_service.websocket may be", svc.Address, ws.Address)
		}
	}
	lb := p.One(t, "aws_lb").AttributeValues
	if n, _ := harness.Num(lb, "idle_timeout"); n < 300 {
		t.Errorf("ALB idle timeout %v s is short for WebSockets", n)
	}
}

// secretParams: the credentials the document tells operators to overwrite
// with `aws ssm put-parameter --type SecureString`.
var secretParams = []string{"openai_api_key", "salesforce_client_id", "salesforce_client_secret",
	"livekit_api_key", "livekit_api_secret", "session_secret", "database_url"}

func ssm(t *testing.T, p *harness.Plan) {
	project, _ := variable(t, p, "project_name").(string)
	prefix := fmt.Sprintf("/%s/%s/", project, p.Env)
	byName := map[string]*tfjson.StateResource{}
	for _, r := range p.Resources("aws_ssm_parameter") {
		n, _ := harness.Str(r.AttributeValues, "name")
		if !strings.HasPrefix(n, prefix) {
			t.Errorf("%s: parameter %q is outside %s", r.Address, n, prefix)
		}
		byName[strings.TrimPrefix(n, prefix)] = r
	}
	for _, name := range secretParams {
		r, ok := byName[name]
		if !ok {
			t.Errorf("no SSM parameter %s%s", prefix, name)
			continue
		}
		if typ, _ := harness.Str(r.AttributeValues, "type"); typ != "SecureString" {
			t.Errorf("%s is %q, want SecureString", r.Address, typ)
		}
		if !references(p, r.Address, "key_id", "aws_kms_key.") {
			t.Errorf("%s is not encrypted with the stack's KMS key", r.Address)
		}
	}
}

func alarms(t *testing.T, p *harness.Plan) {
	byName := map[string]map[string]any{}
	for _, a := range p.Resources("aws_cloudwatch_metric_alarm") {
		byName[a.Name] = a.AttributeValues
	}
	cases := []struct {
		name, metric, stat string
		threshold, window  float64 // window 0: not fixed by the document
	}{
		{"alb_5xx_errors", "5XX_Count", "Sum", 10, 300},
		{"alb_response_time", "TargetResponseTime", "Average", 2, 0},
	}
	for _, c := range cases {
		a, ok := byName[c.name]
		if !ok {
			t.Errorf("no alarm aws_cloudwatch_metric_alarm.%s (have %v)", c.name, keys(byName))
			continue
		}
		if op, _ := harness.Str(a, "comparison_operator"); op != "GreaterThanThreshold" {
			t.Errorf("%s: comparison %q, want GreaterThanThreshold", c.name, op)
		}
		if th, _ := harness.Num(a, "threshold"); th != c.threshold {
			t.Errorf("%s: threshold %v, want %v", c.name, th, c.threshold)
		}
		evals, _ := harness.Num(a, "evaluation_periods")
		for _, m := range alarmMetrics(a) {
			if !strings.Contains(m.name, c.metric) {
				t.Errorf("%s: metric %q, want *%s*", c.name, m.name, c.metric)
			}
			if m.stat != c.stat {
				t.Errorf("%s: %s statistic %q, want %q", c.name, m.name, m.stat, c.stat)
			}
			if c.window > 0 && m.period*evals != c.window {
				t.Errorf("%s: %v periods of %v s = %v s, want %v s", c.name, evals, m.period, m.period*evals, c.window)
			}
		}
		if len(alarmMetrics(a)) == 0 {
			t.Errorf("%s: no metric", c.name)
		}
	}
}

type alarmMetric struct {
	name, stat string
	period     float64
}

// alarmMetrics returns an alarm's metrics, whether it watches one metric or
// an expression over metric_query metrics.
func alarmMetrics(a map[string]any) []alarmMetric {
	if n, ok := harness.Str(a, "metric_name"); ok && n != "" {
		st, _ := harness.Str(a, "statistic")
		pe, _ := harness.Num(a, "period")
		return []alarmMetric{{n, st, pe}}
	}
	var out []alarmMetric
	for _, q := range harness.List(a, "metric_query") {
		n, ok := harness.Str(q, "metric", 0, "metric_name")
		if !ok {
			continue
		}
		st, _ := harness.Str(q, "metric", 0, "stat")
		pe, _ := harness.Num(q, "metric", 0, "period")
		out = append(out, alarmMetric{n, st, pe})
	}
	return out
}

func verdict(t *testing.T, p *harness.Plan, ex envExpect) {
	res := harness.Gate(t, p.Env, p.Env+" plan", p.JSON)
	t.Logf("gate %s: verdict %s, %d findings (%d deny, %d warn, %d advisory)", p.Env, res.Verdict,
		res.Summary.Total, res.Summary.Deny, res.Summary.Warn, res.Summary.Advisory)
	if ex.verdictNot != "" && res.Verdict == ex.verdictNot {
		t.Errorf("gate verdict on %s is %s; findings:\n%s", p.Env, res.Verdict, harness.Describe(res.Findings))
	}
	if ex.verdictIs != "" && res.Verdict != ex.verdictIs {
		t.Errorf("gate verdict on %s is %s, want %s; findings:\n%s", p.Env, res.Verdict, ex.verdictIs, harness.Describe(res.Findings))
	}
	if res.PlanSHA256 == "" {
		t.Errorf("gate result carries no plan hash")
	}
}

// references reports whether the configuration expression of attr (a dotted
// path into nested blocks, e.g. "action.target_group_arn") on the resource
// at addr references something starting with prefix. Values only known
// after apply (ARNs, ids) are checked this way: the wiring is in the plan.
func references(p *harness.Plan, addr, attr, prefix string) bool {
	if p.RawPlan.Config == nil || p.RawPlan.Config.RootModule == nil {
		return false
	}
	base := addr
	if i := strings.Index(base, "["); i >= 0 {
		base = base[:i]
	}
	for _, r := range p.RawPlan.Config.RootModule.Resources {
		if r.Address != base {
			continue
		}
		raw, _ := json.Marshal(r.Expressions)
		var exprs any
		_ = json.Unmarshal(raw, &exprs)
		return refIn(exprs, strings.Split(attr, "."), prefix)
	}
	return false
}

// refIn walks the JSON form of expressions: nested blocks are lists of
// objects, attributes are {"references": [...]} or {"constant_value": ...}.
func refIn(v any, path []string, prefix string) bool {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if refIn(e, path, prefix) {
				return true
			}
		}
		return false
	case map[string]any:
		if len(path) == 0 {
			for _, r := range harness.List(x, "references") {
				if s, _ := r.(string); strings.HasPrefix(s, prefix) {
					return true
				}
			}
			return false
		}
		return refIn(x[path[0]], path[1:], prefix)
	}
	return false
}

func addrs(rs []*tfjson.StateResource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Address
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
