// Package result is the data model of a gate verdict. It is shared by the
// policy engine (which produces findings), the source mapper (which adds
// file:line), the gate (which decides) and the reporters (which render), so
// it depends on nothing but the standard library.
package result

import "time"

// SchemaVersion is the version of the JSON result shape. Bump it on any
// incompatible change: CI pipelines parse this document.
const SchemaVersion = "1"

// Verdict is the outcome of a gate run.
type Verdict string

const (
	Pass Verdict = "pass"
	Warn Verdict = "warn"
	Fail Verdict = "fail"
)

// Enforcement is what a finding does to the verdict in one environment.
type Enforcement string

const (
	Advisory Enforcement = "advisory" // reported, never affects the verdict
	Warning  Enforcement = "warn"     // verdict warn (fail with --strict)
	Deny     Enforcement = "deny"     // verdict fail
)

// Severity of a rule, independent of environment.
type Severity string

const (
	Low      Severity = "low"
	Medium   Severity = "medium"
	High     Severity = "high"
	Critical Severity = "critical"
)

// Finding is one rule firing on one resource.
type Finding struct {
	RuleID      string      `json:"rule_id"`
	Title       string      `json:"title,omitempty"`
	Address     string      `json:"address"`
	Type        string      `json:"resource_type,omitempty"`
	Attribute   string      `json:"attribute,omitempty"` // the attribute the rule looked at, e.g. "multi_az"
	Enforcement Enforcement `json:"enforcement"`
	Severity    Severity    `json:"severity"`
	Message     string      `json:"message"`
	Remediation string      `json:"remediation,omitempty"`
	Docs        []string    `json:"docs,omitempty"`
	// Unknown is true when the rule could not decide because a value is
	// only known after apply; such a finding is never a silent pass.
	Unknown bool `json:"unknown,omitempty"`

	// Source location, filled by internal/source; paths relative to the repo root.
	File string `json:"file"`
	Line int    `json:"line"`
	// VarFile/VarLine point at the tfvars assignment that set the offending
	// value, when it came from a variable.
	VarFile string `json:"var_file,omitempty"`
	VarLine int    `json:"var_line,omitempty"`
	// SetAt is where the offending value was chosen when that is not the
	// finding's own line and not simply VarFile: a module caller's
	// argument, a for_each/count entry, a local, a variable's default, or
	// the tfvars line a module input was fed from.
	SetAt *ValueSource `json:"set_at,omitempty"`

	// Waived is set when an active exception covers the finding; a waived
	// finding does not affect the verdict but is always reported.
	Waived    bool   `json:"waived,omitempty"`
	Exception string `json:"exception,omitempty"` // the id of the exception that waived it
}

// ValueSource is where a finding's value was chosen, and the module inputs
// it passed through on its way to the resource.
type ValueSource struct {
	File string `json:"file"` // relative to the repository root
	Line int    `json:"line"`
	// Kind of place: "argument" (a module call's argument), "tfvars",
	// "default" (a variable's default: nobody set it), "local", "entry"
	// (an element of a literal for_each map or count list), or "module"
	// (written inside an installed module: File:Line is the module call).
	Kind string `json:"kind"`
	// Via lists the module inputs the value passed through, from where it
	// was set to the resource's module, each with the argument's line.
	Via []Hop `json:"via,omitempty"`
}

// Hop is one module input on a value's way: the module instance whose
// variable the argument at File:Line sets.
type Hop struct {
	Module string `json:"module"` // e.g. module.db or module.app["a"].module.db
	File   string `json:"file"`
	Line   int    `json:"line"`
}

// ViaModules is the hops' module addresses, in the value's order.
func (v *ValueSource) ViaModules() []string {
	if v == nil {
		return nil
	}
	out := make([]string, len(v.Via))
	for i, h := range v.Via {
		out[i] = h.Module
	}
	return out
}

// ExceptionStatus of a configured exception after a run.
type ExceptionStatus string

const (
	ExceptionActive   ExceptionStatus = "active"
	ExceptionExpiring ExceptionStatus = "expiring" // active, expires within 14 days
	ExceptionExpired  ExceptionStatus = "expired"  // no longer applies
	ExceptionUnused   ExceptionStatus = "unused"   // active but matched nothing
)

// Exception as reported: the configured waiver and what it did in this run.
type Exception struct {
	ID      string          `json:"id"`
	RuleID  string          `json:"rule_id"`
	Address string          `json:"address"` // glob
	Reason  string          `json:"reason"`
	Owner   string          `json:"owner"`
	Expires string          `json:"expires"` // YYYY-MM-DD
	Status  ExceptionStatus `json:"status"`
	UsedBy  []string        `json:"used_by,omitempty"` // addresses it waived
}

// PlanSummary counts the plan's changes; Destroys lists deleted or replaced
// addresses, which reports show first.
type PlanSummary struct {
	Add      int      `json:"add"`
	Change   int      `json:"change"`
	Destroy  int      `json:"destroy"`
	Replace  int      `json:"replace"`
	Destroys []string `json:"destroys,omitempty"`
}

// Summary counts findings by effect.
type Summary struct {
	Total    int `json:"total"`
	Deny     int `json:"deny"`
	Warn     int `json:"warn"`
	Advisory int `json:"advisory"`
	Unknown  int `json:"unknown"`
	Waived   int `json:"waived"`
}

// Rule is the metadata of one policy rule, for reports (SARIF rules,
// `policy list`).
type Rule struct {
	ID          string                 `json:"id"`
	Title       string                 `json:"title"`
	Description string                 `json:"description,omitempty"`
	Severity    Severity               `json:"severity"`
	Enforcement map[string]Enforcement `json:"enforcement"` // env -> enforcement
	Remediation string                 `json:"remediation,omitempty"`
	Docs        []string               `json:"docs,omitempty"`
	Package     string                 `json:"package,omitempty"`
	Controls    []string               `json:"controls,omitempty"` // benchmark controls (FSBP, CIS, checkov)
}

// Result is the whole verdict document (`--output json`).
type Result struct {
	SchemaVersion string      `json:"schema_version"`
	Verdict       Verdict     `json:"verdict"`
	Environment   string      `json:"environment"`
	Strict        bool        `json:"strict,omitempty"`
	Findings      []Finding   `json:"findings"`
	Exceptions    []Exception `json:"exceptions"`
	Summary       Summary     `json:"summary"`
	Plan          PlanSummary `json:"plan"`
	PlanSHA256    string      `json:"plan_sha256,omitempty"`
	PolicyHash    string      `json:"policy_hash,omitempty"`
	ToolVersion   string      `json:"tfgate_version,omitempty"`
	Time          time.Time   `json:"time"`
	// PolicyChanges lists how the working tree's policies, enforcement and
	// exceptions differ from the trusted ones the verdict used (--trusted-ref).
	PolicyChanges *PolicyChanges `json:"policy_changes_pending_review,omitempty"`
	// Drift is set by `tfgate drift`: what changed outside Terraform.
	Drift *Drift `json:"drift,omitempty"`
	// Rules evaluated in this run (not serialised in the JSON result; SARIF
	// and `policy list` use it).
	Rules []Rule `json:"-"`
}

// Decide computes Summary and Verdict from Findings. Waived findings count
// only as waived; unknown findings count by their enforcement like any other.
func (r *Result) Decide() {
	var s Summary
	for _, f := range r.Findings {
		s.Total++
		if f.Unknown {
			s.Unknown++
		}
		if f.Waived {
			s.Waived++
			continue
		}
		switch f.Enforcement {
		case Deny:
			s.Deny++
		case Warning:
			s.Warn++
		default:
			s.Advisory++
		}
	}
	r.Summary = s
	switch {
	case s.Deny > 0, r.Strict && s.Warn > 0:
		r.Verdict = Fail
	case s.Warn > 0:
		r.Verdict = Warn
	default:
		r.Verdict = Pass
	}
}

// PolicyChanges are the policy-side changes of a pull request, judged by the
// trusted commit's policies and listed for review: they take effect only
// after merge.
type PolicyChanges struct {
	TrustedRef    string         `json:"trusted_ref"`
	TrustedCommit string         `json:"trusted_commit"`
	Changes       []PolicyChange `json:"changes"`
}

// PolicyChange kinds.
const (
	RuleAdded          = "rule added"
	RuleRemoved        = "rule removed"
	RuleChanged        = "rule changed"
	EnforcementChanged = "enforcement changed"
	ExceptionAdded     = "exception added"
	ExceptionRemoved   = "exception removed"
	ExceptionChanged   = "exception changed"
	PolicyFileChanged  = "policy file changed"
	PolicySetBroken    = "policy set does not load"
)

// PolicyChange is one difference: Kind (above), Subject (a rule id, an
// exception id, a file) and a one-line Detail.
type PolicyChange struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Detail  string `json:"detail,omitempty"`
}

// Drift is what a refresh-only plan found changed outside Terraform. Any
// drifted resource makes `tfgate drift` exit 1.
type Drift struct {
	Resources []DriftedResource `json:"resources"`
}

// DriftedResource is one managed resource whose live object differs from
// state: "changed" (Attributes says how) or "deleted" outside Terraform.
type DriftedResource struct {
	Address    string             `json:"address"`
	Type       string             `json:"resource_type,omitempty"`
	Action     string             `json:"action"`
	Attributes []DriftedAttribute `json:"attributes,omitempty"`
	File       string             `json:"file,omitempty"`
	Line       int                `json:"line,omitempty"`
}

// DriftedAttribute is one changed value: Path like ingress[0].cidr_blocks,
// Before (in state) and After (live) as JSON, "(sensitive)" when sensitive.
type DriftedAttribute struct {
	Path   string `json:"path"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Drifted reports whether r.Drift lists any resource.
func (r *Result) Drifted() bool { return r.Drift != nil && len(r.Drift.Resources) > 0 }
