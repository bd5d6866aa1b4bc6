package harness

import (
	"strings"
	"testing"
)

const tinyPlan = `{
 "format_version": "1.2",
 "resource_changes": [
  {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
   "change": {"actions": ["create"], "before": null,
     "after": {"multi_az": true, "engine_version": "16"}, "after_unknown": {"kms_key_id": true, "multi_az": false}}},
  {"address": "aws_wafv2_web_acl_association.main", "mode": "managed", "type": "aws_wafv2_web_acl_association", "name": "main",
   "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"resource_arn": true}}}
 ],
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main", "values": {"multi_az": true}},
  {"address": "aws_wafv2_web_acl_association.main", "mode": "managed", "type": "aws_wafv2_web_acl_association", "name": "main", "values": {}}
 ]}},
 "configuration": {"root_module": {"resources": [
  {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main"},
  {"address": "aws_wafv2_web_acl_association.main", "mode": "managed", "type": "aws_wafv2_web_acl_association", "name": "main"}
 ]}}
}`

func TestSetEditsChangeAndPlannedValue(t *testing.T) {
	d := Mutable(t, []byte(tinyPlan))
	d.Known("aws_db_instance", "kms_key_id")
	d.Set(t, "aws_db_instance", "multi_az", false)
	rc := d.Changes("aws_db_instance")[0]
	if v, _ := Bool(rc, "change", "after", "multi_az"); v {
		t.Errorf("after.multi_az not set")
	}
	if _, ok := Get(rc, "change", "after_unknown", "kms_key_id"); ok {
		t.Errorf("Known did not drop kms_key_id from after_unknown")
	}
	if v, _ := Bool(d.planned("aws_db_instance")[0], "values", "multi_az"); v {
		t.Errorf("planned value not set")
	}
	// The result is still a plan terratest can parse.
	if _, err := ParsePlan("production", d.Bytes(t)); err != nil {
		t.Fatal(err)
	}
}

func TestRemoveDropsEverywhere(t *testing.T) {
	d := Mutable(t, []byte(tinyPlan))
	d.Remove(t, "aws_wafv2_web_acl_association")
	out := string(d.Bytes(t))
	if strings.Contains(out, "aws_wafv2_web_acl_association") {
		t.Errorf("association still in the plan: %s", out)
	}
	if len(d.Changes("aws_db_instance")) != 1 {
		t.Errorf("Remove dropped other resources")
	}
}

func TestReplaceAndDelete(t *testing.T) {
	d := Mutable(t, []byte(tinyPlan))
	d.Replace(t, "aws_db_instance", "engine_version", "15")
	p, err := ParsePlan("production", d.Bytes(t))
	if err != nil {
		t.Fatal(err)
	}
	rc := p.Change("aws_db_instance.main")
	if Action(rc.Change.Actions) != "replace" || len(rc.Change.ReplacePaths) != 1 {
		t.Errorf("want a replace forced by one path, got %v %v", rc.Change.Actions, rc.Change.ReplacePaths)
	}
	if before, _ := Str(rc.Change.Before, "engine_version"); before != "15" {
		t.Errorf("prior engine_version %q, want 15", before)
	}

	d = Mutable(t, []byte(tinyPlan))
	d.Delete(t, "aws_db_instance")
	p, err = ParsePlan("production", d.Bytes(t))
	if err != nil {
		t.Fatal(err)
	}
	if a := Action(p.Change("aws_db_instance.main").Change.Actions); a != "delete" {
		t.Errorf("action %s, want delete", a)
	}
}

func TestGetWalksMapsAndLists(t *testing.T) {
	v := map[string]any{"a": []any{map[string]any{"b": "x", "n": 2.0, "t": true}}}
	if s, ok := Str(v, "a", 0, "b"); !ok || s != "x" {
		t.Errorf("Str = %q %v", s, ok)
	}
	if n, ok := Num(v, "a", 0, "n"); !ok || n != 2 {
		t.Errorf("Num = %v %v", n, ok)
	}
	if b, ok := Bool(v, "a", 0, "t"); !ok || !b {
		t.Errorf("Bool = %v %v", b, ok)
	}
	for _, path := range [][]any{{"a", 1}, {"a", 0, "missing"}, {"a", "b"}, {"z"}} {
		if _, ok := Get(v, path...); ok {
			t.Errorf("Get(%v) found something", path)
		}
	}
}
