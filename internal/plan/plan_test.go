package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/saprism/tfgate/internal/result"
)

// canaries are the secret values planted in testdata/sensitive.json.
var canaries = []string{
	"CANARY-not-a-real-secret-123",
	"CANARY-output-not-a-real-secret-456",
	"CANARY-ssm-not-a-real-secret-789",
	"CANARY-old-not-a-real-secret-321",
	"CANARY-tag-not-a-real-secret-000",
	"CANARY-list-not-a-real-secret-654",
	"CANARY-default-not-a-real-secret-987",
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "empty plan file"},
		{"blank", " \n\t", "empty plan file"},
		{"not json", "Terraform will perform the following actions", "not a Terraform plan JSON"},
		{"syntax error names line", "{\n\"format_version\": \"1.2\",\n oops}", "line 3"},
		{"array", `[1,2]`, "top level is an array"},
		{"trailing", `{"format_version":"1.2"} {}`, "trailing data"},
		{"no format version", `{"terraform_version":"1.11.0"}`, "no format_version"},
		{"format 0.x", `{"format_version":"0.2"}`, `unsupported plan format_version "0.2"`},
		{"format 2.x", `{"format_version":"2.0"}`, `unsupported plan format_version "2.0"`},
		{"format garbage", `{"format_version":"1.x"}`, "invalid Terraform plan"},
		{"resource_changes not list", `{"format_version":"1.2","resource_changes":{}}`, "invalid Terraform plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.data), "testdata/x.json")
			if err == nil {
				t.Fatalf("Parse succeeded (%d changes), want error containing %q", len(p.Addresses), tt.want)
			}
			if !strings.Contains(err.Error(), "testdata/x.json") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q: want the file name and %q", err, tt.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.json"))
	if err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Fatalf("err = %v, want one naming nope.json", err)
	}
}

func TestLoadHashesBytesAsRead(t *testing.T) {
	p, err := Load("testdata/actions.json")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile("testdata/actions.json")
	sum := sha256.Sum256(data)
	if p.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("SHA256 = %q", p.SHA256)
	}
	q, err := Parse(append(append([]byte{}, data...), ' '), "x")
	if err != nil {
		t.Fatal(err)
	}
	if q.SHA256 == p.SHA256 {
		t.Fatal("different bytes, same hash")
	}
}

func TestActionsAndSummary(t *testing.T) {
	p, err := Load("testdata/actions.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"aws_s3_bucket.new":                "create",
		"aws_s3_bucket.logs":               "update",
		"aws_s3_bucket.old":                "delete",
		"aws_db_instance.main":             "replace",
		"aws_lb.web":                       "replace",
		"aws_vpc.main":                     "no-op",
		"data.aws_caller_identity.current": "read",
		"aws_ecr_repository.gone":          "forget",
	}
	got := map[string]string{}
	for _, v := range inputOf(t, p)["resource_changes"].([]any) {
		rc := v.(map[string]any)
		got[rc["address"].(string)] = rc["action"].(string)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("actions\n got %v\nwant %v", got, want)
	}
	wantSum := result.PlanSummary{Add: 3, Change: 1, Destroy: 3, Replace: 2,
		Destroys: []string{"aws_s3_bucket.old", "aws_db_instance.main", "aws_lb.web"}}
	if !reflect.DeepEqual(p.Summary, wantSum) {
		t.Fatalf("summary\n got %+v\nwant %+v", p.Summary, wantSum)
	}
}

func TestResourcesByTypeShareObjects(t *testing.T) {
	p, err := Load("testdata/actions.json")
	if err != nil {
		t.Fatal(err)
	}
	in := inputOf(t, p)
	byType := in["resources_by_type"].(map[string]any)
	buckets := byType["aws_s3_bucket"].([]any)
	if len(buckets) != 3 {
		t.Fatalf("aws_s3_bucket: %d changes, want 3", len(buckets))
	}
	if len(byType["aws_caller_identity"].([]any)) != 1 {
		t.Fatal("data sources missing from resources_by_type")
	}
	if !reflect.DeepEqual(buckets[0], in["resource_changes"].([]any)[0]) {
		t.Fatal("resources_by_type differs from resource_changes")
	}
	// The same value as in resource_changes (with its action), not a copy.
	v := p.Input.JSON()
	rc0, err := v.Extract("/resource_changes/0")
	if err != nil {
		t.Fatal(err)
	}
	b0, err := v.Extract("/resources_by_type/aws_s3_bucket/0")
	if err != nil {
		t.Fatal(err)
	}
	if rc0 != b0 {
		t.Fatal("resources_by_type holds copies, not the resource_changes values")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"create"}, "create"},
		{[]string{"delete", "create"}, "replace"},
		{[]string{"create", "delete"}, "replace"},
		{[]string{"no-op"}, "no-op"},
		{nil, "unknown"},
		{[]string{"delete", "delete"}, "unknown"},
		{[]string{"explode"}, "unknown"},
	}
	for _, tt := range tests {
		if got := Classify(tt.in); got != tt.want {
			t.Errorf("Classify(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSetGate(t *testing.T) {
	p, err := Load("testdata/actions.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := inputOf(t, p)["tfgate"]; !ok {
		t.Fatal("no default tfgate key")
	}
	p.SetGate("production", []string{"aws_s3_bucket.old"})
	want := map[string]any{"environment": "production", "allow_destroy": []any{"aws_s3_bucket.old"}}
	if got := inputOf(t, p)["tfgate"]; !reflect.DeepEqual(got, want) {
		t.Fatalf("tfgate = %v", got)
	}
}

func TestInputIsOPAValue(t *testing.T) {
	p, err := Load("testdata/sensitive.json")
	if err != nil {
		t.Fatal(err)
	}
	p.SetGate("dev", []string{"a.b"})
	in, err := p.PolicyInput()
	if err != nil {
		t.Fatal(err)
	}
	v := in.JSON().AST()
	// Integers stay integers (json.Number), not 20.0.
	ref := ast.MustParseRef(`x.resource_changes[0].change.after.allocated_storage`)
	got, err := v.Find(ref[1:])
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != "20" {
		t.Fatalf("allocated_storage = %s", got)
	}
}

func TestSensitiveValuesReplaced(t *testing.T) {
	raw, err := os.ReadFile("testdata/sensitive.json")
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Clone(raw)
	p, err := Parse(data, "testdata/sensitive.json")
	if err != nil {
		t.Fatal(err)
	}
	pin := inputOf(t, p)
	in, err := json.Marshal(pin)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range canaries {
		if bytes.Contains(in, []byte(c)) {
			t.Errorf("policy input contains canary %s", c)
		}
	}
	rc := pin["resource_changes"].([]any)
	after := rc[0].(map[string]any)["change"].(map[string]any)["after"].(map[string]any)
	tests := []struct {
		name      string
		got, want any
	}{
		{"password", after["password"], Sensitive},
		{"nested tag", after["tags"].(map[string]any)["Secret"], Sensitive},
		{"non-sensitive tag kept", after["tags"].(map[string]any)["Name"], "app"},
		{"non-sensitive kept", after["multi_az"], true},
		{"ssm before", rc[1].(map[string]any)["change"].(map[string]any)["before"].(map[string]any)["value"], Sensitive},
		{"list element", rc[2].(map[string]any)["change"].(map[string]any)["after"].(map[string]any)["list"].([]any)[1], Sensitive},
		{"list element kept", rc[2].(map[string]any)["change"].(map[string]any)["after"].(map[string]any)["list"].([]any)[0], "public"},
		{"variable", pin["variables"].(map[string]any)["db_password"].(map[string]any)["value"], Sensitive},
		{"plain variable kept", pin["variables"].(map[string]any)["environment"].(map[string]any)["value"], "production"},
		{"output", pin["output_changes"].(map[string]any)["api_token"].(map[string]any)["after"], Sensitive},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// The JSON-encoded container definitions still name the variable, so a
	// rule can flag a plaintext secret without seeing it.
	cd := rc[2].(map[string]any)["change"].(map[string]any)["after"].(map[string]any)["container_definitions"].(string)
	if !strings.Contains(cd, "DB_PASSWORD") || !json.Valid([]byte(cd)) {
		t.Errorf("container_definitions mangled: %s", cd)
	}
	// Redaction works on the decoded input, never on the bytes read.
	if !bytes.Equal(data, raw) {
		t.Error("Parse modified the plan bytes it was given")
	}
	if p.Redactor.Len() < len(canaries) {
		t.Errorf("redactor knows %d values, want >= %d", p.Redactor.Len(), len(canaries))
	}
	for _, c := range canaries {
		if got := p.Redactor.Redact("error: value " + c + " rejected"); strings.Contains(got, c) {
			t.Errorf("Redact kept %s: %s", c, got)
		}
	}
}

func TestSensitiveInDriftDeferredAndState(t *testing.T) {
	const c = "CANARY-drift-not-a-real-secret-111"
	ch := `{"actions":["update"],"before":{"p":"` + c + `"},"after":{"p":"` + c + `"},"after_unknown":{},"before_sensitive":{"p":true},"after_sensitive":{"p":true}}`
	doc := `{"format_version":"1.2",
	 "resource_drift":[{"address":"a.b","mode":"managed","type":"a","name":"b","change":` + ch + `}],
	 "deferred_changes":[{"reason":"provider_config_unknown","resource_change":{"address":"a.c","mode":"managed","type":"a","name":"c","change":` + ch + `}}],
	 "prior_state":{"format_version":"1.0","values":{"outputs":{"o":{"sensitive":true,"value":"` + c + `"}},
	   "root_module":{"resources":[{"address":"a.b","mode":"managed","type":"a","name":"b","values":{"p":"` + c + `","q":"kept"},"sensitive_values":{"p":true}}]}}}}`
	p, err := Parse([]byte(doc), "drift.json")
	if err != nil {
		t.Fatal(err)
	}
	in, _ := json.Marshal(inputOf(t, p))
	if bytes.Contains(in, []byte(c)) {
		t.Fatalf("policy input contains the canary: %s", in)
	}
	if !bytes.Contains(in, []byte(`"q":"kept"`)) {
		t.Fatal("non-sensitive state value lost")
	}
}

func TestOperations(t *testing.T) {
	data, err := os.ReadFile("testdata/actions.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(data, "actions.json")
	if err != nil {
		t.Fatal(err)
	}
	// create, update, delete: 1 each; two replaces: 2 each; no-op, read,
	// forget: none.
	if got := p.Operations(); got != 7 {
		t.Errorf("Operations = %d, want 7 (a replace counts twice)", got)
	}
}

// The member-by-member reader is only a faster way to the same values: on
// every plan it accepts, the policy input (pruned or not) equals the
// whole-document pipeline's and the structure the whole-document decode's;
// what it does not accept goes to the whole-document decode.
func TestStreamEqualsReference(t *testing.T) {
	docs := map[string][]byte{
		"empty changes":     []byte(`{"format_version":"1.2","resource_changes":[]}`),
		"no changes key":    []byte(`{"format_version":"1.2","variables":{"n":{"value":12345678901234567890}}}`),
		"duplicate changes": []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["create"]}}],"resource_changes":[{"address":"c.d","type":"c","index":3,"change":{"actions":["delete"]}}]}`),
		"numbers":           []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["create"],"after":{"n":1.50,"big":12345678901234567890}}}]}`),
		"other case":        []byte(`{"format_version":"1.2","Resource_Changes":[{"address":"a.b"}],"Terraform_Version":"1.9.0"}`),
		"change key case":   []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","Name":"x","name":"y","change":{"actions":["create"]}}]}`),
		"actions key case":  []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["create"],"Actions":["delete"]}}]}`),
		"secret elsewhere":  []byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["create"],"after":{"doc":"{\"pw\":\"CANARY-plan-not-a-real-secret\"}"}}}],"variables":{"pw":{"value":"CANARY-plan-not-a-real-secret"}},"configuration":{"root_module":{"variables":{"pw":{"sensitive":true}}}}}`),
	}
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("../gate/testdata/*.json")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	for name, data := range docs {
		for _, prune := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/prune=%v", name, prune), func(t *testing.T) {
				r := newReader(name, prune)
				if !r.stream(bytes.NewReader(data)) {
					t.Fatal("stream refused a well-formed plan")
				}
				p, err := ParseWith(data, name, Options{Prune: prune})
				if err != nil {
					t.Fatal(err)
				}
				sameAsReference(t, p, data, prune)
			})
		}
	}
	for _, bad := range []string{`[]`, `{"resource_changes":{}}`, `{"resource_changes":[1,]}`, `{"a":1} x`, `{"resource_changes":null}`, `{"a":`} {
		if newReader("bad", false).stream(strings.NewReader(bad)) {
			t.Errorf("stream accepted %s", bad)
		}
	}
}
