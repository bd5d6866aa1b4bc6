package plan

import "encoding/json"

// Sensitive is the placeholder that replaces every sensitive value.
const Sensitive = "(sensitive)"

// member redacts a top-level member other than resource_changes,
// variables and configuration (see variables).
func (c *collector) member(k string, v any) {
	switch k {
	case "resource_drift":
		list, _ := v.([]any)
		for _, rc := range list {
			c.resourceChange(rc)
		}
	case "deferred_changes":
		// Terraform 1.8+: each wraps a resource change.
		list, _ := v.([]any)
		for _, e := range list {
			d, _ := e.(map[string]any)
			c.resourceChange(d["resource_change"])
		}
	case "output_changes":
		if oc, ok := v.(map[string]any); ok {
			for _, e := range oc {
				if ch, ok := e.(map[string]any); ok {
					c.change(ch)
				}
			}
		}
	case "planned_values":
		if pv, ok := v.(map[string]any); ok {
			c.values(pv)
		}
	case "prior_state":
		if ps, ok := v.(map[string]any); ok {
			if vals, ok := ps["values"].(map[string]any); ok {
				c.values(vals)
			}
		}
	}
}

// resourceChange redacts a resource change (resource_changes,
// resource_drift, deferred_changes).
func (c *collector) resourceChange(v any) {
	rc, _ := v.(map[string]any)
	if ch, ok := rc["change"].(map[string]any); ok {
		c.change(ch)
	}
}

// variables redacts the defaults of sensitive variables in configuration
// and the values of the sensitive root variables: which ones are is
// declared in configuration, so both are redacted together, last.
func (c *collector) variables(variables, configuration any) {
	cfg, _ := configuration.(map[string]any)
	root, _ := cfg["root_module"].(map[string]any)
	sensitiveVars := c.configModule(root)
	vars, _ := variables.(map[string]any)
	for name, v := range vars {
		vv, ok := v.(map[string]any)
		if !ok || !sensitiveVars[name] {
			continue
		}
		if val, ok := vv["value"]; ok && val != nil {
			vv["value"] = c.take(val)
		}
	}
}

// A collector replaces, in place, every value a plan marks sensitive and
// keeps the raw values so they can be scrubbed from any text:
//   - resource changes, drift and deferred changes: before/after under before_sensitive/after_sensitive;
//   - planned_values and prior_state: resources' values under sensitive_values,
//     outputs with sensitive=true;
//   - output_changes: before/after under their sensitive masks;
//   - root variables declared sensitive (variables[*].value), and the
//     defaults of sensitive variables in configuration (root and modules).
type collector struct {
	out  []string
	seen map[string]bool
}

// take collects every leaf of v and returns the placeholder.
func (c *collector) take(v any) any {
	if v == nil {
		return nil
	}
	c.collect(v)
	return Sensitive
}

func (c *collector) collect(v any) {
	switch x := v.(type) {
	case string:
		c.add(x)
	case json.Number:
		c.add(x.String())
	case map[string]any:
		for _, e := range x {
			c.collect(e)
		}
	case []any:
		for _, e := range x {
			c.collect(e)
		}
	}
}

// minSecretLen: shorter sensitive values are still replaced in the policy
// input, but scrubbing them from free text would mangle ordinary words.
const minSecretLen = 4

func (c *collector) add(s string) {
	if len(s) < minSecretLen || s == Sensitive || c.seen[s] {
		return
	}
	c.seen[s] = true
	c.out = append(c.out, s)
}

// mask applies a Terraform sensitivity mask (true, or an object/array of
// masks mirroring the value) to v and returns the redacted value.
func (c *collector) mask(v, m any) any {
	switch mm := m.(type) {
	case bool:
		if mm {
			return c.take(v)
		}
	case map[string]any:
		if vv, ok := v.(map[string]any); ok {
			for k, sub := range mm {
				if e, ok := vv[k]; ok {
					vv[k] = c.mask(e, sub)
				}
			}
		}
	case []any:
		if vv, ok := v.([]any); ok {
			for i, sub := range mm {
				if i < len(vv) {
					vv[i] = c.mask(vv[i], sub)
				}
			}
		}
	}
	return v
}

func (c *collector) change(ch map[string]any) {
	for _, pair := range [][2]string{{"before", "before_sensitive"}, {"after", "after_sensitive"}} {
		if m, ok := ch[pair[1]]; ok {
			if v, ok := ch[pair[0]]; ok {
				ch[pair[0]] = c.mask(v, m)
			}
		}
	}
}

// values handles planned_values / prior_state.values: outputs and modules.
func (c *collector) values(vals map[string]any) {
	if outs, ok := vals["outputs"].(map[string]any); ok {
		for _, v := range outs {
			o, _ := v.(map[string]any)
			if s, _ := o["sensitive"].(bool); s {
				if val, ok := o["value"]; ok {
					o["value"] = c.take(val)
				}
			}
		}
	}
	if rm, ok := vals["root_module"].(map[string]any); ok {
		c.stateModule(rm)
	}
}

func (c *collector) stateModule(m map[string]any) {
	res, _ := m["resources"].([]any)
	for _, v := range res {
		r, _ := v.(map[string]any)
		if mask, ok := r["sensitive_values"]; ok {
			if val, ok := r["values"]; ok {
				r["values"] = c.mask(val, mask)
			}
		}
	}
	kids, _ := m["child_modules"].([]any)
	for _, v := range kids {
		if k, ok := v.(map[string]any); ok {
			c.stateModule(k)
		}
	}
}

// configModule redacts defaults of sensitive variables in a configuration
// module (and its module calls) and returns the sensitive variable names of
// this module.
func (c *collector) configModule(m map[string]any) map[string]bool {
	names := map[string]bool{}
	if m == nil {
		return names
	}
	if vars, ok := m["variables"].(map[string]any); ok {
		for name, v := range vars {
			vv, _ := v.(map[string]any)
			if s, _ := vv["sensitive"].(bool); s {
				names[name] = true
				if d, ok := vv["default"]; ok && d != nil {
					vv["default"] = c.take(d)
				}
			}
		}
	}
	if outs, ok := m["outputs"].(map[string]any); ok {
		for _, v := range outs {
			o, _ := v.(map[string]any)
			if s, _ := o["sensitive"].(bool); s {
				if ex, ok := o["expression"].(map[string]any); ok {
					if cv, ok := ex["constant_value"]; ok && cv != nil {
						ex["constant_value"] = c.take(cv)
					}
				}
			}
		}
	}
	calls, _ := m["module_calls"].(map[string]any)
	for _, v := range calls {
		call, _ := v.(map[string]any)
		if mod, ok := call["module"].(map[string]any); ok {
			c.configModule(mod)
		}
	}
	return names
}
