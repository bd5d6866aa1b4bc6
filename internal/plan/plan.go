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
	// Raw is the typed plan. It is NOT redacted: use it for structure
	// (configuration, addresses), never render its values.
	Raw *tfjson.Plan
	// JSON holds the bytes as read; SHA256 is their hex digest.
	JSON   []byte
	SHA256 string
	// Input is the policy input (see package doc and docs/DESIGN.md).
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
	raw := &tfjson.Plan{}
	raw.UseJSONNumber(true)
	if err := json.Unmarshal(data, raw); err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}
	if err := raw.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid Terraform plan: %w", name, err)
	}
	if _, ok := obj["resource_changes"]; ok {
		if _, ok := obj["resource_changes"].([]any); !ok {
			return nil, fmt.Errorf("%s: invalid Terraform plan: resource_changes is not a list", name)
		}
	}

	sum := sha256.Sum256(data)
	p := &Plan{Name: name, Raw: raw, JSON: data, SHA256: hex.EncodeToString(sum[:])}
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

// decodeObject decodes a JSON object with json.Number for numbers (OPA's
// ast.InterfaceToValue takes json.Number as is, keeping integer precision).
func decodeObject(data []byte) (map[string]any, error) {
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
