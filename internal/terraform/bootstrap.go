package terraform

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/saprism/tfgate/internal/config"
)

// Bootstrap creates or hardens the S3 state bucket (and DynamoDB lock
// table) of an environment's backend settings (tfgate.yaml plus
// --backend-config flags) with credentials from the AWS environment. It
// never talks to the local emulator: the AWS-mode environment check refuses
// emulator endpoints first. It returns what it did, one line per step, also
// when a later step fails.
func Bootstrap(ctx context.Context, cfg *config.Config, env string, flags []string) ([]string, error) {
	layout, err := NewLayout(cfg, env, false)
	if err != nil {
		return nil, err
	}
	bc, err := BackendConfig(cfg, env, flags)
	if err != nil {
		return nil, err
	}
	if _, _, err := BuildEnv(EnvOptions{Layout: layout}); err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(bc["region"]))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	steps, err := BootstrapState(ctx, awsCfg, bc)
	if err != nil {
		return steps, fmt.Errorf("bootstrap %s: %w", env, err)
	}
	return steps, nil
}

// BootstrapState creates or hardens the state bucket (and lock table) named
// in the backend settings; it returns what it did, one line per step.
func BootstrapState(ctx context.Context, cfg aws.Config, bc map[string]string) ([]string, error) {
	bucket, region := bc["bucket"], bc["region"]
	if bucket == "" || region == "" {
		return nil, errors.New("the backend settings need bucket and region (tfgate.yaml environments.<env>.backend or --backend-config)")
	}
	var steps []string
	s3c := s3.NewFromConfig(cfg)
	if _, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}); err == nil {
		steps = append(steps, "bucket "+bucket+": exists")
	} else {
		in := &s3.CreateBucketInput{Bucket: &bucket}
		if region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
		}
		if _, err := s3c.CreateBucket(ctx, in); err != nil {
			return steps, fmt.Errorf("create bucket %s: %w", bucket, apiError(err))
		}
		steps = append(steps, "bucket "+bucket+": created in "+region)
	}
	if _, err := s3c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		return steps, fmt.Errorf("versioning: %w", apiError(err))
	}
	steps = append(steps, "bucket "+bucket+": versioning enabled")
	rule := s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}
	what := "SSE-S3"
	if k := bc["kms_key_id"]; k != "" {
		rule = s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(k)}
		what = "SSE-KMS"
	}
	if _, err := s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &bucket,
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &rule, BucketKeyEnabled: aws.Bool(true)}}}}); err != nil {
		return steps, fmt.Errorf("encryption: %w", apiError(err))
	}
	steps = append(steps, "bucket "+bucket+": default encryption "+what)
	if _, err := s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &bucket,
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
			BlockPublicPolicy: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		return steps, fmt.Errorf("public access block: %w", apiError(err))
	}
	steps = append(steps, "bucket "+bucket+": public access blocked")
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, bucket)
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &bucket, Policy: &policy}); err != nil {
		return steps, fmt.Errorf("bucket policy: %w", apiError(err))
	}
	steps = append(steps, "bucket "+bucket+": TLS-only policy")

	if table := bc["dynamodb_table"]; table != "" {
		ddb := dynamodb.NewFromConfig(cfg)
		if _, err := ddb.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &table}); err == nil {
			steps = append(steps, "lock table "+table+": exists")
		} else {
			_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            &table,
				BillingMode:          ddbtypes.BillingModePayPerRequest,
				AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
				KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
				SSESpecification:     &ddbtypes.SSESpecification{Enabled: aws.Bool(true)},
			})
			if err != nil {
				return steps, fmt.Errorf("create lock table %s: %w", table, apiError(err))
			}
			steps = append(steps, "lock table "+table+": created (LockID, on demand, encrypted)")
		}
	} else if !strings.EqualFold(bc["use_lockfile"], "true") {
		steps = append(steps, "note: neither use_lockfile = true nor dynamodb_table is set: add one to the backend settings so Terraform locks the state")
	}
	return steps, nil
}

// apiError keeps the AWS error code and message, not the SDK's long chain.
func apiError(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s", ae.ErrorCode(), ae.ErrorMessage())
	}
	return err
}
