package terraform

import (
	"strings"
	"testing"
)

func TestBuildEnv(t *testing.T) {
	cfg := repo(t)
	local, _ := NewLayout(cfg, "dev", true)
	aws, _ := NewLayout(cfg, "dev", false)
	base := []string{
		"PATH=/usr/bin", "HOME=/root",
		"AWS_PROFILE=prod-admin", "AWS_ACCESS_KEY_ID=AKIAREALLOOKINGKEY12", "AWS_SESSION_TOKEN=tok",
		"TF_VAR_db_password=hunter2", "TF_LOG=debug", "TF_CLI_ARGS=-no-color",
	}
	emu := []string{"AWS_ENDPOINT_URL=http://127.0.0.1:4566", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true"}

	t.Run("local drops the caller's AWS settings and adds the emulator's", func(t *testing.T) {
		env, dropped, err := BuildEnv(EnvOptions{Layout: local, Base: base, Emulator: emu})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "TF_VAR_db_password", "TF_LOG", "TF_CLI_ARGS"} {
			if _, ok := env[k]; ok {
				t.Errorf("%s kept", k)
			}
		}
		if env["AWS_ACCESS_KEY_ID"] != "test" || env["AWS_ENDPOINT_URL"] != "http://127.0.0.1:4566" || env["PATH"] != "/usr/bin" {
			t.Errorf("env = %v", env)
		}
		if env["TF_DATA_DIR"] != local.DataDir() {
			t.Errorf("TF_DATA_DIR = %s", env["TF_DATA_DIR"])
		}
		if strings.Join(dropped, ",") != "TF_VAR_db_password" {
			t.Errorf("dropped = %v", dropped)
		}
	})
	t.Run("local needs the emulator", func(t *testing.T) {
		if _, _, err := BuildEnv(EnvOptions{Layout: local, Base: base}); err == nil {
			t.Error("local mode without emulator env accepted")
		}
	})
	t.Run("AWS mode keeps credentials", func(t *testing.T) {
		env, _, err := BuildEnv(EnvOptions{Layout: aws, Base: base})
		if err != nil {
			t.Fatal(err)
		}
		if env["AWS_PROFILE"] != "prod-admin" || env["TF_DATA_DIR"] != aws.DataDir() {
			t.Errorf("env = %v", env)
		}
	})
	t.Run("AWS mode refuses the emulator", func(t *testing.T) {
		for _, ep := range []string{"AWS_ENDPOINT_URL=http://127.0.0.1:4566", "AWS_ENDPOINT_URL_S3=http://localhost:9000", "AWS_ENDPOINT_URL=http://[::1]:80"} {
			_, _, err := BuildEnv(EnvOptions{Layout: aws, Base: append([]string{"PATH=/bin"}, ep)})
			if err == nil || !strings.Contains(err.Error(), "AWS mode refuses") {
				t.Errorf("%s: err = %v", ep, err)
			}
		}
		if _, _, err := BuildEnv(EnvOptions{Layout: aws, Base: []string{"AWS_ENDPOINT_URL=https://vpce-1.s3.us-east-1.vpce.amazonaws.com"}}); err != nil {
			t.Errorf("a real endpoint override refused: %v", err)
		}
	})
	t.Run("offline drops AWS entirely", func(t *testing.T) {
		env, _, err := BuildEnv(EnvOptions{Layout: local, Base: base, Offline: true})
		if err != nil {
			t.Fatal(err)
		}
		for k := range env {
			if strings.HasPrefix(k, "AWS_") {
				t.Errorf("%s kept offline", k)
			}
		}
	})
}
