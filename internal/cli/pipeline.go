package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/gate"
	"github.com/saprism/tfgate/internal/plan"
	"github.com/saprism/tfgate/internal/result"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// planFlags are the flags of plan and up.
type planFlags struct {
	varFiles     []string
	vars         []string
	outputs      []string
	strict       bool
	allowDestroy []string
	policyDirs   []string
	trustedRef   string
}

func (f *planFlags) register(c interface {
	StringArrayVar(*[]string, string, []string, string)
	BoolVar(*bool, string, bool, string)
	StringVar(*string, string, string, string)
}) {
	c.StringArrayVar(&f.varFiles, "var-file", nil, "extra tfvars file, after the environment's own (repeatable)")
	c.StringArrayVar(&f.vars, "var", nil, "variable K=V, after the var files (repeatable)")
	f.registerGate(c)
}

// registerGate registers the flags shared with check.
func (f *planFlags) registerGate(c interface {
	StringArrayVar(*[]string, string, []string, string)
	BoolVar(*bool, string, bool, string)
	StringVar(*string, string, string, string)
}) {
	c.StringArrayVar(&f.outputs, "output", nil, "report FMT[=FILE]: text, json, sarif, junit, markdown (repeatable; default text to stdout)")
	c.BoolVar(&f.strict, "strict", false, "fail on warnings too")
	c.StringArrayVar(&f.allowDestroy, "allow-destroy", nil, "allow deleting or replacing this stateful resource ADDRESS (repeatable)")
	c.StringArrayVar(&f.policyDirs, "policy", nil, "extra policy directory DIR, added to the embedded policies (repeatable)")
	c.StringVar(&f.trustedRef, "trusted-ref", "", "judge by the policies, enforcement and exceptions of git commit REF (a pull request's base); the working tree's changes to them are reported as pending review")
}

func checkVars(vars []string) error {
	for _, v := range vars {
		k, _, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return failf("--var %q: want NAME=VALUE", v)
		}
	}
	return nil
}

// removeSavedPlan deletes the previous saved plan, its JSON and its decision
// record before a new plan: if planning fails, no older plan can be applied
// by mistake.
func (s *session) removeSavedPlan() {
	for _, p := range []string{s.layout.PlanPath(), s.layout.PlanJSONPath(), gate.RecordPath(s.layout.PlanPath())} {
		os.Remove(p)
	}
}

// gated is the outcome of plan → gate.
type gated struct {
	res     *result.Result
	red     redactor
	changes bool
}

// planAndGate runs init (if needed) → plan -out → show -json → gate →
// decision record → reports.
func (s *session) planAndGate(ctx context.Context, pf *planFlags, ef *envFlags, specs []outputSpec) (*gated, error) {
	a := s.a
	s.removeSavedPlan()
	pre, err := s.prepare(ctx, pf, ef)
	if err != nil {
		return nil, err
	}
	defer pre.done()
	varFiles, gcfg, pending := pre.varFiles, pre.cfg, pre.pending
	if !ef.json {
		a.infof("terraform plan (%s)...", describe(s))
	}
	prog := s.progress(ef.json, 0)
	wctx, stopWatch := s.watchEmulator(ctx)
	changes, err := s.runner.Plan(wctx, tfg.PlanOptions{Out: s.layout.PlanPath(), VarFiles: varFiles, Vars: pf.vars}, prog)
	stopWatch()
	if err != nil {
		if ctx.Err() == nil && s.emulatorDied() {
			return nil, s.emulatorDiedError("plan")
		}
		return nil, a.tfError(err)
	}
	js, _, err := s.runner.ShowPlan(ctx, s.layout.PlanPath())
	if err != nil {
		return nil, a.tfError(err)
	}
	if err := os.WriteFile(s.layout.PlanJSONPath(), js, 0o600); err != nil {
		return nil, failf("%v", err)
	}
	if !ef.json {
		a.infof("saved plan: %s", s.layout.Rel(s.layout.PlanPath()))
	}
	out, err := gate.Evaluate(ctx, gate.Options{
		Config:        gcfg,
		PolicyChanges: pending,
		Env:           s.layout.Env,
		PlanJSON:      js,
		PlanName:      s.layout.Rel(s.layout.PlanJSONPath()),
		SavedPlan:     s.layout.PlanPath(),
		VarFiles:      varFiles,
		PolicyDirs:    pf.policyDirs,
		AllowDestroy:  pf.allowDestroy,
		Strict:        pf.strict,
		ToolVersion:   Version,
	})
	if err != nil {
		return nil, failf("gate: %v (the plan is saved at %s but has no decision record, so it cannot be applied)", err, s.layout.Rel(s.layout.PlanPath()))
	}
	if err := gate.WriteRecord(s.layout.PlanPath(), out.Result); err != nil {
		return nil, failf("%v", err)
	}
	if err := a.writeReports(specs, out.Result, out.Plan.Redactor, sarifFallback(s.cfg, s.layout.Rel(s.layout.PlanJSONPath()))); err != nil {
		return nil, err
	}
	if ef.json {
		a.emit(map[string]any{"type": "tfgate_verdict", "verdict": out.Result.Verdict, "environment": s.layout.Env, "summary": out.Result.Summary, "saved_plan": s.layout.Rel(s.layout.PlanPath())})
	}
	return &gated{res: out.Result, red: out.Plan.Redactor, changes: changes}, nil
}

// prepared is what a plan needs before Terraform runs.
type prepared struct {
	varFiles []string
	cfg      *config.Config        // the config the gate judges by
	pending  *result.PolicyChanges // --trusted-ref: the working tree's policy changes
	done     func()
}

// prepare resolves the var files and the trusted policy, and initialises
// the working dir if needed.
func (s *session) prepare(ctx context.Context, pf *planFlags, ef *envFlags) (*prepared, error) {
	varFiles, err := s.layout.VarFiles(s.cfg, pf.varFiles)
	if err != nil {
		return nil, failf("%v", err)
	}
	gcfg, pending, done, err := s.a.trustedPolicy(ctx, s.cfg, pf)
	if err != nil {
		return nil, err
	}
	if err := s.ensureInit(ctx, false, ef.backendConfig); err != nil {
		done()
		return nil, err
	}
	return &prepared{varFiles: varFiles, cfg: gcfg, pending: pending, done: done}, nil
}

// emit writes one tfgate event on the --json stream.
func (a *App) emit(ev map[string]any) {
	ev["@timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
	data, _ := json.Marshal(ev)
	fmt.Fprintln(a.Stdout, string(data))
}

// plannedChanges counts the resource operations of the saved plan, for
// progress (a saved-plan apply does not announce its total). A replace is
// two operations.
func plannedChanges(planJSON string) int {
	data, err := os.ReadFile(planJSON)
	if err != nil {
		return 0
	}
	var p struct {
		ResourceChanges []struct {
			Change struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if json.Unmarshal(data, &p) != nil {
		return 0
	}
	n := 0
	for _, rc := range p.ResourceChanges {
		for _, act := range rc.Change.Actions {
			if act == "create" || act == "update" || act == "delete" {
				n++
			}
		}
	}
	return n
}

// applySaved applies the saved plan of the last `plan`, only after its
// decision record verifies.
func (s *session) applySaved(ctx context.Context, ef *envFlags) error {
	a := s.a
	planPath := s.layout.PlanPath()
	if _, err := os.Stat(planPath); err != nil {
		return failf("no saved plan for %s at %s: run `tfgate plan --env %s%s` first", describe(s), s.layout.Rel(planPath), s.layout.Env, localFlag(s))
	}
	if err := gate.VerifyRecord(planPath); err != nil {
		var re *gate.RecordError
		if errors.As(err, &re) && re.Reason == gate.ReasonFailed {
			return &exitError{code: ExitDenied, err: fmt.Errorf("apply refused: %v", err)}
		}
		return failf("apply refused: %v", err)
	}
	if !ef.json {
		a.infof("terraform apply %s (%s)...", s.layout.Rel(planPath), describe(s))
	}
	if js, err := os.ReadFile(s.layout.PlanJSONPath()); err == nil {
		if p, err := plan.Parse(js, s.layout.Rel(s.layout.PlanJSONPath())); err == nil {
			s.red = p.Redactor
			defer func() { s.red = nil }()
		}
	}
	prog := s.progress(ef.json, plannedChanges(s.layout.PlanJSONPath()))
	wctx, stopWatch := s.watchEmulator(ctx)
	err := s.runner.Apply(wctx, tfg.ApplyOptions{PlanFile: planPath}, prog)
	stopWatch()
	if err != nil {
		if ctx.Err() == nil && s.emulatorDied() {
			return s.emulatorDiedError("apply")
		}
		if strings.Contains(err.Error(), "Saved plan is stale") {
			return failf("the saved plan is stale (state changed since it was made): run `tfgate plan --env %s%s` again", s.layout.Env, localFlag(s))
		}
		if s.red != nil {
			return failf("%s", s.red.Redact(err.Error()))
		}
		return a.tfError(err)
	}
	// An applied plan is spent: Terraform would refuse it as stale anyway.
	os.Remove(planPath)
	if !ef.json {
		done, _ := prog.Counts()
		a.infof("applied %s (%s)", plural(done, "change"), describe(s))
	}
	return nil
}

func localFlag(s *session) string {
	if s.layout.Local {
		return " --local"
	}
	return ""
}

// printOutputs prints Terraform outputs, sensitive ones masked.
func (a *App) printOutputs(outs map[string]tfexec.OutputMeta, asJSON bool) error {
	if asJSON {
		m := map[string]any{}
		for k, o := range outs {
			if o.Sensitive {
				m[k] = map[string]any{"sensitive": true, "value": "(sensitive)"}
				continue
			}
			m[k] = map[string]any{"sensitive": false, "value": json.RawMessage(o.Value)}
		}
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}
	names := make([]string, 0, len(outs))
	for k := range outs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(a.Stdout, "%s = %s\n", k, outputValue(outs[k]))
	}
	return nil
}

func outputValue(o tfexec.OutputMeta) string {
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

// smoke checks what `up` promises after an apply: outputs exist, and the
// load balancer's DNS name (if the stack outputs one) is not empty.
func smoke(outs map[string]tfexec.OutputMeta) error {
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
