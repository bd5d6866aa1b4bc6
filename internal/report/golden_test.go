package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

// go test ./internal/report -run Golden -update rewrites the expected files.
var update = flag.Bool("update", false, "rewrite golden files")

// goldenFiles names the expected output of each format in a case folder.
var goldenFiles = map[string]string{
	"text":     "expected.txt",
	"json":     "expected.json",
	"sarif":    "expected.sarif",
	"junit":    "expected.junit.xml",
	"markdown": "expected.md",
}

// loadCase reads dir/result.json and, when present, dir/rules.json (rules
// are not part of the JSON result document).
func loadCase(t *testing.T, dir string) *result.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r result.Result
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%s/result.json: %v", dir, err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "rules.json")); err == nil {
		if err := json.Unmarshal(data, &r.Rules); err != nil {
			t.Fatalf("%s/rules.json: %v", dir, err)
		}
	}
	return &r
}

// checkGolden compares got with the file, or rewrites it under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update after checking the change)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func render(t *testing.T, format string, o Options, r *result.Result) []byte {
	t.Helper()
	rep, err := New(format, o)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.Report(&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "result.json")); err != nil {
			continue // folders of other golden tests (e.g. the stack's)
		}
		for _, format := range Formats {
			t.Run(filepath.Base(dir)+"/"+format, func(t *testing.T) {
				r := loadCase(t, dir)
				checkGolden(t, filepath.Join(dir, goldenFiles[format]), render(t, format, Options{}, r))
			})
		}
	}
}
