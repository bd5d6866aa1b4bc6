package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/saprism/tfgate/internal/result"
)

var (
	sarifSchemaOnce sync.Once
	sarifSchemaVal  *jsonschema.Schema
	sarifSchemaErr  error
)

// officialSARIFSchema compiles the OASIS SARIF 2.1.0 schema (draft-04) with
// format assertions on, so "uri" and "uri-reference" values are checked too.
func officialSARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	sarifSchemaOnce.Do(func() {
		f, err := os.Open("testdata/sarif-schema-2.1.0.json")
		if err != nil {
			sarifSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
		if sarifSchemaErr = c.AddResource(url, doc); sarifSchemaErr != nil {
			return
		}
		sarifSchemaVal, sarifSchemaErr = c.Compile(url)
	})
	if sarifSchemaErr != nil {
		t.Fatalf("SARIF schema: %v", sarifSchemaErr)
	}
	return sarifSchemaVal
}

func validateSARIF(t *testing.T, out []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if err := officialSARIFSchema(t).Validate(doc); err != nil {
		t.Fatalf("SARIF does not validate against the 2.1.0 schema: %v", err)
	}
}

// The schema must reject a broken log, or validating against it proves
// nothing.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	for name, doc := range map[string]string{
		"no runs":          `{"version":"2.1.0"}`,
		"bad version":      `{"version":"2.0.0","runs":[]}`,
		"bad level":        `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"fatal"}]}]}`,
		"line zero":        `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.tf"},"region":{"startLine":0}}}]}]}]}`,
		"unknown field":    `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","bogus":1}}}]}`,
		"relative helpUri": `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"A","helpUri":"not a uri"}]}}}]}`,
	} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(doc)))
		if err != nil {
			t.Fatal(err)
		}
		if officialSARIFSchema(t).Validate(v) == nil {
			t.Errorf("%s: schema accepted an invalid log", name)
		}
	}
}

func TestSARIFValidatesGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/golden/*")
	n := 0
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "result.json")); err != nil {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			validateSARIF(t, render(t, "sarif", Options{FallbackFile: "terraform/main.tf"}, loadCase(t, dir)))
		})
	}
	if n == 0 {
		t.Fatal("no golden cases")
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID      string `json:"id"`
					HelpURI string `json:"helpUri"`
					Help    struct {
						Text string `json:"text"`
					} `json:"help"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			RelatedLocations []json.RawMessage `json:"relatedLocations"`
			Suppressions     []json.RawMessage `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFResults(t *testing.T) {
	r := &result.Result{
		Environment: "production",
		Findings: []result.Finding{
			{RuleID: "RDS-002", Address: "aws_db_instance.main", Enforcement: result.Deny, Severity: result.High,
				Message: "not multi-AZ", File: "terraform/main.tf", Line: 42, VarFile: "terraform/env/production.tfvars", VarLine: 7},
			{RuleID: "S3-001", Address: "aws_s3_bucket.b", Enforcement: result.Warning, Message: "w", File: "terraform/storage.tf", Line: 3},
			{RuleID: "TAG-001", Address: "aws_sns_topic.t", Enforcement: result.Advisory, Message: "a"},
			{RuleID: "S3-001", Address: "aws_s3_bucket.c", Enforcement: result.Deny, Message: "x", Waived: true, Exception: "E1", File: "terraform/storage.tf", Line: 9},
		},
		Rules: []result.Rule{{ID: "RDS-002", Title: "Multi-AZ", Remediation: "set multi_az", Docs: []string{"https://example.com/rds"}}},
	}
	for _, c := range []struct {
		name     string
		fallback string
	}{{"no fallback", ""}, {"fallback", "terraform/main.tf"}} {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, "sarif", Options{FallbackFile: c.fallback}, r)
			validateSARIF(t, out)
			var doc sarifDoc
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			run := doc.Runs[0]
			rules := run.Tool.Driver.Rules
			// Rules come from metadata plus any rule only named by a finding.
			if len(rules) != 3 || rules[0].ID != "RDS-002" || rules[1].ID != "S3-001" || rules[2].ID != "TAG-001" {
				t.Fatalf("rules: %+v", rules)
			}
			if rules[0].HelpURI != "https://example.com/rds" || !bytes.Contains([]byte(rules[0].Help.Text), []byte("set multi_az")) {
				t.Errorf("rule help: %+v", rules[0])
			}
			want := []struct {
				rule, level, uri string
				line, related    int
				suppressed       bool
			}{
				{"RDS-002", "error", "terraform/main.tf", 42, 1, false},
				{"S3-001", "warning", "terraform/storage.tf", 3, 0, false},
				{"TAG-001", "note", c.fallback, 1, 0, false},
				{"S3-001", "error", "terraform/storage.tf", 9, 0, true},
			}
			if len(run.Results) != len(want) {
				t.Fatalf("%d results, want %d", len(run.Results), len(want))
			}
			for i, w := range want {
				res := run.Results[i]
				if res.RuleID != w.rule || res.Level != w.level || rules[res.RuleIndex].ID != w.rule {
					t.Errorf("result %d: %s %s index %d", i, res.RuleID, res.Level, res.RuleIndex)
				}
				pl := res.Locations[0].PhysicalLocation
				switch {
				case w.uri == "" && pl != nil:
					t.Errorf("result %d: physical location without a file", i)
				case w.uri != "" && (pl == nil || pl.ArtifactLocation.URI != w.uri || pl.Region.StartLine != w.line || pl.ArtifactLocation.URIBaseID != "%SRCROOT%"):
					t.Errorf("result %d: location %+v, want %s:%d", i, pl, w.uri, w.line)
				}
				if len(res.RelatedLocations) != w.related || (len(res.Suppressions) > 0) != w.suppressed {
					t.Errorf("result %d: related %d suppressions %d", i, len(res.RelatedLocations), len(res.Suppressions))
				}
			}
		})
	}
}

func TestURIPath(t *testing.T) {
	for in, want := range map[string]string{
		"terraform/main.tf":       "terraform/main.tf",
		"dir with space/cdn#1.tf": "dir%20with%20space/cdn%231.tf",
		"a%b?.tf":                 "a%25b%3F.tf",
		"módulo/main.tf":          "m%C3%B3dulo/main.tf",
	} {
		if got := uriPath(in); got != want {
			t.Errorf("uriPath(%q) = %q, want %q", in, got, want)
		}
	}
}
