package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rcDoc wraps resource_changes entries in a plan document.
func rcDoc(entries ...string) string {
	return `{"format_version":"1.2","terraform_version":"1.11.0","resource_changes":[` + strings.Join(entries, ",") + `]}`
}

func rc(addr, actions string) string {
	return `{"address":"` + addr + `","mode":"managed","type":"aws_s3_bucket","name":"x","change":{"actions":` + actions + `,"before":null,"after":{}}}`
}

// TestFailClosedOnForeignChanges: a plan Terraform would never write is an
// error naming the entry and the fault, never a pass with nothing checked.
func TestFailClosedOnForeignChanges(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // all must be in the error
	}{
		{"unknown action", rcDoc(rc("aws_s3_bucket.a", `["frobnicate"]`)), []string{"resource_changes[0] (aws_s3_bucket.a)", `["frobnicate"]`}},
		{"empty actions", rcDoc(rc("aws_s3_bucket.a", `[]`)), []string{"aws_s3_bucket.a", "change.actions is empty"}},
		{"actions null", rcDoc(rc("aws_s3_bucket.a", `null`)), []string{"aws_s3_bucket.a", "change.actions is missing or null"}},
		{"actions a string", rcDoc(rc("aws_s3_bucket.a", `"create"`)), []string{"aws_s3_bucket.a", "change.actions is \"create\", not a list"}},
		{"action not a string", rcDoc(rc("aws_s3_bucket.a", `[1]`)), []string{"aws_s3_bucket.a", "change.actions[0] is a number"}},
		{"delete twice", rcDoc(rc("aws_s3_bucket.a", `["delete","delete"]`)), []string{"aws_s3_bucket.a", "not an action list Terraform writes"}},
		{"three actions", rcDoc(rc("aws_s3_bucket.a", `["delete","create","update"]`)), []string{"aws_s3_bucket.a", "not an action list"}},
		{"null entry", rcDoc(rc("aws_s3_bucket.a", `["create"]`), `null`), []string{"resource_changes[1]", "is null"}},
		{"string entry", rcDoc(`"aws_s3_bucket.a"`), []string{"resource_changes[0]", "is a string"}},
		{"no address", rcDoc(`{"type":"aws_s3_bucket","change":{"actions":["create"]}}`), []string{"resource_changes[0]", "no address"}},
		{"empty address", rcDoc(`{"address":" ","type":"aws_s3_bucket","change":{"actions":["create"]}}`), []string{"resource_changes[0]", "no address"}},
		{"address a number", rcDoc(`{"address":5,"type":"aws_s3_bucket","change":{"actions":["create"]}}`), []string{"resource_changes[0]", "no address"}},
		{"no type", rcDoc(`{"address":"a.b","change":{"actions":["create"]}}`), []string{"resource_changes[0] (a.b)", "no type"}},
		{"name a number", rcDoc(`{"address":"a.b","type":"a","name":5,"change":{"actions":["create"]}}`), []string{"(a.b)", "name is a number, not a string"}},
		{"provider an object", rcDoc(`{"address":"a.b","type":"a","provider_name":{},"change":{"actions":["create"]}}`), []string{"(a.b)", "provider_name is an object"}},
		{"bad mode", rcDoc(`{"address":"a.b","type":"a","mode":"ghost","change":{"actions":["create"]}}`), []string{"(a.b)", `mode "ghost"`}},
		{"duplicate", rcDoc(rc("aws_s3_bucket.a", `["create"]`), rc("aws_s3_bucket.b", `["create"]`), rc("aws_s3_bucket.a", `["delete"]`)), []string{"resource_changes[2] (aws_s3_bucket.a)", "duplicate address (also resource_changes[0])"}},
		{"no change", rcDoc(`{"address":"a.b","type":"a"}`), []string{"(a.b)", "change is missing or null"}},
		{"change a list", rcDoc(`{"address":"a.b","type":"a","change":[]}`), []string{"(a.b)", "change is an array"}},
		{"after a string", rcDoc(`{"address":"a.b","type":"a","change":{"actions":["create"],"after":"x"}}`), []string{"(a.b)", "change.after is a string"}},
		{"before a list", rcDoc(`{"address":"a.b","type":"a","change":{"actions":["delete"],"before":[1]}}`), []string{"(a.b)", "change.before is an array"}},
		{"after a number", rcDoc(`{"address":"a.b","type":"a","change":{"actions":["update"],"before":{},"after":3}}`), []string{"(a.b)", "change.after is a number"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), "p.json")
			if err == nil {
				t.Fatal("parsed; want an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "p.json: ") || strings.Contains(msg, "\n") {
				t.Errorf("error is not one line naming the file: %q", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// TestTerraformShapesAccepted: everything Terraform writes still parses,
// including a deposed object next to the current one at the same address.
func TestTerraformShapesAccepted(t *testing.T) {
	deposed := `{"address":"aws_s3_bucket.a","mode":"managed","type":"aws_s3_bucket","name":"a","deposed":"00000001","change":{"actions":["delete"],"before":{},"after":null}}`
	doc := rcDoc(rc("aws_s3_bucket.a", `["create"]`), deposed, rc("aws_s3_bucket.b", `["create","forget"]`), rc("aws_s3_bucket.c", `["forget"]`))
	if _, err := Parse([]byte(doc), "p.json"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/*.json")
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if data, err := os.ReadFile("../cli/testdata/rds_unprotected.json"); err == nil {
		if _, err := Parse(data, "rds"); err != nil {
			t.Error(err)
		}
	}
}
