package run

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/plan"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// While a saved plan is applied, a sensitive value Terraform echoes in an
// error (providers do) never reaches the user.
func TestApplyProgressRedactsPlanSecrets(t *testing.T) {
	data, err := os.ReadFile("testdata/sensitive.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Parse(data, "sensitive.json")
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	e := &Env{o: Options{Log: &stderr, Mode: tfg.Plain}, layout: tfg.Layout{Root: "/r", TFDir: "/r/terraform", Env: "dev"}}
	prog := e.progress(1, p.Redactor)
	prog.Write([]byte(`{"type":"diagnostic","diagnostic":{"severity":"error","summary":"creating SSM Parameter","detail":"ValidationException: value CANARY-cli-apply-7f3a9c is too long","address":"aws_ssm_parameter.db"}}` + "\n"))
	prog.Close()
	out := stderr.String()
	if strings.Contains(out, "CANARY-cli-apply-7f3a9c") {
		t.Errorf("secret printed:\n%s", out)
	}
	if !strings.Contains(out, "creating SSM Parameter") {
		t.Errorf("the diagnostic itself must still be shown:\n%s", out)
	}
}
