// Command sweep removes what e2e-aws runs leaked: every resource tagged by
// the suite (TfgateE2ERun, through the stack's `tags` variable) whose
// TfgateE2EExpires time has passed, or all resources of one run (-run ID).
// It lists by the Resource Groups Tagging API, then deletes in dependency
// order, retrying while dependencies drain (a NAT gateway or an ALB takes
// minutes to release its network interfaces).
//
//	go run ./test/sweep                 # dry run: list expired e2e resources
//	go run ./test/sweep -yes            # delete them
//	go run ./test/sweep -run abc123 -yes
//
// Resource types without a handler are listed for manual deletion (e.g.
// CloudFront distributions must be disabled and deployed before deletion).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	cogtypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	tagtypes "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// Tag keys set by test/e2e (TagRun, TagExpires there).
const (
	tagRun     = "TfgateE2ERun"
	tagExpires = "TfgateE2EExpires"
)

type item struct {
	arn   arn.ARN
	raw   string
	run   string
	order int
	kind  string // service/type, e.g. "ec2/vpc"
}

type sweeper struct {
	cfg aws.Config
	ec2 *ec2.Client
	ecs *ecs.Client
	elb *elbv2.Client
	rds *rds.Client
	s3  *s3.Client
	ssm *ssm.Client
	log *cloudwatchlogs.Client
	sns *sns.Client
	kms *kms.Client
	ecr *ecr.Client
	cog *cognitoidentityprovider.Client
	waf *wafv2.Client
	cw  *cloudwatch.Client
	sm  *secretsmanager.Client
}

func main() {
	region := flag.String("region", "", "AWS region (default: the SDK's, else us-east-1)")
	run := flag.String("run", "", "sweep every resource of this e2e run id, expired or not")
	yes := flag.Bool("yes", false, "delete (default: only list)")
	wait := flag.Duration("max-wait", 20*time.Minute, "give up retrying dependencies after this long")
	flag.Parse()
	if err := sweep(*region, *run, *yes, *wait); err != nil {
		fmt.Fprintln(os.Stderr, "sweep:", err)
		os.Exit(1)
	}
}

func sweep(region, run string, yes bool, maxWait time.Duration) error {
	ctx := context.Background()
	var opts []func(*awsconfig.LoadOptions) error
	if region != "" {
		opts = append(opts, awsconfig.WithRegion(region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return err
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	items, err := find(ctx, tagging.NewFromConfig(cfg), run, time.Now())
	if err != nil {
		return err
	}
	if len(items) == 0 {
		fmt.Printf("nothing to sweep in %s\n", cfg.Region)
		return nil
	}
	for _, it := range items {
		fmt.Printf("%-28s run=%-10s %s\n", it.kind, it.run, it.raw)
	}
	if !yes {
		fmt.Printf("%d resources; dry run (add -yes to delete)\n", len(items))
		return nil
	}
	s := newSweeper(cfg)
	deadline := time.Now().Add(maxWait)
	left := items
	for pass := 1; len(left) > 0; pass++ {
		var next []item
		for _, it := range left {
			err := s.remove(ctx, it)
			switch {
			case err == nil:
				fmt.Printf("deleted %s\n", it.raw)
			case errors.Is(err, errUnsupported):
				fmt.Printf("MANUAL: no handler for %s (%s): delete it by hand\n", it.raw, it.kind)
			default:
				next = append(next, it)
				if time.Now().After(deadline) {
					fmt.Printf("FAILED: %s: %v\n", it.raw, err)
				}
			}
		}
		if len(next) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d resources left after %s", len(next), maxWait)
		}
		fmt.Printf("pass %d: %d resources wait for dependencies; retrying in 20s\n", pass, len(next))
		time.Sleep(20 * time.Second)
		left = next
	}
	return nil
}

// find lists tagged e2e resources to sweep: those of run, or (run empty)
// those past their expiry. A resource with a malformed expiry is swept:
// it cannot say it is still wanted.
func find(ctx context.Context, c *tagging.Client, run string, now time.Time) ([]item, error) {
	var out []item
	p := tagging.NewGetResourcesPaginator(c, &tagging.GetResourcesInput{
		TagFilters: []tagtypes.TagFilter{{Key: aws.String(tagRun)}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range page.ResourceTagMappingList {
			tags := map[string]string{}
			for _, tg := range m.Tags {
				tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if !selected(tags, run, now) {
				continue
			}
			a, err := arn.Parse(aws.ToString(m.ResourceARN))
			if err != nil {
				continue
			}
			k := kindOf(a)
			out = append(out, item{arn: a, raw: a.String(), run: tags[tagRun], kind: k, order: order[k]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].order != out[j].order {
			return out[i].order < out[j].order
		}
		return out[i].raw < out[j].raw
	})
	return out, nil
}

// selected: the resource belongs to run, or (no run given) its expiry has
// passed or cannot be read.
func selected(tags map[string]string, run string, now time.Time) bool {
	if _, ok := tags[tagRun]; !ok {
		return false
	}
	if run != "" {
		return tags[tagRun] == run
	}
	exp, err := time.Parse(time.RFC3339, tags[tagExpires])
	return err != nil || !exp.After(now)
}

// kindOf names an ARN's service and resource type.
func kindOf(a arn.ARN) string {
	r := a.Resource
	if i := strings.IndexAny(r, "/:"); i >= 0 {
		r = r[:i]
	}
	if a.Service == "s3" {
		r = "bucket"
	}
	if a.Service == "sns" {
		r = "topic"
	}
	return a.Service + "/" + r
}

// order: lower first. Consumers before what they consume: services before
// clusters, load balancers before target groups and subnets, the VPC last.
var order = map[string]int{
	"ecs/service": 10, "wafv2/regional": 15,
	"ecs/cluster": 20, "elasticloadbalancing/loadbalancer": 20, "rds/db": 20,
	"elasticloadbalancing/targetgroup": 30, "ec2/natgateway": 30, "ec2/vpc-endpoint": 30,
	"rds/subgrp": 40, "ec2/elastic-ip": 40, "ec2/internet-gateway": 45,
	"ec2/security-group": 50, "ec2/subnet": 55, "ec2/route-table": 55, "ec2/vpc": 60,
}

var errUnsupported = errors.New("unsupported")

func newSweeper(cfg aws.Config) *sweeper {
	return &sweeper{cfg: cfg,
		ec2: ec2.NewFromConfig(cfg), ecs: ecs.NewFromConfig(cfg), elb: elbv2.NewFromConfig(cfg),
		rds: rds.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg), ssm: ssm.NewFromConfig(cfg),
		log: cloudwatchlogs.NewFromConfig(cfg), sns: sns.NewFromConfig(cfg), kms: kms.NewFromConfig(cfg),
		ecr: ecr.NewFromConfig(cfg), cog: cognitoidentityprovider.NewFromConfig(cfg),
		waf: wafv2.NewFromConfig(cfg), cw: cloudwatch.NewFromConfig(cfg), sm: secretsmanager.NewFromConfig(cfg),
	}
}

// after returns the part of the resource after its type prefix.
func after(r string) string {
	if i := strings.IndexAny(r, "/:"); i >= 0 {
		return r[i+1:]
	}
	return r
}

func (s *sweeper) remove(ctx context.Context, it item) error {
	id := after(it.arn.Resource)
	raw := aws.String(it.raw)
	switch it.kind {
	case "ecs/service":
		parts := strings.SplitN(id, "/", 2)
		if len(parts) != 2 {
			return fmt.Errorf("service ARN %s", it.raw)
		}
		_, err := s.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: &parts[0], Service: &parts[1], Force: aws.Bool(true)})
		return err
	case "ecs/cluster":
		_, err := s.ecs.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: raw})
		return err
	case "wafv2/regional":
		return s.removeWebACL(ctx, it)
	case "elasticloadbalancing/loadbalancer":
		_, _ = s.elb.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: raw,
			Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("false")}}})
		_, err := s.elb.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: raw})
		return err
	case "elasticloadbalancing/targetgroup":
		_, err := s.elb.DeleteTargetGroup(ctx, &elbv2.DeleteTargetGroupInput{TargetGroupArn: raw})
		return err
	case "rds/db":
		_, _ = s.rds.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: &id, DeletionProtection: aws.Bool(false), ApplyImmediately: aws.Bool(true)})
		_, err := s.rds.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: &id, SkipFinalSnapshot: aws.Bool(true), DeleteAutomatedBackups: aws.Bool(true)})
		return err
	case "rds/subgrp":
		_, err := s.rds.DeleteDBSubnetGroup(ctx, &rds.DeleteDBSubnetGroupInput{DBSubnetGroupName: &id})
		return err
	case "ec2/natgateway":
		_, err := s.ec2.DeleteNatGateway(ctx, &ec2.DeleteNatGatewayInput{NatGatewayId: &id})
		return err
	case "ec2/vpc-endpoint":
		_, err := s.ec2.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id}})
		return err
	case "ec2/elastic-ip":
		_, err := s.ec2.ReleaseAddress(ctx, &ec2.ReleaseAddressInput{AllocationId: &id})
		return err
	case "ec2/internet-gateway":
		out, err := s.ec2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{InternetGatewayIds: []string{id}})
		if err != nil {
			return err
		}
		for _, g := range out.InternetGateways {
			for _, a := range g.Attachments {
				if _, err := s.ec2.DetachInternetGateway(ctx, &ec2.DetachInternetGatewayInput{InternetGatewayId: &id, VpcId: a.VpcId}); err != nil {
					return err
				}
			}
		}
		_, err = s.ec2.DeleteInternetGateway(ctx, &ec2.DeleteInternetGatewayInput{InternetGatewayId: &id})
		return err
	case "ec2/security-group":
		return s.removeSecurityGroup(ctx, id)
	case "ec2/subnet":
		_, err := s.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &id})
		return err
	case "ec2/route-table":
		out, err := s.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{id}})
		if err != nil {
			return err
		}
		for _, rt := range out.RouteTables {
			for _, a := range rt.Associations {
				if !aws.ToBool(a.Main) {
					_, _ = s.ec2.DisassociateRouteTable(ctx, &ec2.DisassociateRouteTableInput{AssociationId: a.RouteTableAssociationId})
				}
			}
		}
		_, err = s.ec2.DeleteRouteTable(ctx, &ec2.DeleteRouteTableInput{RouteTableId: &id})
		return err
	case "ec2/vpc":
		_, err := s.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &id})
		return err
	case "s3/bucket":
		return s.removeBucket(ctx, it.arn.Resource)
	case "ssm/parameter":
		_, err := s.ssm.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String("/" + id)})
		return err
	case "logs/log-group":
		_, err := s.log.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(strings.TrimSuffix(id, ":*"))})
		return err
	case "sns/topic":
		_, err := s.sns.DeleteTopic(ctx, &sns.DeleteTopicInput{TopicArn: raw})
		return err
	case "kms/key":
		_, err := s.kms.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &id, PendingWindowInDays: aws.Int32(7)})
		return err
	case "ecr/repository":
		_, err := s.ecr.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: &id, Force: true})
		return err
	case "cognito-idp/userpool":
		return s.removeUserPool(ctx, id)
	case "cloudwatch/alarm":
		_, err := s.cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: []string{id}})
		return err
	case "secretsmanager/secret":
		_, err := s.sm.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: raw, ForceDeleteWithoutRecovery: aws.Bool(true)})
		return err
	case "ecs/task-definition":
		_, err := s.ecs.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: raw})
		return err
	}
	return errUnsupported
}

func (s *sweeper) removeWebACL(ctx context.Context, it item) error {
	// regional/webacl/NAME/ID
	parts := strings.Split(it.arn.Resource, "/")
	if len(parts) != 4 || parts[1] != "webacl" {
		return errUnsupported
	}
	res, err := s.waf.ListResourcesForWebACL(ctx, &wafv2.ListResourcesForWebACLInput{WebACLArn: aws.String(it.raw)})
	if err != nil {
		return err
	}
	for _, r := range res.ResourceArns {
		if _, err := s.waf.DisassociateWebACL(ctx, &wafv2.DisassociateWebACLInput{ResourceArn: aws.String(r)}); err != nil {
			return err
		}
	}
	got, err := s.waf.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: &parts[2], Id: &parts[3], Scope: "REGIONAL"})
	if err != nil {
		return err
	}
	_, err = s.waf.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: &parts[2], Id: &parts[3], Scope: "REGIONAL", LockToken: got.LockToken})
	return err
}

// removeSecurityGroup drops the group's rules first: the stack's groups
// reference each other, which blocks deleting any of them.
func (s *sweeper) removeSecurityGroup(ctx context.Context, id string) error {
	out, err := s.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil {
		return err
	}
	for _, g := range out.SecurityGroups {
		if aws.ToString(g.GroupName) == "default" {
			return nil // deleted with its VPC
		}
		if len(g.IpPermissions) > 0 {
			_, _ = s.ec2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: &id, IpPermissions: g.IpPermissions})
		}
		if len(g.IpPermissionsEgress) > 0 {
			_, _ = s.ec2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: &id, IpPermissions: g.IpPermissionsEgress})
		}
	}
	_, err = s.ec2.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: &id})
	return err
}

// removeBucket deletes every object version and delete marker, then the
// bucket (the stack's buckets are versioned).
func (s *sweeper) removeBucket(ctx context.Context, bucket string) error {
	p := s3.NewListObjectVersionsPaginator(s.s3, &s3.ListObjectVersionsInput{Bucket: &bucket})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		var ids []s3types.ObjectIdentifier
		for _, v := range page.Versions {
			ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range page.DeleteMarkers {
			ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if len(ids) > 0 {
			if _, err := s.s3.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
				return err
			}
		}
	}
	_, err := s.s3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	return err
}

func (s *sweeper) removeUserPool(ctx context.Context, id string) error {
	up, err := s.cog.DescribeUserPool(ctx, &cognitoidentityprovider.DescribeUserPoolInput{UserPoolId: &id})
	if err != nil {
		return err
	}
	if d := aws.ToString(up.UserPool.Domain); d != "" {
		if _, err := s.cog.DeleteUserPoolDomain(ctx, &cognitoidentityprovider.DeleteUserPoolDomainInput{Domain: &d, UserPoolId: &id}); err != nil {
			return err
		}
	}
	if up.UserPool.DeletionProtection == cogtypes.DeletionProtectionTypeActive {
		if _, err := s.cog.UpdateUserPool(ctx, &cognitoidentityprovider.UpdateUserPoolInput{UserPoolId: &id, DeletionProtection: cogtypes.DeletionProtectionTypeInactive}); err != nil {
			return err
		}
	}
	_, err = s.cog.DeleteUserPool(ctx, &cognitoidentityprovider.DeleteUserPoolInput{UserPoolId: &id})
	return err
}
