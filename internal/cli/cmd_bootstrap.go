package cli

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
	tfg "github.com/saprism/tfgate/internal/terraform"
	"github.com/spf13/cobra"
)

func (a *App) bootstrapCommand() *cobra.Command {
	var ef envFlags
	c := &cobra.Command{
		Use:   "bootstrap --env E [--backend-config K=V]...",
		Short: "AWS mode: create the environment's state bucket (versioned, encrypted, private, TLS only)",
		Long: "bootstrap creates the S3 bucket named by environments.<env>.backend.bucket (and the DynamoDB lock\n" +
			"table when dynamodb_table is set) with versioning, default encryption, a public access block and a\n" +
			"TLS-only policy. Credentials come from the AWS environment; it never talks to the local emulator.\n" +
			"Existing resources are left as they are and their settings enforced.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			layout, err := tfg.NewLayout(cfg, ef.env, false)
			if err != nil {
				return failf("%v", err)
			}
			bc, err := tfg.BackendConfig(cfg, ef.env, ef.backendConfig)
			if err != nil {
				return failf("%v", err)
			}
			// AWS mode never talks to the emulator.
			if _, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout}); err != nil {
				return failf("%v", err)
			}
			ctx := cmd.Context()
			awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(bc["region"]))
			if err != nil {
				return failf("AWS configuration: %v", err)
			}
			steps, err := bootstrapState(ctx, awsCfg, bc)
			for _, s := range steps {
				fmt.Fprintln(a.Stdout, s)
			}
			if err != nil {
				return failf("bootstrap %s: %v", ef.env, err)
			}
			return nil
		},
	}
	c.Flags().StringVar(&ef.env, "env", "", "environment")
	c.Flags().StringArrayVar(&ef.backendConfig, "backend-config", nil, "backend setting KEY=VALUE (repeatable; adds to tfgate.yaml)")
	return c
}

// bootstrapState creates or hardens the state bucket (and lock table) named
// in the backend settings; it returns what it did, one line per step.
func bootstrapState(ctx context.Context, cfg aws.Config, bc map[string]string) ([]string, error) {
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
