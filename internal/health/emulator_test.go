package health

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/saprism/tfgate/internal/emulator"
)

// TestOnEmulator: what `up --local` relies on. The emulator answers
// DescribeTargetHealth for the stack's kind of group (ip targets): no targets
// while nothing registers (it runs no tasks), healthy once a target is
// registered; a missing group is an error naming it.
func TestOnEmulator(t *testing.T) {
	if _, err := emulator.FindPython(context.Background(), ""); err != nil {
		t.Fatalf("this test needs moto_server: %v", err)
	}
	e, err := emulator.Start(context.Background(), emulator.Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatalf("start the emulator: %v", err)
	}
	t.Cleanup(func() { _ = e.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	cfg := aws.Config{Region: emulator.Region, BaseEndpoint: aws.String(e.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	vpc, err := ec2.NewFromConfig(cfg).CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	elb := elbv2.NewFromConfig(cfg)
	var arns []string
	for _, name := range []string{"app", "ws"} {
		out, err := elb.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Port: aws.Int32(5000),
			Protocol: elbtypes.ProtocolEnumHttp, TargetType: elbtypes.TargetTypeEnumIp, VpcId: vpc.Vpc.VpcId})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.TargetGroups[0].TargetGroupArn))
	}
	groups := map[string][]string{"app": {arns[0]}, "websocket": {arns[1]}}

	api, err := NewClient(ctx, groups, e.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Check(ctx, api, groups)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	for _, s := range got {
		if s.Healthy() || s.Groups[0].Total != 0 {
			t.Errorf("%s: want no targets on a fresh emulator", s)
		}
	}

	if _, err := elb.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(arns[0]),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.10"), Port: aws.Int32(5000)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Wait(ctx, api, map[string][]string{"app": {arns[0]}}, Options{Timeout: 10 * time.Second, Interval: 100 * time.Millisecond}); err != nil {
		t.Errorf("Wait after registering a target: %v", err)
	}

	missing := strings.Replace(arns[1], "/ws/", "/gone/", 1)
	if _, err := Check(ctx, api, map[string][]string{"websocket": {missing}}); err == nil || !strings.Contains(err.Error(), "gone") {
		t.Errorf("Check of a missing group: %v, want an error naming it", err)
	}
}
