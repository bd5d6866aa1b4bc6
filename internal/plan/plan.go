// Package plan reads a Terraform plan JSON document and turns it into the
// policy input: the raw plan object (so the same Rego runs under opa and
// conftest) with sensitive values replaced, each change classified, and
// changes grouped by resource type so rules do not each scan the whole plan.
// It also owns redaction: every value the plan marks sensitive is collected
// so that no message, report or log line can print it.
package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/saprism/tfgate/internal/result"
)

// Plan is one loaded plan JSON document.
type Plan struct {
	// Name is the file name (or label) used in error messages.
	Name string
	// Raw is the typed plan's structure: format and Terraform versions,
	// root variables, configuration, and each resource change's address
	// fields and actions. Change values (before/after/...) and the state
	// sections are left out: the policy input carries them, and decoding
	// them a second time into Go types cost as much as the first decode.
	// It is NOT redacted: use it for structure, never render its values.
	Raw *tfjson.Plan
	// SHA256 is the hex digest of the bytes as read. The bytes themselves
	// are not kept: on a large plan they would stay alive through the
	// evaluation for nothing (9 MB of a 10k-resource plan, twice that in
	// peak memory at Go's default GC pacing).
	SHA256 string
	// Input is the policy input (see package doc and docs/DESIGN.md).
	// gate.Evaluate sets it to nil once the policy engine has converted it,
	// when the gate decoded the plan itself (Outcome.Plan then has none).
	Input   map[string]any
	Summary result.PlanSummary
	// Redactor scrubs this plan's sensitive values and secret-looking
	// strings from any text.
	Redactor *Redactor
}

// Load reads and parses the plan JSON file at path.
func Load(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return Parse(data, path)
}

// Parse parses plan JSON; name labels the document in errors. Anything that
// is not a Terraform plan with format_version 1.x is an error, so the gate
// fails closed instead of passing an empty or foreign document.
func Parse(data []byte, name string) (*Plan, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty plan file", name)
	}
	// The structure decode skips every change value, so it is short next to
	// the full decode: it runs alongside on another core. Its error counts
	// only after the checks below, as when it ran after them.
	type structure struct {
		raw *tfjson.Plan
		err error
	}
	structured := make(chan structure, 1)
	go func() {
		raw, err := decodeStructure(data)
		structured <- structure{raw, err}
	}()
	obj, err := decodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Terraform plan JSON: %w", name, err)
	}
	fv, _ := obj["format_version"].(string)
	if fv == "" {
		return nil, fmt.Errorf("%s: not a Terraform plan JSON: no format_version", name)
	}
	if major, _, _ := strings.Cut(fv, "."); major != "1" {
		return nil, fmt.Errorf("%s: unsupported plan format_version %q (tfgate reads 1.x)", name, fv)
	}
	if _, ok := obj["resource_changes"]; ok {
		if _, ok := obj["resource_changes"].([]any); !ok {
			return nil, fmt.Errorf("%s: invalid Terraform plan: resource_changes is not a list", name)
		}
	}
	if err := validateChanges(obj); err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}
	st := <-structured
	raw, err := st.raw, st.err
	if err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}
	if err := raw.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}

	sum := sha256.Sum256(data)
	p := &Plan{Name: name, Raw: raw, SHA256: hex.EncodeToString(sum[:])}
	secrets := redactSensitive(obj)
	p.Redactor = NewRedactor(secrets)
	if len(secrets) > 0 {
		// A sensitive value can also appear unmarked elsewhere (a literal in
		// configuration expressions, inside a JSON-encoded attribute):
		// scrub every string of the input once.
		scrubStrings(obj, p.Redactor.redactValues)
	}
	p.Summary = normalise(obj)
	p.Input = obj
	p.SetGate("", nil)
	return p, nil
}

// SetGate records the gate's context in the policy input under "tfgate".
func (p *Plan) SetGate(env string, allowDestroy []string) {
	ad := make([]any, 0, len(allowDestroy))
	for _, a := range allowDestroy {
		ad = append(ad, a)
	}
	p.Input["tfgate"] = map[string]any{"environment": env, "allow_destroy": ad}
}

// Context is what the policies read besides the plan, from the project:
// the tags every taggable resource must carry (tfgate.yaml required_tags;
// none means the tag rule does not run), and from the configuration source
// what the plan JSON lacks: local values as references per module, and the
// objects inside jsonencode(...) policy arguments (nil where unknown).
type Context struct {
	RequiredTags []string
	Locals       map[string]map[string][]string
	Documents    map[string]map[string]map[string]any
}

// SetContext records c in the policy input under "tfgate".
func (p *Plan) SetContext(c Context) {
	g, _ := p.Input["tfgate"].(map[string]any)
	if g == nil {
		g = map[string]any{}
		p.Input["tfgate"] = g
	}
	tags := make([]any, 0, len(c.RequiredTags))
	for _, t := range c.RequiredTags {
		tags = append(tags, t)
	}
	g["required_tags"] = tags
	lm := map[string]any{}
	for mod, names := range c.Locals {
		m := map[string]any{}
		for name, refs := range names {
			l := make([]any, 0, len(refs))
			for _, r := range refs {
				l = append(l, r)
			}
			m[name] = l
		}
		lm[mod] = m
	}
	g["locals"] = lm
	dm := map[string]any{}
	for mod, rs := range c.Documents {
		m := map[string]any{}
		for addr, attrs := range rs {
			a := map[string]any{}
			for k, v := range attrs {
				a[k] = v
			}
			m[addr] = a
		}
		dm[mod] = m
	}
	g["documents"] = dm
}

// rawPlan is the part of tfjson.Plan that Go code reads (source mapping,
// apply progress). Named like tfjson's own decode type so a wrong field type
// reads the same ("Go struct field rawPlan.terraform_version").
type rawPlan struct {
	FormatVersion    string                          `json:"format_version,omitempty"`
	TerraformVersion string                          `json:"terraform_version,omitempty"`
	Variables        map[string]*tfjson.PlanVariable `json:"variables,omitempty"`
	ResourceChanges  []*rawChange                    `json:"resource_changes,omitempty"`
	Complete         *bool                           `json:"complete,omitempty"`
	Config           *tfjson.Config                  `json:"configuration,omitempty"`
}

type rawChange struct {
	Address         string              `json:"address,omitempty"`
	PreviousAddress string              `json:"previous_address,omitempty"`
	ModuleAddress   string              `json:"module_address,omitempty"`
	Mode            tfjson.ResourceMode `json:"mode,omitempty"`
	Type            string              `json:"type,omitempty"`
	Name            string              `json:"name,omitempty"`
	Index           any                 `json:"index,omitempty"`
	ProviderName    string              `json:"provider_name,omitempty"`
	DeposedKey      string              `json:"deposed,omitempty"`
	Change          *struct {
		Actions tfjson.Actions `json:"actions,omitempty"`
	} `json:"change,omitempty"`
	ActionReason tfjson.ActionReason `json:"action_reason,omitempty"`
}

// decodeStructure decodes the plan's structure (see Plan.Raw); the
// decoder skips everything else without allocating it.
func decodeStructure(data []byte) (*tfjson.Plan, error) {
	rp, ok := streamStructure(data)
	if !ok {
		// The whole-document decode, for its error message.
		rp = &rawPlan{}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(rp); err != nil {
			return nil, err
		}
	}
	p := &tfjson.Plan{
		FormatVersion:    rp.FormatVersion,
		TerraformVersion: rp.TerraformVersion,
		Variables:        rp.Variables,
		Complete:         rp.Complete,
		Config:           rp.Config,
	}
	if rp.ResourceChanges != nil {
		p.ResourceChanges = make([]*tfjson.ResourceChange, len(rp.ResourceChanges))
	}
	for i, rc := range rp.ResourceChanges {
		if rc == nil {
			continue
		}
		out := &tfjson.ResourceChange{
			Address: rc.Address, PreviousAddress: rc.PreviousAddress, ModuleAddress: rc.ModuleAddress,
			Mode: rc.Mode, Type: rc.Type, Name: rc.Name, Index: rc.Index, ProviderName: rc.ProviderName,
			DeposedKey: rc.DeposedKey, ActionReason: rc.ActionReason,
		}
		if rc.Change != nil {
			out.Change = &tfjson.Change{Actions: rc.Change.Actions}
		}
		p.ResourceChanges[i] = out
	}
	return p, nil
}

// decodeObject decodes a JSON object with json.Number for numbers (OPA's
// ast.InterfaceToValue takes json.Number as is, keeping integer precision).
func decodeObject(data []byte) (map[string]any, error) {
	if obj, ok := streamObject(data); ok {
		return obj, nil
	}
	// Not a well-formed object: the whole-document decode says why, with
	// the line, as it always has.
	return decodeObjectWhole(data)
}

func decodeObjectWhole(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, withLine(data, err)
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		return nil, errors.New("trailing data after the JSON document")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("top level is %s, not an object", kind(v))
	}
	return obj, nil
}

func withLine(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := min(int(se.Offset), len(data))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		return fmt.Errorf("line %d: %w", line, err)
	}
	return err
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// Operations counts the resource operations the plan will perform (a
// replace is two), for apply progress: a saved-plan apply does not announce
// its total.
func (p *Plan) Operations() int {
	n := 0
	for _, rc := range p.Raw.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		for _, a := range rc.Change.Actions {
			switch a {
			case tfjson.ActionCreate, tfjson.ActionUpdate, tfjson.ActionDelete:
				n++
			}
		}
	}
	return n
}

// json.Decoder holds the whole value it decodes in its buffer, grown by
// doubling: decoding a 9 MB plan as one value allocates ~32 MB of buffers
// and copies them (the largest single item in a CPU profile of a cold
// `tfgate check` of a 10k-resource plan with one trivial rule), and it
// happens twice: the policy input and the structure. streamObject and
// streamStructure decode the top level member by member and
// resource_changes element by element, so the buffer holds one resource
// change at a time; the values are the same. Anything they do
// not expect (a syntax error, a top level that is not an object,
// resource_changes that is not a list, trailing data) returns ok=false and
// the whole-document decode runs instead, for its error message.

// streamObject is decodeObject's fast path.
func streamObject(data []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	obj := map[string]any{}
	ok := members(dec, func(k string) bool {
		if k == "resource_changes" {
			var rcs []any
			if !elements(dec, func() bool {
				var v any
				if err := dec.Decode(&v); err != nil {
					return false
				}
				rcs = append(rcs, v)
				return true
			}) {
				return false
			}
			if rcs == nil {
				rcs = []any{}
			}
			obj[k] = rcs
			return true
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return false
		}
		obj[k] = v
		return true
	})
	return obj, ok && end(dec, data)
}

// streamStructure is decodeStructure's fast path: resource_changes element
// by element, every other member (configuration, variables, ...) collected
// and decoded as one object into rawPlan, as before.
func streamStructure(data []byte) (*rawPlan, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var rest bytes.Buffer
	rest.WriteByte('{')
	var rcs []*rawChange
	seen := false
	ok := members(dec, func(k string) bool {
		// encoding/json matches struct fields case-insensitively.
		if strings.EqualFold(k, "resource_changes") {
			seen = true
			rcs = rcs[:0:0]
			return elements(dec, func() bool {
				var rc *rawChange
				if err := dec.Decode(&rc); err != nil {
					return false
				}
				rcs = append(rcs, rc)
				return true
			})
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return false
		}
		key, _ := json.Marshal(k)
		if rest.Len() > 1 {
			rest.WriteByte(',')
		}
		rest.Write(key)
		rest.WriteByte(':')
		rest.Write(raw)
		return true
	})
	if !ok || !end(dec, data) {
		return nil, false
	}
	rest.WriteByte('}')
	rp := &rawPlan{}
	rd := json.NewDecoder(&rest)
	rd.UseNumber()
	if err := rd.Decode(rp); err != nil {
		return nil, false
	}
	if seen {
		rp.ResourceChanges = rcs
		if rp.ResourceChanges == nil {
			rp.ResourceChanges = []*rawChange{}
		}
	}
	return rp, true
}

// members reads an object's opening brace, calls member with each key (the
// decoder positioned at its value) and reads the closing brace.
func members(dec *json.Decoder, member func(key string) bool) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		k, ok := t.(string)
		if !ok || !member(k) {
			return false
		}
	}
	t, err := dec.Token()
	return err == nil && t == json.Delim('}')
}

// elements reads an array's brackets, calling element for each element.
func elements(dec *json.Decoder, element func() bool) bool {
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return false
	}
	for dec.More() {
		if !element() {
			return false
		}
	}
	t, err := dec.Token()
	return err == nil && t == json.Delim(']')
}

// end: nothing but white space after the top-level value.
func end(dec *json.Decoder, data []byte) bool {
	return len(bytes.TrimSpace(data[dec.InputOffset():])) == 0
}
