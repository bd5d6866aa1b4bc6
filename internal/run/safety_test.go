package run

import (
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// The environment local mode hands Terraform passes the emulator's safety
// check whatever the caller's shell holds, and a tampered one is refused.
func TestLocalEnvSafety(t *testing.T) {
	l := tfg.Layout{Root: t.TempDir(), TFDir: "/r/terraform", Env: "dev", Local: true}
	hostile := []string{
		"PATH=/usr/bin",
		"AWS_PROFILE=prod-admin",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_SESSION_TOKEN=FwoGZXIvYXdzE",
		"AWS_ENDPOINT_URL_S3=https://s3.amazonaws.com",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.2/creds",
		"AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/token",
	}
	emu := emulator.EnvFor("http://127.0.0.1:45678", nil)
	env, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: l, Base: hostile, Emulator: emu})
	if err != nil {
		t.Fatal(err)
	}
	if err := emulator.CheckLocalSafety(tfg.Pairs(env)); err != nil {
		t.Errorf("local env refused: %v", err)
	}
	for k, v := range env {
		if strings.Contains(v, "prod-admin") || strings.Contains(v, "AKIA") || strings.Contains(v, "amazonaws.com") || k == "AWS_WEB_IDENTITY_TOKEN_FILE" {
			t.Errorf("%s=%s leaked into local mode", k, v)
		}
	}
	// An emulator endpoint that is not loopback is refused.
	env, _, _ = tfg.BuildEnv(tfg.EnvOptions{Layout: l, Base: hostile, Emulator: emulator.EnvFor("http://10.0.0.5:4566", nil)})
	if err := emulator.CheckLocalSafety(tfg.Pairs(env)); err == nil {
		t.Error("a non-loopback endpoint passed the safety check")
	}
}
