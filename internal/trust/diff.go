package trust

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/exceptions"
	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
)

// side is one policy set: the trusted commit's or the working tree's.
type side struct {
	cfg  *config.Config
	root string   // what file paths are shown relative to
	dirs []string // policy dirs, absolute
}

// engine compiles the side's policy set. It is compared, never evaluated:
// OPA's evaluator keeps the compiled set that RuleDigests reads (the VM
// would compile it again).
func (s side) engine(ctx context.Context) (*policy.Engine, error) {
	return policy.New(ctx, policy.Options{ExtraDirs: s.dirs, Overrides: s.cfg.Enforcement, Evaluator: "topdown"})
}

// Compare lists how the working tree's policy side (work, the configuration
// of the checkout being judged) differs from the snapshot's. An error means
// the trusted side itself does not load: the gate cannot judge.
func (s *Snapshot) Compare(ctx context.Context, work *config.Config) (*result.PolicyChanges, error) {
	trusted := s.Apply(work)
	ts := side{cfg: trusted, root: s.Dir, dirs: trusted.PolicyDirPaths()}
	ws := side{cfg: work, root: work.Root, dirs: work.PolicyDirPaths()}
	if lib := filepath.Join(work.Root, LibraryDir); policy.HasLibrary(lib) && !contains(ws.dirs, lib) {
		ws.dirs = append([]string{lib}, ws.dirs...)
	}
	out := &result.PolicyChanges{TrustedRef: s.Ref, TrustedCommit: s.Commit, Changes: []result.PolicyChange{}}
	add := func(kind, subject, detail string) {
		out.Changes = append(out.Changes, result.PolicyChange{Kind: kind, Subject: subject, Detail: detail})
	}

	te, err := ts.engine(ctx)
	if err != nil {
		return nil, fmt.Errorf("trusted policy at %s: %w", s.Ref, err)
	}
	if we, err := ws.engine(ctx); err != nil {
		add(result.PolicySetBroken, "policies", oneLine(err.Error()))
	} else {
		compareRules(te, we, add)
	}

	texc, err := trusted.LoadExceptions()
	if err != nil {
		return nil, fmt.Errorf("trusted exceptions: %w", err)
	}
	if wexc, err := work.LoadExceptions(); err != nil {
		add(result.PolicySetBroken, "exceptions", oneLine(err.Error()))
	} else {
		compareExceptions(texc, wexc, add)
	}

	tf, err := ts.files()
	if err != nil {
		return nil, err
	}
	wf, err := ws.files()
	if err != nil {
		add(result.PolicySetBroken, "policy files", oneLine(err.Error()))
	} else {
		compareFiles(tf, wf, add)
	}
	return out, nil
}

func compareRules(te, we *policy.Engine, add func(kind, subject, detail string)) {
	trules, wrules := index(te.Rules()), index(we.Rules())
	tdig, err := te.RuleDigests()
	if err != nil {
		add(result.PolicySetBroken, "trusted policies", oneLine(err.Error()))
		return
	}
	wdig, err := we.RuleDigests()
	if err != nil {
		add(result.PolicySetBroken, "policies", oneLine(err.Error()))
		return
	}
	for _, id := range slices.Sorted(maps.Keys(wrules)) {
		if _, ok := trules[id]; !ok {
			add(result.RuleAdded, id, wrules[id].Title)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(trules)) {
		w, ok := wrules[id]
		if !ok {
			add(result.RuleRemoved, id, trules[id].Title)
			continue
		}
		if tdig[id] != wdig[id] {
			add(result.RuleChanged, id, "Rego or metadata differs from the trusted version")
		}
		t := trules[id]
		envs := map[string]bool{}
		for e := range t.Enforcement {
			envs[e] = true
		}
		for e := range w.Enforcement {
			envs[e] = true
		}
		for _, e := range slices.Sorted(maps.Keys(envs)) {
			if t.Enforcement[e] != w.Enforcement[e] {
				add(result.EnforcementChanged, id+" "+e, fmt.Sprintf("%s → %s", orNone(string(t.Enforcement[e])), orNone(string(w.Enforcement[e]))))
			}
		}
	}
}

func compareExceptions(texc, wexc []exceptions.Exception, add func(kind, subject, detail string)) {
	key := func(e exceptions.Exception) string {
		if e.ID != "" {
			return e.ID
		}
		return e.RuleID + " " + e.Address
	}
	tm := map[string]exceptions.Exception{}
	for _, e := range texc {
		tm[key(e)] = e
	}
	wm := map[string]exceptions.Exception{}
	for _, e := range wexc {
		wm[key(e)] = e
	}
	desc := func(e exceptions.Exception) string {
		return fmt.Sprintf("%s on %s until %s, owner %s: %s", e.RuleID, e.Address, e.Expires, orNone(e.Owner), oneLine(e.Reason))
	}
	for _, k := range slices.Sorted(maps.Keys(wm)) {
		w := wm[k]
		t, ok := tm[k]
		switch {
		case !ok:
			add(result.ExceptionAdded, k, desc(w))
		case t.RuleID != w.RuleID || t.Address != w.Address || t.Expires != w.Expires || t.Owner != w.Owner || t.Reason != w.Reason:
			add(result.ExceptionChanged, k, desc(w))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(tm)) {
		if _, ok := wm[k]; !ok {
			add(result.ExceptionRemoved, k, desc(tm[k]))
		}
	}
}

// files maps each policy file (Rego, and the exceptions file) of a side, by
// path relative to its root, to its contents.
func (s side) files() (map[string][]byte, error) {
	out := map[string][]byte{}
	addFile := func(p string) error {
		rel, err := filepath.Rel(s.root, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = p
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = b
		return nil
	}
	for _, d := range s.dirs {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() || !strings.HasSuffix(p, ".rego") {
				return nil
			}
			return addFile(p)
		})
		if err != nil {
			return nil, err
		}
	}
	if p := s.cfg.ExceptionsPath(); p != "" {
		if err := addFile(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func compareFiles(tf, wf map[string][]byte, add func(kind, subject, detail string)) {
	for _, p := range slices.Sorted(maps.Keys(wf)) {
		t, ok := tf[p]
		switch {
		case !ok:
			add(result.PolicyFileChanged, p, "added")
		case !bytes.Equal(t, wf[p]):
			add(result.PolicyFileChanged, p, "modified")
		}
	}
	for _, p := range slices.Sorted(maps.Keys(tf)) {
		if _, ok := wf[p]; !ok {
			add(result.PolicyFileChanged, p, "removed")
		}
	}
}

func index(rules []result.Rule) map[string]result.Rule {
	m := make(map[string]result.Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if filepath.Clean(v) == filepath.Clean(s) {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
