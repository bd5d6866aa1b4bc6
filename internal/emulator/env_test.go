package emulator

import (
	"strings"
	"testing"
)

func TestEnvForStripsCallerAWS(t *testing.T) {
	base := []string{
		"PATH=/usr/bin", "HOME=/root",
		"AWS_PROFILE=prod", "AWS_SESSION_TOKEN=tok", "AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP",
		"AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", "AWS_ENDPOINT_URL_S3=https://s3.amazonaws.com",
	}
	env := EnvFor("http://127.0.0.1:4566", base)
	joined := "\n" + strings.Join(env, "\n") + "\n"
	for _, gone := range []string{"AWS_PROFILE=", "AWS_SESSION_TOKEN=", "AKIA", "AWS_ENDPOINT_URL_S3=", "abcdefghijklmnop"} {
		if strings.Contains(joined, gone) {
			t.Errorf("env still carries %s", gone)
		}
	}
	for _, want := range []string{"\nPATH=/usr/bin\n", "\nAWS_ENDPOINT_URL=http://127.0.0.1:4566\n", "\nAWS_ACCESS_KEY_ID=test\n",
		"\nAWS_SECRET_ACCESS_KEY=test\n", "\nAWS_REGION=us-east-1\n", "\nAWS_EC2_METADATA_DISABLED=true\n"} {
		if !strings.Contains(joined, want) {
			t.Errorf("env misses %q", strings.TrimSpace(want))
		}
	}
	if err := CheckLocalSafety(env); err != nil {
		t.Errorf("EnvFor's own output refused: %v", err)
	}
}

func TestCheckLocalSafety(t *testing.T) {
	ok := EnvFor("http://127.0.0.1:4566", nil)
	cases := []struct {
		name  string
		extra []string
		want  string // substring of the error; "" = accepted
	}{
		{"emulator env", nil, ""},
		{"ipv6 loopback", []string{"AWS_ENDPOINT_URL=http://[::1]:4566"}, ""},
		{"remote endpoint", []string{"AWS_ENDPOINT_URL=https://ec2.us-east-1.amazonaws.com"}, "not a loopback"},
		{"service endpoint elsewhere", []string{"AWS_ENDPOINT_URL_S3=http://10.0.0.5:9000"}, "AWS_ENDPOINT_URL_S3"},
		{"localhost name", []string{"AWS_ENDPOINT_URL=http://localhost:4566"}, "127.0.0.1"},
		{"no endpoint", []string{"AWS_ENDPOINT_URL="}, "AWS_ENDPOINT_URL is not set"},
		{"not a url", []string{"AWS_ENDPOINT_URL=127.0.0.1:4566"}, "not an http"},
		{"real key id", []string{"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}, "AWS_ACCESS_KEY_ID looks like a real"},
		{"temporary key id", []string{"AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE"}, "AWS_ACCESS_KEY_ID looks like a real"},
		{"real secret", []string{"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, "AWS_SECRET_ACCESS_KEY"},
		{"session token", []string{"AWS_SESSION_TOKEN=FwoGZXIvYXdzEXAMPLE"}, "AWS_SESSION_TOKEN is set"},
		{"profile", []string{"AWS_PROFILE=prod"}, "AWS_PROFILE is set"},
		{"web identity", []string{"AWS_WEB_IDENTITY_TOKEN_FILE=/var/run/token"}, "AWS_WEB_IDENTITY_TOKEN_FILE"},
		{"container creds", []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.2/creds"}, "AWS_CONTAINER_CREDENTIALS_FULL_URI"},
		{"imds on", []string{"AWS_EC2_METADATA_DISABLED=false"}, "AWS_EC2_METADATA_DISABLED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := append(append([]string{}, ok...), c.extra...)
			err := CheckLocalSafety(env)
			if c.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want error containing %q", err, c.want)
			}
			for _, kv := range c.extra {
				_, v, _ := strings.Cut(kv, "=")
				if len(v) > 12 && strings.Contains(err.Error(), v) && !strings.HasPrefix(v, "http") {
					t.Fatalf("error leaks the value of %s", kv)
				}
			}
		})
	}
}
