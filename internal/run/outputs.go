package run

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Outputs reads the environment's Terraform outputs.
func (e *Env) Outputs(ctx context.Context) (map[string]tfg.Output, error) {
	if !e.layout.Initialised() {
		return nil, fmt.Errorf("environment %s is not initialised: run `tfgate up --env %s%s` or `tfgate init` first", e, e.layout.Env, e.LocalFlag())
	}
	return e.runner.Output(ctx)
}

// WriteOutputs prints Terraform outputs, sensitive ones masked: NAME = VALUE
// lines, or one JSON object.
func WriteOutputs(w io.Writer, outs map[string]tfg.Output, asJSON bool) error {
	if asJSON {
		m := map[string]any{}
		for k, o := range outs {
			if o.Sensitive {
				m[k] = map[string]any{"sensitive": true, "value": "(sensitive)"}
				continue
			}
			m[k] = map[string]any{"sensitive": false, "value": json.RawMessage(o.Value)}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}
	names := make([]string, 0, len(outs))
	for k := range outs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(w, "%s = %s\n", k, outputValue(outs[k]))
	}
	return nil
}

func outputValue(o tfg.Output) string {
	if o.Sensitive {
		return "(sensitive)"
	}
	var s string
	if json.Unmarshal(o.Value, &s) == nil {
		return s
	}
	// Lists and maps: re-indent from column 0 (terraform output -json
	// indents them as nested in its own document).
	var compact, out bytes.Buffer
	if json.Compact(&compact, o.Value) == nil && json.Indent(&out, compact.Bytes(), "", "  ") == nil {
		return out.String()
	}
	return string(o.Value)
}

// Smoke checks what `up` promises after an apply: outputs exist, and the
// load balancer's DNS name (if the stack outputs one) is not empty.
func Smoke(outs map[string]tfg.Output) error {
	if len(outs) == 0 {
		return errors.New("smoke: the stack has no outputs after apply")
	}
	checked := false
	for name, o := range outs {
		n := strings.ToLower(name)
		if !strings.Contains(n, "dns") || !(strings.Contains(n, "load_balancer") || strings.Contains(n, "alb") || strings.Contains(n, "lb")) {
			continue
		}
		checked = true
		if o.Sensitive {
			continue
		}
		var v string
		if json.Unmarshal(o.Value, &v) != nil || strings.TrimSpace(v) == "" {
			return fmt.Errorf("smoke: output %s (the load balancer DNS name) is empty", name)
		}
	}
	if !checked {
		return errors.New("smoke: no load balancer DNS output (e.g. load_balancer_dns) to check")
	}
	return nil
}
