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
	"io"
	"os"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/saprism/tfgate/internal/input"
	"github.com/saprism/tfgate/internal/result"
)

// Plan is one loaded plan JSON document.
type Plan struct {
	// Name is the file name (or label) used in error messages.
	Name string
	// Raw is the typed plan's structure: format and Terraform versions,
	// root variables and configuration. Resource changes and the state
	// sections are left out: the policy input carries them (and typed
	// copies of 10k changes were a fifth of a check's memory).
	// It is NOT redacted: use it for structure, never render its values.
	Raw *tfjson.Plan
	// Addresses are the resource changes' addresses, in plan order (source
	// discovery reads them when a plan has no configuration section).
	Addresses []string
	// SHA256 is the hex digest of the bytes as read. The bytes themselves
	// are not kept: on a large plan they would stay alive through the
	// evaluation for nothing.
	SHA256 string
	// Input is the policy input (see package doc and docs/DESIGN.md)
	// without its "tfgate" section, which is Gate. gate.Evaluate sets it
	// to nil after the evaluation when the gate read the plan itself.
	Input *input.Value
	// Gate is the policy input's "tfgate" section (SetGate, SetContext).
	Gate    map[string]any
	Summary result.PlanSummary
	// Redactor scrubs this plan's sensitive values and secret-looking
	// strings from any text.
	Redactor *Redactor

	operations int
}

// Options of ParseWith.
type Options struct {
	// Prune leaves input.Unread out of the policy input: only when no
	// policy reads it (policy.Prunes).
	Prune bool
}

// Load reads and parses the plan JSON file at path.
func Load(path string) (*Plan, error) { return LoadWith(path, Options{}) }

// LoadWith is Load with options. The file is read as a stream: its bytes
// are never all in memory (9 MB of a 10k-resource plan), but when it is
// not a well-formed plan and the whole-document decode must say why.
func LoadWith(path string, o Options) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	defer f.Close()
	return read(f, path, o, func() ([]byte, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read plan: %w", err)
		}
		return data, nil
	})
}

// Parse parses plan JSON; name labels the document in errors. Anything that
// is not a Terraform plan with format_version 1.x is an error, so the gate
// fails closed instead of passing an empty or foreign document.
func Parse(data []byte, name string) (*Plan, error) { return ParseWith(data, name, Options{}) }

// ParseWith is Parse with options.
func ParseWith(data []byte, name string, o Options) (*Plan, error) {
	return read(bytes.NewReader(data), name, o, func() ([]byte, error) { return data, nil })
}

// read reads a plan from src; whole returns the document's bytes for the
// paths that need them all (errors, odd shapes: see reader).
func read(src io.Reader, name string, o Options, whole func() ([]byte, error)) (*Plan, error) {
	h := sha256.New()
	r := newReader(name, o.Prune)
	if r.stream(io.TeeReader(src, h)) {
		return r.finish(hex.EncodeToString(h.Sum(nil)), whole)
	}
	data, err := whole()
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty plan file", name)
	}
	// Not an object of the expected shape: the whole-document decode says
	// why, with the line, or reads the odd shape (resource_changes that is
	// not a list, say) for the checks to refuse.
	obj, err := decodeObjectWhole(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Terraform plan JSON: %w", name, err)
	}
	r = newReader(name, o.Prune)
	if err := r.whole(obj); err != nil {
		return nil, fmt.Errorf("%s: policy input: %w", name, err)
	}
	sum := sha256.Sum256(data)
	return r.finish(hex.EncodeToString(sum[:]), whole)
}

// SetGate records the gate's context in the policy input under "tfgate".
func (p *Plan) SetGate(env string, allowDestroy []string) {
	ad := make([]any, 0, len(allowDestroy))
	for _, a := range allowDestroy {
		ad = append(ad, a)
	}
	p.Gate = map[string]any{"environment": env, "allow_destroy": ad}
}

// PolicyInput is the whole policy input: Input with Gate as "tfgate".
func (p *Plan) PolicyInput() (*input.Value, error) {
	return p.Input.With(map[string]any{"tfgate": p.Gate})
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
	g := p.Gate
	if g == nil {
		g = map[string]any{}
		p.Gate = g
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
// drift's variables). Named like tfjson's own decode type so a wrong field
// type reads the same ("Go struct field rawPlan.terraform_version").
type rawPlan struct {
	FormatVersion    string                          `json:"format_version,omitempty"`
	TerraformVersion string                          `json:"terraform_version,omitempty"`
	Variables        map[string]*tfjson.PlanVariable `json:"variables,omitempty"`
	Complete         *bool                           `json:"complete,omitempty"`
	Config           *tfjson.Config                  `json:"configuration,omitempty"`
}

// typed is the tfjson.Plan of rp.
func (rp *rawPlan) typed() *tfjson.Plan {
	return &tfjson.Plan{
		FormatVersion:    rp.FormatVersion,
		TerraformVersion: rp.TerraformVersion,
		Variables:        rp.Variables,
		Complete:         rp.Complete,
		Config:           rp.Config,
	}
}

// decodeStructure decodes the plan's structure (see Plan.Raw) from the
// whole document: the path for documents the stream refuses, and for the
// error message when the structure does not decode.
func decodeStructure(data []byte) (*tfjson.Plan, error) {
	rp := &rawPlan{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(rp); err != nil {
		return nil, err
	}
	return rp.typed(), nil
}

// decodeObjectWhole decodes a JSON object with json.Number for numbers
// (integers keep their precision in the policy input), as one value.
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
func (p *Plan) Operations() int { return p.operations }

// json.Decoder holds the whole value it decodes in its buffer, grown by
// doubling: decoding a 9 MB plan as one value allocates ~32 MB of buffers
// and copies them. reader.stream decodes the top level member by member
// and resource_changes element by element, so the buffer holds one
// resource change at a time; the values are the same. Anything it does not
// expect (a syntax error, a top level that is not an object,
// resource_changes that is not a list, trailing data) returns false and the
// whole-document decode runs instead, for its error message.

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
