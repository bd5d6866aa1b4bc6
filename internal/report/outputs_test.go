package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

func TestParseOutputs(t *testing.T) {
	outs, err := ParseOutputs(nil, false, true, "high")
	if err != nil || len(outs) != 1 || outs[0].Format != "text" || outs[0].File != "" || !outs[0].Verbose || outs[0].MinSeverity != result.High {
		t.Fatalf("default: %+v, %v; want text to stdout carrying the view", outs, err)
	}
	if outs, err := ParseOutputs(nil, true, false, ""); err != nil || len(outs) != 0 {
		t.Errorf("--json without --output: %+v, %v; want no report", outs, err)
	}
	if _, err := ParseOutputs([]string{"sarif"}, true, false, ""); err == nil || !strings.Contains(err.Error(), "sarif=FILE") {
		t.Errorf("--json with a report on stdout: %v; want an error asking for a file", err)
	}
	if _, err := ParseOutputs([]string{"yaml"}, false, false, ""); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := ParseOutputs(nil, false, false, "urgent"); err == nil || !strings.Contains(err.Error(), "--min-severity") {
		t.Errorf("bad --min-severity: %v", err)
	}
}

func TestWriteAll(t *testing.T) {
	file := filepath.Join(t.TempDir(), "new", "dir", "r.json")
	outs, err := ParseOutputs([]string{"text", "json=" + file}, false, false, "")
	if err != nil {
		t.Fatal(err)
	}
	r := &result.Result{SchemaVersion: result.SchemaVersion, Environment: "dev", Verdict: result.Pass}
	var stdout bytes.Buffer
	if err := WriteAll(&stdout, outs, r, Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if stdout.Len() == 0 || bytes.Contains(stdout.Bytes(), []byte("{")) {
		t.Errorf("stdout should hold the text report only: %q", stdout.String())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("json report not written (its directory is created): %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil || doc["environment"] != "dev" {
		t.Errorf("json report %s: %v", data, err)
	}
}
