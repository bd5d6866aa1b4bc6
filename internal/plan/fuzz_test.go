package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// planSeeds are the plan documents of the repository's fixtures: real
// Terraform output shapes (sensitive values, replace, forget, data sources,
// modules), so the fuzzer mutates from plans and not from nothing.
func planSeeds(f *testing.F) {
	for _, glob := range []string{"testdata/*.json", "../gate/testdata/*.json", "../cli/testdata/*.json", "../report/testdata/canary/*.json"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(rcDoc(rc("a.b", `["frobnicate"]`))))
	f.Add([]byte(rcDoc(rc("a.b", `["create"]`), `null`)))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["update"],"before":{"p":"s"},"after":{"p":"s"},"after_sensitive":{"p":true},"before_sensitive":{"p":true}}}]}`))
}

var knownActions = map[string]bool{
	ActionCreate: true, ActionUpdate: true, ActionDelete: true, ActionReplace: true,
	ActionNoOp: true, ActionRead: true, ActionForget: true, "unknown": true,
}

// FuzzPlanParse: any bytes either parse or give a one-line error naming the
// document; a parsed plan has every change classified, a summary that adds
// up, no sensitive value in the policy input, and parsing is deterministic.
func FuzzPlanParse(f *testing.F) {
	planSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data, "fuzz.json")
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.json: ") || strings.Contains(msg, "\n") {
				t.Fatalf("error is not one line naming the plan: %q", msg)
			}
			return
		}
		rcs, _ := p.Input["resource_changes"].([]any)
		managed := 0
		for i, v := range rcs {
			rc := v.(map[string]any) // validated: every entry is an object
			act, _ := rc["action"].(string)
			if !knownActions[act] {
				t.Fatalf("resource_changes[%d] classified %q", i, act)
			}
			if rc["mode"] != "data" && act != ActionNoOp && act != ActionRead && act != ActionForget && act != "unknown" {
				managed++
			}
		}
		s := p.Summary
		if s.Add+s.Change+s.Destroy-s.Replace != managed {
			t.Fatalf("summary %+v does not add up to %d changes", s, managed)
		}
		if _, err := json.Marshal(p.Input); err != nil {
			t.Fatalf("policy input does not encode: %v", err)
		}
		fresh, _ := decodeObject(data)
		for _, secret := range redactSensitive(fresh) {
			if len(secret) < minSecretLen || strings.Contains(Sensitive, secret) {
				continue // not redacted by design (see NewRedactor)
			}
			if path, ok := findString(p.Input, secret); ok {
				t.Fatalf("sensitive value %q is in the policy input at %s", secret, path)
			}
		}
		q, err := Parse(data, "fuzz.json")
		if err != nil {
			t.Fatalf("second parse failed: %v", err)
		}
		if !reflect.DeepEqual(p.Summary, q.Summary) || p.SHA256 != q.SHA256 {
			t.Fatal("parsing is not deterministic")
		}
	})
}

// findString reports where a string value (not a key) of v contains sub.
func findString(v any, sub string) (string, bool) {
	switch x := v.(type) {
	case string:
		return "", strings.Contains(x, sub)
	case map[string]any:
		for k, e := range x {
			if p, ok := findString(e, sub); ok {
				return "." + k + p, true
			}
		}
	case []any:
		for i, e := range x {
			if p, ok := findString(e, sub); ok {
				return fmt.Sprintf("[%d]%s", i, p), true
			}
		}
	}
	return "", false
}

// FuzzStreamDecode: whatever the member-by-member decode accepts, the
// whole-document decode accepts too and gives the same values; what it
// refuses goes to the whole-document decode, so it never changes a result.
func FuzzStreamDecode(f *testing.F) {
	planSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if obj, ok := streamObject(data); ok {
			want, err := decodeObjectWhole(data)
			if err != nil {
				t.Fatalf("stream accepted what the whole decode refuses: %v", err)
			}
			if !reflect.DeepEqual(obj, want) {
				t.Fatal("stream decode differs from the whole decode")
			}
		}
		if rp, ok := streamStructure(data); ok {
			var want rawPlan
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			if err := dec.Decode(&want); err != nil {
				t.Fatalf("stream accepted a structure the whole decode refuses: %v", err)
			}
			if !reflect.DeepEqual(rp, &want) {
				t.Fatalf("stream structure differs:\n got %+v\nwant %+v", rp, &want)
			}
		}
	})
}
