package plan

import (
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
		in := inputOf(t, p)
		rcs, _ := in["resource_changes"].([]any)
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
		if _, err := json.Marshal(in); err != nil {
			t.Fatalf("policy input does not encode: %v", err)
		}
		fresh, _ := decodeObjectWhole(data)
		for _, secret := range redactSensitive(fresh) {
			if len(secret) < minSecretLen || strings.Contains(Sensitive, secret) {
				continue // not redacted by design (see NewRedactor)
			}
			if path, ok := findString(in, secret); ok {
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

// FuzzStreamDecode: whatever plan the member-by-member reader accepts,
// pruned or not, its policy input equals the whole-document pipeline's
// (referenceInput) and its structure the whole-document decode's; what the
// stream refuses goes to the whole-document decode, so it never changes a
// result.
func FuzzStreamDecode(f *testing.F) {
	planSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, prune := range []bool{false, true} {
			p, err := ParseWith(data, "fuzz.json", Options{Prune: prune})
			if err != nil {
				continue
			}
			sameAsReference(t, p, data, prune)
		}
	})
}
