package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/saprism/tfgate/internal/report/schema"
	"github.com/saprism/tfgate/internal/result"
)

func resultSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.Result))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("result.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("result.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONMatchesSchema(t *testing.T) {
	s := resultSchema(t)
	dirs, _ := filepath.Glob("testdata/golden/*")
	cases := map[string]*result.Result{
		// A bare result: nil slices must still come out as [].
		"bare": {Environment: "dev", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
	}
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "result.json")); err == nil {
			cases[filepath.Base(dir)] = loadCase(t, dir)
		}
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			out := render(t, "json", Options{}, r)
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(doc); err != nil {
				t.Errorf("%v\n%s", err, out)
			}
		})
	}
	// The schema is not vacuous.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"schema_version":"1","verdict":"maybe"}`))
	if s.Validate(bad) == nil {
		t.Error("schema accepted an invalid document")
	}
}

// The JSON document decodes back into the same result (minus Rules, which
// are not part of it).
func TestJSONRoundTrip(t *testing.T) {
	in := loadCase(t, "testdata/golden/production-fail")
	out := render(t, "json", Options{}, in)
	var back result.Result
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	want := prepare(in, nopRedactor{})
	want.Rules = nil
	back.Rules = nil
	if !reflect.DeepEqual(&back, want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back, *want)
	}
	if !bytes.Contains(out, []byte(`"schema_version": "1"`)) {
		t.Error("no schema_version")
	}
}

type nopRedactor struct{}

func (nopRedactor) Redact(s string) string { return s }
