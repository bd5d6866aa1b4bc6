package terraform

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/saprism/tfgate/internal/emulator"
)

func TestBootstrapStateNeedsRegion(t *testing.T) {
	if _, err := BootstrapState(context.Background(), aws.Config{}, map[string]string{"bucket": "b"}); err == nil {
		t.Error("bootstrap without a region accepted")
	}
}

// The bucket calls run against the emulator through an explicit SDK config
// (the command itself refuses the emulator).
func TestBootstrapStateOnEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the emulator; run without -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e, err := emulator.Start(ctx, emulator.Options{StateDir: filepath.Join(t.TempDir(), "emu")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(e.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	bc := map[string]string{"bucket": "tfgate-state-prod", "region": "us-east-1", "dynamodb_table": "tfgate-locks"}
	steps, err := BootstrapState(ctx, cfg, bc)
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(steps, "\n"))
	}
	if !strings.Contains(strings.Join(steps, "\n"), "bucket tfgate-state-prod: created") {
		t.Errorf("steps: %v", steps)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("tfgate-state-prod")})
	if err != nil || v.Status != "Enabled" {
		t.Errorf("versioning: %v %v", v, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("tfgate-state-prod")})
	if err != nil || len(enc.ServerSideEncryptionConfiguration.Rules) == 0 {
		t.Errorf("encryption: %v", err)
	}
	// Idempotent: a second run finds and hardens what exists.
	steps, err = BootstrapState(ctx, cfg, bc)
	if err != nil || !strings.Contains(strings.Join(steps, "\n"), "bucket tfgate-state-prod: exists") || !strings.Contains(strings.Join(steps, "\n"), "lock table tfgate-locks: exists") {
		t.Errorf("second run: %v %v", steps, err)
	}
}
