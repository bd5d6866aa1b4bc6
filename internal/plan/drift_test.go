package plan

import (
	"os"
	"strings"
	"testing"
)

func TestDrift(t *testing.T) {
	data, err := os.ReadFile("testdata/drift_refresh_only.json")
	if err != nil {
		t.Fatal(err)
	}
	d, refreshed, err := Drift(data, "drift.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range d.Resources {
		line := r.Action + " " + r.Address
		for _, a := range r.Attributes {
			line += " | " + a.Path + ": " + a.Before + " -> " + a.After
		}
		got = append(got, line)
	}
	want := []string{
		`changed aws_db_instance.main | deletion_protection: true -> false | password: (sensitive) -> (sensitive)`,
		`deleted aws_s3_bucket.gone`,
		`changed module.net.aws_security_group.this["db"] | ingress: [] -> [{"cidr_blocks":["0.0.0.0/0"],"from_port":22,"protocol":"tcp","to_port":22}]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("drift:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(strings.Join(got, ""), "hunter2") {
		t.Error("a sensitive value is in the drift report")
	}

	// The refreshed state is a plan the gate can read: every live managed
	// resource (module ones too), drifted ones as updates, with the
	// sensitive marks that make its redactor scrub the password.
	p, err := Parse(refreshed, "refreshed")
	if err != nil {
		t.Fatalf("refreshed state is not a plan: %v", err)
	}
	acts := map[string]string{}
	for _, rc := range inputOf(t, p)["resource_changes"].([]any) {
		m := rc.(map[string]any)
		acts[m["address"].(string)] = m["action"].(string)
	}
	wantActs := map[string]string{
		"aws_db_instance.main":                     "update",
		"aws_s3_bucket.kept":                       "no-op",
		`module.net.aws_security_group.this["db"]`: "update",
	}
	for a, act := range wantActs {
		if acts[a] != act {
			t.Errorf("%s: action %q, want %q (all: %v)", a, acts[a], act, acts)
		}
	}
	if len(acts) != len(wantActs) {
		t.Errorf("resource changes %v, want %v", acts, wantActs)
	}
	if got := p.Redactor.Redact("pw hunter2-new"); strings.Contains(got, "hunter2-new") {
		t.Errorf("the refreshed plan's redactor does not know the sensitive value: %q", got)
	}
}

func TestDriftRejectsNonPlans(t *testing.T) {
	if _, _, err := Drift([]byte(`{"values":{}}`), "state.json"); err == nil || !strings.Contains(err.Error(), "state.json") {
		t.Errorf("a state document was accepted as a refresh-only plan: %v", err)
	}
}

// TestDriftIgnoresVolatile: a database whose only difference is the
// continuously moving latest_restorable_time has not drifted.
func TestDriftIgnoresVolatile(t *testing.T) {
	doc := `{"format_version":"1.2","resource_drift":[{"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","name":"main",
	  "change":{"actions":["update"],"before":{"id":"x","latest_restorable_time":"2026-12-01T16:19:34Z"},"after":{"id":"x","latest_restorable_time":"2026-12-01T16:20:45Z"}}},
	  {"address":"aws_db_instance.other","mode":"managed","type":"aws_db_instance","name":"other",
	  "change":{"actions":["update"],"before":{"deletion_protection":true,"latest_restorable_time":"a"},"after":{"deletion_protection":false,"latest_restorable_time":"b"}}}],
	  "prior_state":{"format_version":"1.0","values":{"root_module":{}}}}`
	d, _, err := Drift([]byte(doc), "d.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Resources) != 1 || d.Resources[0].Address != "aws_db_instance.other" || len(d.Resources[0].Attributes) != 1 || d.Resources[0].Attributes[0].Path != "deletion_protection" {
		t.Errorf("drift %+v, want only aws_db_instance.other deletion_protection", d.Resources)
	}
}
