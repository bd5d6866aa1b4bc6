// Package health waits for a deployed stack's load balancer target groups to
// report healthy targets (elbv2 DescribeTargetHealth), so `up` ends only when
// the application answers its health checks, not merely when the apply did.
//
// Groups are given by service: a service is healthy when any of its groups
// has a healthy target. Under CodeDeploy blue/green a service owns two
// groups and only the live colour holds targets, so requiring every group to
// be healthy would never succeed.
package health

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// API is the part of the ELBv2 client this package uses.
type API interface {
	DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
}

// Group is what one target group reported.
type Group struct {
	ARN     string
	Healthy int
	Total   int
	// States counts targets by state (healthy, initial, unhealthy, draining, ...).
	States map[string]int
	// Reasons are the distinct reason codes and descriptions of targets that are not healthy.
	Reasons []string
}

// Service is the health of one service: healthy when any group is.
type Service struct {
	Name   string
	Groups []Group
}

// Healthy reports whether a group of the service has a healthy target.
func (s Service) Healthy() bool {
	for _, g := range s.Groups {
		if g.Healthy > 0 {
			return true
		}
	}
	return false
}

// String is a one-line summary, e.g. "app: 2/2 healthy in saprism-dev-app, no targets in saprism-dev-app-green".
func (s Service) String() string {
	parts := make([]string, 0, len(s.Groups))
	for _, g := range s.Groups {
		name := groupName(g.ARN)
		switch {
		case g.Total == 0:
			parts = append(parts, "no targets in "+name)
		default:
			p := fmt.Sprintf("%d/%d healthy in %s", g.Healthy, g.Total, name)
			if len(g.Reasons) > 0 {
				p += " (" + strings.Join(g.Reasons, "; ") + ")"
			}
			parts = append(parts, p)
		}
	}
	return s.Name + ": " + strings.Join(parts, ", ")
}

// groupName is the target group's name from its ARN
// (arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID).
func groupName(arn string) string {
	if i := strings.Index(arn, ":targetgroup/"); i >= 0 {
		rest := arn[i+len(":targetgroup/"):]
		if j := strings.Index(rest, "/"); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	return arn
}

// OutputName is the Terraform output listing the target groups to wait for,
// as a map from service name to target group ARNs.
const OutputName = "health_target_groups"

// ParseOutput reads the JSON value of OutputName.
func ParseOutput(raw []byte) (map[string][]string, error) {
	var m map[string][]string
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("health: output %s must map service names to lists of target group ARNs: %v", OutputName, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("health: output %s is empty", OutputName)
	}
	for svc, arns := range m {
		if len(arns) == 0 {
			return nil, fmt.Errorf("health: output %s: service %s has no target group", OutputName, svc)
		}
		for _, a := range arns {
			if !strings.Contains(a, ":targetgroup/") {
				return nil, fmt.Errorf("health: output %s: %q (service %s) is not a target group ARN", OutputName, a, svc)
			}
		}
	}
	return m, nil
}

// Check reads the health of every group once. An error means a group could
// not be read (it does not exist, or the API failed).
func Check(ctx context.Context, api API, services map[string][]string) ([]Service, error) {
	if len(services) == 0 {
		return nil, errors.New("health: no target groups to check")
	}
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]Service, 0, len(names))
	for _, n := range names {
		if len(services[n]) == 0 {
			return nil, fmt.Errorf("health: service %s has no target group", n)
		}
		svc := Service{Name: n}
		for _, arn := range services[n] {
			g, err := describe(ctx, api, arn)
			if err != nil {
				return nil, err
			}
			svc.Groups = append(svc.Groups, g)
		}
		out = append(out, svc)
	}
	return out, nil
}

func describe(ctx context.Context, api API, arn string) (Group, error) {
	res, err := api.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(arn)})
	if err != nil {
		return Group{}, fmt.Errorf("health: target group %s: %w", groupName(arn), err)
	}
	g := Group{ARN: arn, States: map[string]int{}}
	seen := map[string]bool{}
	for _, d := range res.TargetHealthDescriptions {
		g.Total++
		state := "unknown"
		if th := d.TargetHealth; th != nil {
			state = string(th.State)
			if th.State != elbtypes.TargetHealthStateEnumHealthy {
				r := string(th.Reason)
				if desc := aws.ToString(th.Description); desc != "" {
					r += ": " + desc
				}
				if r != "" && !seen[r] {
					seen[r] = true
					g.Reasons = append(g.Reasons, r)
				}
			}
		}
		if state == string(elbtypes.TargetHealthStateEnumHealthy) {
			g.Healthy++
		}
		g.States[state]++
	}
	return g, nil
}

// Options of Wait.
type Options struct {
	Timeout  time.Duration // overall; 0 means 10 minutes
	Interval time.Duration // between polls; 0 means 15 seconds
	// Progress, when set, receives one line per poll while something is not healthy yet.
	Progress func(line string)
}

// ErrTimeout is wrapped by Wait's error when a service stayed unhealthy.
var ErrTimeout = errors.New("timed out waiting for healthy targets")

// Wait polls until every service has a healthy target, the timeout passes
// (an error wrapping ErrTimeout that names each unhealthy service and its
// targets' reasons) or a group cannot be read (returned at once: waiting
// would not fix a missing group or a denied call).
func Wait(ctx context.Context, api API, services map[string][]string, o Options) ([]Service, error) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Interval <= 0 {
		o.Interval = 15 * time.Second
	}
	deadline := time.Now().Add(o.Timeout)
	for {
		got, err := Check(ctx, api, services)
		if err != nil {
			return nil, err
		}
		var waiting []string
		for _, s := range got {
			if !s.Healthy() {
				waiting = append(waiting, s.String())
			}
		}
		if len(waiting) == 0 {
			return got, nil
		}
		if !time.Now().Add(o.Interval).Before(deadline) {
			return got, fmt.Errorf("health: %w after %s: %s", ErrTimeout, o.Timeout, strings.Join(waiting, "; "))
		}
		if o.Progress != nil {
			o.Progress("waiting for healthy targets: " + strings.Join(waiting, "; "))
		}
		t := time.NewTimer(o.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return got, fmt.Errorf("health: %w (%s)", ctx.Err(), strings.Join(waiting, "; "))
		case <-t.C:
		}
	}
}

// NewClient returns an ELBv2 client for the region of the groups' ARNs. With
// an endpoint (the local emulator) it uses that endpoint and the emulator's
// static test credentials and nothing from the environment; otherwise the
// default AWS configuration chain.
func NewClient(ctx context.Context, services map[string][]string, endpoint string) (*elbv2.Client, error) {
	region := ""
	for _, arns := range services {
		for _, a := range arns {
			if parts := strings.SplitN(a, ":", 5); len(parts) == 5 && parts[3] != "" {
				region = parts[3]
			}
		}
	}
	if region == "" {
		return nil, errors.New("health: cannot tell the region from the target group ARNs")
	}
	if endpoint != "" {
		return elbv2.New(elbv2.Options{
			Region:       region,
			BaseEndpoint: aws.String(endpoint),
			Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		}), nil
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("health: AWS configuration: %w", err)
	}
	return elbv2.NewFromConfig(cfg), nil
}
