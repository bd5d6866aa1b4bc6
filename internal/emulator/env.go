package emulator

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Fake credentials handed to Terraform in local mode; the emulator accepts anything.
const (
	FakeAccessKeyID     = "test"
	FakeSecretAccessKey = "test"
	Region              = "us-east-1"
)

// Env returns base without any AWS_* variable (profiles, real keys, session tokens, other
// endpoints, config files) plus what Terraform needs to reach only this emulator.
func (e *Emulator) Env(base []string) []string { return EnvFor(e.Endpoint(), base) }

// EnvFor is Env for a given endpoint.
func EnvFor(endpoint string, base []string) []string {
	env := make([]string, 0, len(base)+8)
	for _, kv := range base {
		if strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"AWS_ENDPOINT_URL="+endpoint,
		"AWS_ACCESS_KEY_ID="+FakeAccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+FakeSecretAccessKey,
		"AWS_REGION="+Region,
		"AWS_DEFAULT_REGION="+Region,
		"AWS_EC2_METADATA_DISABLED=true",
		// No shared config/credentials file: a profile there could carry real credentials,
		// a credential_process or other endpoints.
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
	)
}

var (
	realKeyID  = regexp.MustCompile(`^(AKIA|ASIA|AIDA|AROA|ANPA|ANVA|AGPA|AIPA|ABIA|ACCA)[A-Z0-9]{12,}$`)
	realSecret = regexp.MustCompile(`^[A-Za-z0-9/+=]{40}$`)
)

// CheckLocalSafety refuses an environment for local mode that could reach real AWS: every
// AWS_ENDPOINT_URL* must be an http(s) URL on a loopback IP (not the name localhost), IMDS must be
// disabled, and no real-looking credentials, session token, profile or web-identity/container
// credential source may be present. Errors name the variable, never its value.
func CheckLocalSafety(env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v // later entries win, as in exec
		}
	}
	var problems []string
	if vars["AWS_ENDPOINT_URL"] == "" {
		problems = append(problems, "AWS_ENDPOINT_URL is not set: Terraform would talk to real AWS")
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := vars[k]
		switch {
		case k == "AWS_ENDPOINT_URL" || strings.HasPrefix(k, "AWS_ENDPOINT_URL_"):
			if v == "" && k != "AWS_ENDPOINT_URL" {
				continue
			}
			if err := checkLoopbackURL(v); err != nil && v != "" {
				problems = append(problems, fmt.Sprintf("%s %v", k, err))
			}
		case k == "AWS_ACCESS_KEY_ID" && realKeyID.MatchString(v):
			problems = append(problems, "AWS_ACCESS_KEY_ID looks like a real AWS access key")
		case k == "AWS_SECRET_ACCESS_KEY" && realSecret.MatchString(v):
			problems = append(problems, "AWS_SECRET_ACCESS_KEY looks like a real AWS secret key")
		case (k == "AWS_SESSION_TOKEN" || k == "AWS_SECURITY_TOKEN") && v != "":
			problems = append(problems, k+" is set (temporary credentials of a real session)")
		case (k == "AWS_PROFILE" || k == "AWS_DEFAULT_PROFILE") && v != "":
			problems = append(problems, k+" is set (a profile may carry real credentials)")
		case (k == "AWS_WEB_IDENTITY_TOKEN_FILE" || k == "AWS_ROLE_ARN" ||
			strings.HasPrefix(k, "AWS_CONTAINER_CREDENTIALS_") || k == "AWS_CONTAINER_AUTHORIZATION_TOKEN") && v != "":
			problems = append(problems, k+" is set (a real credential source)")
		}
	}
	if v, ok := vars["AWS_EC2_METADATA_DISABLED"]; !ok || !strings.EqualFold(v, "true") {
		problems = append(problems, "AWS_EC2_METADATA_DISABLED is not true: the SDK could fetch instance credentials")
	}
	if len(problems) > 0 {
		return fmt.Errorf("local mode refused: %s", strings.Join(problems, "; "))
	}
	return nil
}

func checkLoopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("is not an http(s) URL")
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return fmt.Errorf("uses the name localhost: use 127.0.0.1 (S3 goes virtual-host style with a name)")
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("points at %s, which is not a loopback address", host)
	}
	return nil
}

// CheckCaller looks at the caller's own environment before local mode
// starts: an AWS_ENDPOINT_URL* that is set to a non-loopback address is a
// misconfiguration local mode refuses (the user meant some other endpoint);
// real-looking credentials are only reported, because local mode never
// passes them on (BuildEnv drops them) and many shells carry them. Values
// are never printed.
func CheckCaller(environ []string) (warnings []string, err error) {
	var creds []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case (k == "AWS_ENDPOINT_URL" || strings.HasPrefix(k, "AWS_ENDPOINT_URL_")) && v != "":
			if err := checkLoopbackURL(v); err != nil {
				return nil, fmt.Errorf("local mode refused: %s %v; local mode talks only to the emulator: unset %s", k, err, k)
			}
		case k == "AWS_ACCESS_KEY_ID" && realKeyID.MatchString(v), k == "AWS_SECRET_ACCESS_KEY" && realSecret.MatchString(v):
			creds = append(creds, k)
		}
	}
	if len(creds) > 0 {
		sort.Strings(creds)
		warnings = append(warnings, fmt.Sprintf("%s in your environment look like real AWS credentials: local mode does not pass them to Terraform or the emulator", strings.Join(creds, ", ")))
	}
	return warnings, nil
}
