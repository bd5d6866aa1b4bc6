package run

import (
	"encoding/json"
	"strings"
	"testing"

	tfg "github.com/saprism/tfgate/internal/terraform"
)

func TestSmoke(t *testing.T) {
	if err := Smoke(nil); err == nil {
		t.Error("no outputs passed the smoke check")
	}
}

func TestOutputValue(t *testing.T) {
	tests := []struct {
		in   tfg.Output
		want string
	}{
		{tfg.Output{Value: json.RawMessage(`"abc"`)}, "abc"},
		{tfg.Output{Value: json.RawMessage(`"abc"`), Sensitive: true}, "(sensitive)"},
		{tfg.Output{Value: json.RawMessage("[\n      {\n        \"a\": 1\n      }\n    ]")}, "[\n  {\n    \"a\": 1\n  }\n]"},
		{tfg.Output{Value: json.RawMessage(`42`)}, "42"},
	}
	for _, tt := range tests {
		if got := outputValue(tt.in); got != tt.want {
			t.Errorf("outputValue(%s) = %q, want %q", tt.in.Value, got, tt.want)
		}
	}
}

func TestSmokeChecks(t *testing.T) {
	ok := map[string]tfg.Output{"load_balancer_dns": {Value: json.RawMessage(`"alb-1.elb.amazonaws.com"`)}}
	if err := Smoke(ok); err != nil {
		t.Errorf("Smoke(ok) = %v", err)
	}
	empty := map[string]tfg.Output{"load_balancer_dns": {Value: json.RawMessage(`""`)}}
	if err := Smoke(empty); err == nil || !strings.Contains(err.Error(), "load_balancer_dns") {
		t.Errorf("empty DNS passed: %v", err)
	}
	none := map[string]tfg.Output{"vpc_id": {Value: json.RawMessage(`"vpc-1"`)}}
	if err := Smoke(none); err == nil {
		t.Error("a stack without a load balancer DNS output passed the smoke check")
	}
}
