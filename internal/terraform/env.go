package terraform

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// EnvOptions says how to build the environment Terraform runs with.
type EnvOptions struct {
	Layout Layout
	// Base is the starting environment (KEY=VALUE); nil means os.Environ().
	Base []string
	// Emulator holds the local emulator's variables (AWS_ENDPOINT_URL, fake
	// credentials, ...), required in local mode.
	Emulator []string
	// Offline is for commands that never call AWS (show, validate, fmt):
	// every AWS_* variable is dropped and no emulator is needed.
	Offline bool
}

// BuildEnv returns the environment for Terraform and the names of variables
// it dropped. Local mode drops every AWS_* variable of the caller (profile,
// real credentials, endpoints) and adds the emulator's; AWS mode refuses an
// endpoint override that points at a loopback address, so it can never talk
// to the emulator. TF_VAR_* and other variables terraform-exec manages itself
// are dropped (tfexec refuses them).
func BuildEnv(o EnvOptions) (map[string]string, []string, error) {
	base := o.Base
	if base == nil {
		base = os.Environ()
	}
	env := EnvMap(base)
	var dropped []string
	for _, k := range tfexec.ProhibitedEnv(env) {
		if strings.HasPrefix(k, "TF_VAR_") {
			dropped = append(dropped, k)
		}
		delete(env, k)
	}
	switch {
	case o.Offline:
		for k := range env {
			if strings.HasPrefix(k, "AWS_") {
				delete(env, k)
			}
		}
	case o.Layout.Local:
		if len(o.Emulator) == 0 {
			return nil, nil, fmt.Errorf("local mode needs the emulator's environment (is it running? tfgate local start)")
		}
		for k := range env {
			if strings.HasPrefix(k, "AWS_") {
				delete(env, k)
			}
		}
		for k, v := range EnvMap(o.Emulator) {
			env[k] = v
		}
	default:
		for k, v := range env {
			if isEndpointVar(k) && isLoopbackURL(v) {
				return nil, nil, fmt.Errorf("AWS mode refuses %s=%s: it points at a local endpoint (the emulator?); unset it, or use --local", k, v)
			}
		}
	}
	env["TF_DATA_DIR"] = o.Layout.DataDir()
	sort.Strings(dropped)
	return env, dropped, nil
}

func isEndpointVar(k string) bool {
	return strings.HasPrefix(k, "AWS_ENDPOINT_URL")
}

func isLoopbackURL(v string) bool {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
