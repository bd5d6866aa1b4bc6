package main

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

func TestKindOf(t *testing.T) {
	cases := map[string]string{
		"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc":                                         "ec2/vpc",
		"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x-alb/50dc6c495c0c": "elasticloadbalancing/loadbalancer",
		"arn:aws:rds:us-east-1:123456789012:db:tfg-abc-dev-db":                                    "rds/db",
		"arn:aws:s3:::tfg-abc-dev-app-123456789012":                                               "s3/bucket",
		"arn:aws:sns:us-east-1:123456789012:tfg-abc-dev-alerts":                                   "sns/topic",
		"arn:aws:logs:us-east-1:123456789012:log-group:/ecs/tfg-abc-dev":                          "logs/log-group",
		"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/tfg-abc-dev/1234":                   "wafv2/regional",
	}
	for raw, want := range cases {
		a, err := arn.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if got := kindOf(a); got != want {
			t.Errorf("kindOf(%s) = %s, want %s", raw, got, want)
		}
	}
	// Dependencies drain in order: the VPC goes last, after its subnets.
	if !(order["ec2/subnet"] < order["ec2/vpc"] && order["elasticloadbalancing/loadbalancer"] < order["ec2/subnet"] &&
		order["ecs/service"] < order["ecs/cluster"]) {
		t.Errorf("deletion order is wrong: %v", order)
	}
}

func TestSelected(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Hour).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339)
	cases := []struct {
		name string
		tags map[string]string
		run  string
		want bool
	}{
		{"expired", map[string]string{tagRun: "a", tagExpires: past}, "", true},
		{"live", map[string]string{tagRun: "a", tagExpires: future}, "", false},
		{"unreadable expiry is swept", map[string]string{tagRun: "a", tagExpires: "soon"}, "", true},
		{"not an e2e resource", map[string]string{"Project": "saprism"}, "", false},
		{"named run, live", map[string]string{tagRun: "a", tagExpires: future}, "a", true},
		{"other run", map[string]string{tagRun: "b", tagExpires: past}, "a", false},
	}
	for _, c := range cases {
		if got := selected(c.tags, c.run, now); got != c.want {
			t.Errorf("%s: selected = %v, want %v", c.name, got, c.want)
		}
	}
}
