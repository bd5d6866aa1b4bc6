package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/saprism/tfgate/internal/input"
	"github.com/saprism/tfgate/internal/result"
)

// reader turns a plan document into a Plan member by member: each
// resource change is decoded into Go values, validated, redacted,
// classified, converted into the policy input's value and dropped, so a
// plan never exists whole as Go maps (they were four times the size of
// the value). The checks keep the order they had when the whole document
// was decoded first: the first fault of each kind is recorded and the
// kinds are reported in finish in a fixed order.
type reader struct {
	name string
	b    *input.Builder
	col  *collector
	sum  result.PlanSummary

	fv        any // format_version
	rcNotList bool
	verr      error // the first invalid resource change
	valid     *validator
	n         int // resource changes read

	addresses  []string
	operations int

	// The typed structure: the members rawPlan has, as JSON, decoded into
	// it at the end. exact: the document was decoded whole (what the
	// stream refuses), and so is the structure.
	rest  bytes.Buffer
	exact bool

	// Read last: configuration declares which root variables are
	// sensitive, so variables' values are redacted only then.
	variables, configuration any
	hasVars, hasConfig       bool
}

func newReader(name string, prune bool) *reader {
	r := &reader{name: name, b: input.NewBuilder(prune), col: &collector{seen: map[string]bool{}}, valid: newValidator()}
	r.rest.WriteByte('{')
	return r
}

// stream reads src member by member, to its end; false: it is not an
// object of the shape it expects (a syntax error, resource_changes not a
// list, trailing data, nothing at all), and the whole-document path
// decides.
func (r *reader) stream(src io.Reader) bool {
	dec := json.NewDecoder(src)
	dec.UseNumber()
	ok := members(dec, func(k string) bool {
		if k == "resource_changes" {
			r.startChanges()
			return elements(dec, func() bool {
				var v any
				if err := dec.Decode(&v); err != nil {
					return false
				}
				return r.change(v) == nil
			})
		}
		if structural(k) {
			// rawPlan reads it too: keep its JSON for the typed decode.
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return false
			}
			r.structure(k, raw)
			v, err := decodeAny(raw)
			return err == nil && r.member(k, v) == nil
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return false
		}
		return r.member(k, v) == nil
	})
	if !ok {
		return false
	}
	// Nothing but white space after the top-level value.
	if _, err := dec.Token(); err != io.EOF {
		return false
	}
	return true
}

// whole reads a document decoded whole (the path for what stream refuses).
func (r *reader) whole(obj map[string]any) error {
	r.exact = true
	for k, v := range obj {
		if k != "resource_changes" {
			if err := r.member(k, v); err != nil {
				return err
			}
			continue
		}
		rcs, ok := v.([]any)
		if !ok {
			r.rcNotList = true
			continue
		}
		r.startChanges()
		for _, e := range rcs {
			if err := r.change(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// structural: a member rawPlan decodes (encoding/json matches keys
// case-insensitively).
func structural(k string) bool {
	for _, f := range []string{"format_version", "terraform_version", "variables", "complete", "configuration"} {
		if strings.EqualFold(k, f) {
			return true
		}
	}
	return false
}

func (r *reader) structure(k string, raw json.RawMessage) {
	key, _ := json.Marshal(k)
	if r.rest.Len() > 1 {
		r.rest.WriteByte(',')
	}
	r.rest.Write(key)
	r.rest.WriteByte(':')
	r.rest.Write(raw)
}

func decodeAny(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func (r *reader) startChanges() {
	r.b.StartChanges()
	r.valid = newValidator()
	r.verr, r.n = nil, 0
	r.addresses, r.operations = []string{}, 0
	r.sum = result.PlanSummary{}
}

// change takes resource change number r.n. After the first invalid one
// the rest are only read: the plan is refused.
func (r *reader) change(v any) error {
	i := r.n
	r.n++
	if r.verr != nil {
		return nil
	}
	if err := r.valid.check(i, v); err != nil {
		r.verr = err
		return nil
	}
	rc := v.(map[string]any) // checked
	r.addresses = append(r.addresses, rc["address"].(string))
	r.col.resourceChange(rc)
	typ, ok := rc["type"].(string)
	rc["action"] = r.classify(rc)
	return r.b.Change(rc, typ, ok)
}

// classify returns a change's action and counts it in the summary.
func (r *reader) classify(rc map[string]any) string {
	var actions []string
	if ch, ok := rc["change"].(map[string]any); ok {
		as, _ := ch["actions"].([]any)
		for _, a := range as {
			if s, ok := a.(string); ok {
				actions = append(actions, s)
			}
		}
	}
	act := Classify(actions)
	for _, a := range actions {
		switch a {
		case ActionCreate, ActionUpdate, ActionDelete:
			r.operations++
		}
	}
	if mode, _ := rc["mode"].(string); mode == "data" {
		return act
	}
	s := &r.sum
	addr, _ := rc["address"].(string)
	switch act {
	case ActionCreate:
		s.Add++
	case ActionUpdate:
		s.Change++
	case ActionDelete:
		s.Destroy++
		s.Destroys = append(s.Destroys, addr)
	case ActionReplace:
		// Counted like Terraform's "N to add, M to destroy" line.
		s.Replace++
		s.Add++
		s.Destroy++
		s.Destroys = append(s.Destroys, addr)
	}
	return act
}

// member takes a top-level member other than resource_changes, its
// sensitive values redacted first.
func (r *reader) member(k string, v any) error {
	switch k {
	case "format_version":
		r.fv = v
	case "variables":
		r.variables, r.hasVars = v, true
		return nil
	case "configuration":
		r.configuration, r.hasConfig = v, true
		return nil
	default:
		r.col.member(k, v)
	}
	return r.b.Member(k, v)
}

// finish checks what was read, in the order the checks always had, and
// builds the Plan; sum is the document's SHA-256, whole its bytes for the
// typed structure's exact decode.
func (r *reader) finish(sum string, whole func() ([]byte, error)) (*Plan, error) {
	name := r.name
	fv, _ := r.fv.(string)
	if fv == "" {
		return nil, fmt.Errorf("%s: not a Terraform plan JSON: no format_version", name)
	}
	if major, _, _ := strings.Cut(fv, "."); major != "1" {
		return nil, fmt.Errorf("%s: unsupported plan format_version %q (tfgate reads 1.x)", name, fv)
	}
	if r.rcNotList {
		return nil, fmt.Errorf("%s: invalid Terraform plan: resource_changes is not a list", name)
	}
	if r.verr != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, r.verr)
	}
	raw, err := r.structureOf(whole)
	if err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}
	if err := raw.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}

	// Sensitive root variables are declared in configuration.
	r.col.variables(r.variables, r.configuration)
	for _, m := range []struct {
		key     string
		v       any
		present bool
	}{{"configuration", r.configuration, r.hasConfig}, {"variables", r.variables, r.hasVars}} {
		if m.present {
			if err := r.b.Member(m.key, m.v); err != nil {
				return nil, fmt.Errorf("%s: policy input: %w", name, err)
			}
		}
	}

	p := &Plan{Name: name, Raw: raw, SHA256: sum, Summary: r.sum, Addresses: r.addresses, operations: r.operations}
	p.Redactor = NewRedactor(r.col.out)
	if len(r.col.out) > 0 {
		if err := r.b.Scrub(p.Redactor.redactValues); err != nil {
			return nil, fmt.Errorf("%s: policy input: %w", name, err)
		}
	}
	p.Input = r.b.Value()
	p.SetGate("", nil)
	return p, nil
}

// structureOf is the typed structure (Plan.Raw).
func (r *reader) structureOf(whole func() ([]byte, error)) (*tfjson.Plan, error) {
	exact := func() (*tfjson.Plan, error) {
		data, err := whole()
		if err != nil {
			return nil, err
		}
		return decodeStructure(data)
	}
	if r.exact {
		return exact()
	}
	r.rest.WriteByte('}')
	rp := &rawPlan{}
	dec := json.NewDecoder(&r.rest)
	dec.UseNumber()
	if err := dec.Decode(rp); err != nil {
		// The whole-document decode, for its error message.
		return exact()
	}
	return rp.typed(), nil
}
