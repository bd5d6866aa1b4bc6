package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/saprism/tfgate/internal/input"
)

// inputOf is p's whole policy input as Go values.
func inputOf(t testing.TB, p *Plan) map[string]any {
	t.Helper()
	v, err := p.PolicyInput()
	if err != nil {
		t.Fatal(err)
	}
	return v.Go()
}

// referenceInput is the policy input as tfgate built it before the plan
// was read as a stream: the whole document decoded into Go maps, then
// redacted, scrubbed and normalised in place. The streaming reader must
// give the same value on every plan it accepts.
func referenceInput(data []byte, prune bool) (map[string]any, error) {
	obj, err := decodeObjectWhole(data)
	if err != nil {
		return nil, err
	}
	secrets := redactSensitive(obj)
	if len(secrets) > 0 {
		input.ScrubStrings(obj, NewRedactor(secrets).redactValues)
	}
	byType := map[string]any{}
	rcs, _ := obj["resource_changes"].([]any)
	for _, v := range rcs {
		rc := v.(map[string]any)
		var actions []string
		ch, _ := rc["change"].(map[string]any)
		for _, a := range ch["actions"].([]any) {
			actions = append(actions, a.(string))
		}
		rc["action"] = Classify(actions)
		t := rc["type"].(string)
		list, _ := byType[t].([]any)
		byType[t] = append(list, rc)
	}
	obj["resources_by_type"] = byType
	obj["tfgate"] = map[string]any{"environment": "", "allow_destroy": []any{}}
	if prune {
		for k := range input.UnreadTop {
			delete(obj, k)
		}
		for _, v := range rcs {
			ch, _ := v.(map[string]any)["change"].(map[string]any)
			maps.DeleteFunc(ch, func(k string, _ any) bool { return input.UnreadChange[k] })
		}
	}
	// Through JSON: the reference shares maps, the value's Go form does not.
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	return decodeObjectWhole(b)
}

// redactSensitive is the whole-document form of the reader's redaction:
// it replaces every value the plan marks sensitive in obj and returns the
// values.
func redactSensitive(obj map[string]any) []string {
	c := &collector{seen: map[string]bool{}}
	for k, v := range obj {
		if k == "resource_changes" {
			list, _ := v.([]any)
			for _, rc := range list {
				c.resourceChange(rc)
			}
			continue
		}
		c.member(k, v)
	}
	c.variables(obj["variables"], obj["configuration"])
	return c.out
}

// sameAsReference fails t when p (parsed from data) differs from the
// reference pipeline: the policy input, and the typed structure against
// the whole-document decode.
func sameAsReference(t testing.TB, p *Plan, data []byte, prune bool) {
	t.Helper()
	want, err := referenceInput(data, prune)
	if err != nil {
		t.Fatalf("reference refuses what Parse accepted: %v", err)
	}
	got := inputOf(t, p)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("policy input differs from the reference:\n got %s\nwant %s", clip(g), clip(w))
	}
	var addrs []string
	if rcs, ok := want["resource_changes"].([]any); ok {
		addrs = []string{}
		for _, rc := range rcs {
			addrs = append(addrs, rc.(map[string]any)["address"].(string))
		}
	}
	if !reflect.DeepEqual(p.Addresses, addrs) {
		t.Fatalf("addresses %q, want %q", p.Addresses, addrs)
	}
	raw, err := decodeStructure(data)
	if err != nil {
		t.Fatalf("structure: whole decode refuses what Parse accepted: %v", err)
	}
	if !reflect.DeepEqual(p.Raw, raw) {
		t.Fatalf("structure differs from the whole-document decode:\n got %s\nwant %s", dump(p.Raw), dump(raw))
	}
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "..."
	}
	return string(b)
}

func dump(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(b.String())
}
