package cli

import (
	"strings"
	"testing"
)

func TestBootstrapRefusesEmulatorAndMissingSettings(t *testing.T) {
	root := fakeRepo(t, "environments:\n  production:\n    backend:\n      bucket: state\n      region: us-east-1\n")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
	code, _, stderr := tfgate(t, root, nil, "bootstrap", "--env", "production")
	if code != ExitError || !strings.Contains(stderr, "AWS mode refuses AWS_ENDPOINT_URL") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
