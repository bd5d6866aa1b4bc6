package policies_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/saprism/tfgate/policies"
)

// Every rule package is imported by a test file.
func TestEveryRulePackageIsTested(t *testing.T) {
	files, err := fs.Glob(policies.FS, "aws/*.rego")
	if err != nil {
		t.Fatal(err)
	}
	var tests strings.Builder
	var rules []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.rego") {
			b, err := fs.ReadFile(policies.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			tests.Write(b)
			continue
		}
		rules = append(rules, strings.TrimSuffix(strings.TrimPrefix(f, "aws/"), ".rego"))
	}
	if len(rules) < 10 {
		t.Fatalf("only %d rule files embedded", len(rules))
	}
	for _, area := range rules {
		if !strings.Contains(tests.String(), "import data.tfgate.aws."+area+"\n") {
			t.Errorf("no test imports data.tfgate.aws.%s", area)
		}
	}
}
