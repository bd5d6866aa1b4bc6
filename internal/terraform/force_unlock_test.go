package terraform

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/saprism/tfgate/internal/emulator"
)

// TestForceUnlockRemoteLockOfAKilledRun: an S3 backend with a DynamoDB lock
// table (on the emulator); a terraform apply is SIGKILLed while it holds
// the state lock, so the lock item stays. The next plan fails with a
// LockedError naming that lock's ID and the command that clears it;
// ForceUnlock with the ID removes it and a plan runs again.
func TestForceUnlockRemoteLockOfAKilledRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the emulator and terraform; run without -short")
	}
	bin, err := Find(context.Background())
	if err != nil {
		t.Fatalf("terraform is needed (tfgate doctor --install): %v", err)
	}
	// Generous: alone the test takes 8 s, but one CI run (every package at
	// once on 2 cores) ran out of a 4-minute budget before the provisioner.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	e, err := emulator.Start(ctx, emulator.Options{StateDir: filepath.Join(t.TempDir(), "emu")})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	awsCfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(e.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	const bucket, key, table = "tfgate-state", "tfgate/production.tfstate", "tfgate-locks"
	// Plain bucket and table: BootstrapState's TLS-only bucket policy would
	// refuse the emulator's http endpoint.
	if _, err := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	ddb := dynamodb.NewFromConfig(awsCfg)
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}

	root := t.TempDir()
	tfdir := filepath.Join(root, "terraform")
	os.MkdirAll(tfdir, 0o755)
	main := fmt.Sprintf(`terraform {
  backend "s3" {
    bucket                      = %q
    key                         = %q
    region                      = "us-east-1"
    dynamodb_table              = %q
    endpoints                   = { s3 = %q, dynamodb = %q }
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
  }
}

resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 300"
  }
}
`, bucket, key, table, e.Endpoint(), e.Endpoint())
	if err := os.WriteFile(filepath.Join(tfdir, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	l := Layout{Root: root, TFDir: tfdir, Env: "production"}
	env := map[string]string{"PATH": os.Getenv("PATH"), "HOME": root, "TF_DATA_DIR": l.DataDir(),
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
	r := &Runner{Bin: bin, Layout: l, Env: env}
	if err := r.Init(ctx, InitOptions{}); err != nil {
		t.Fatalf("init: %v", err)
	}

	// The killed run: terraform apply in its own process group, killed (with
	// its provisioner) once it is provisioning, i.e. holding the lock.
	apply := exec.CommandContext(ctx, bin.Path, "apply", "-auto-approve", "-no-color")
	apply.Dir = tfdir
	for k, v := range env {
		apply.Env = append(apply.Env, k+"="+v)
	}
	apply.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, _ := apply.StdoutPipe()
	apply.Stderr = apply.Stdout
	if err := apply.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the provisioner, or for apply to end without reaching it:
	// then say what it printed instead of waiting out the context.
	provisioning := make(chan struct{})
	ended := make(chan struct{})
	var lines []string
	go func() {
		defer close(ended)
		sc := bufio.NewScanner(out)
		once := false
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if !once && strings.Contains(sc.Text(), "Provisioning with 'local-exec'") {
				once = true
				close(provisioning)
			}
		}
	}()
	select {
	case <-provisioning:
	case <-ended:
		apply.Wait()
		t.Fatalf("terraform apply ended before its provisioner ran:\n%s\nemulator log:\n%s", strings.Join(lines, "\n"), e.LogTail(30))
	case <-ctx.Done():
		syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
		<-ended
		t.Fatalf("terraform apply never reached its provisioner; it printed:\n%s\nemulator log:\n%s", strings.Join(lines, "\n"), e.LogTail(30))
	}
	syscall.Kill(-apply.Process.Pid, syscall.SIGKILL)
	apply.Wait()

	item, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
		Key: map[string]ddbtypes.AttributeValue{"LockID": &ddbtypes.AttributeValueMemberS{Value: bucket + "/" + key}}})
	if err != nil || item.Item == nil {
		t.Fatalf("no lock item left by the killed run: %v", err)
	}
	var info struct{ ID string }
	if s, ok := item.Item["Info"].(*ddbtypes.AttributeValueMemberS); !ok || json.Unmarshal([]byte(s.Value), &info) != nil || info.ID == "" {
		t.Fatalf("lock item without lock info: %v", item.Item)
	}

	prog := NewProgress(&strings.Builder{}, ProgressOptions{Mode: Quiet})
	_, err = r.Plan(ctx, PlanOptions{}, prog)
	var le *LockedError
	if !errors.As(err, &le) || le.LockID() != info.ID || !strings.Contains(err.Error(), "tfgate unlock --env production --lock-id "+info.ID) {
		t.Fatalf("plan on the locked state: %v\nwant a LockedError naming lock %s", err, info.ID)
	}
	if err := r.ForceUnlock(ctx, "not-the-id"); err == nil {
		t.Error("force-unlock with a wrong ID succeeded")
	}
	if err := r.ForceUnlock(ctx, info.ID); err != nil {
		t.Fatalf("force-unlock %s: %v", info.ID, err)
	}
	prog = NewProgress(&strings.Builder{}, ProgressOptions{Mode: Quiet})
	if _, err := r.Plan(ctx, PlanOptions{}, prog); err != nil {
		t.Errorf("plan after the unlock: %v", err)
	}
}
