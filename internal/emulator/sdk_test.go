package emulator

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// TestNotImplementedSurfacesThroughSDK: an operation moto lacks on a query-protocol service
// (RDS, as Terraform's provider calls it through aws-sdk-go-v2) fails within seconds and the
// SDK error carries the emulator's message, not a decode failure.
func TestNotImplementedSurfacesThroughSDK(t *testing.T) {
	e := startTest(t)
	client := rds.New(rds.Options{
		Region:       Region,
		BaseEndpoint: aws.String(e.Endpoint()),
		Credentials:  credentials.NewStaticCredentialsProvider(FakeAccessKeyID, FakeSecretAccessKey, ""),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := client.CopyOptionGroup(ctx, &rds.CopyOptionGroupInput{
		SourceOptionGroupIdentifier:  aws.String("a"),
		TargetOptionGroupIdentifier:  aws.String("b"),
		TargetOptionGroupDescription: aws.String("c"),
	})
	if err == nil {
		t.Fatal("CopyOptionGroup succeeded; want NotImplemented")
	}
	for _, want := range []string{"501", "NotImplemented", "rds CopyOptionGroup is not implemented by the local emulator"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("SDK error %q lacks %q", err, want)
		}
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("took %s; want a fast failure", d)
	}
}
