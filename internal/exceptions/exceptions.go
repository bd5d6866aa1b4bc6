// Package exceptions is tfgate's waivers: the Exception a project writes in
// tfgate.yaml or its exceptions file (with the file and line it came from),
// their validation, and applying them to findings. It needs no OPA: a
// waiver matches a finding by rule id and address glob.
package exceptions

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/saprism/tfgate/internal/result"
)

// Exception waives one rule for resources matching an address glob until
// Expires (YYYY-MM-DD, required).
type Exception struct {
	ID      string `yaml:"id"`
	RuleID  string `yaml:"rule_id"`
	Address string `yaml:"address"`
	Reason  string `yaml:"reason"`
	Owner   string `yaml:"owner"`
	Expires string `yaml:"expires"`
	// Line in the file it came from, for error messages.
	Line int    `yaml:"-"`
	File string `yaml:"-"`
}

// ExpiringWithin is how close to its expiry an exception starts to warn.
const ExpiringWithin = 14 * 24 * time.Hour

// Validate checks that every exception has a rule id, an address
// glob, a reason, an owner and a valid expiry date (YYYY-MM-DD). Errors name
// the file and line of the exception.
func Validate(ex []Exception) error {
	var errs []string
	ids := map[string]string{}
	for _, e := range ex {
		if e.ID != "" {
			if prev, dup := ids[e.ID]; dup {
				errs = append(errs, fmt.Sprintf("%s: exception: id %q already used at %s", where(e), e.ID, prev))
			}
			ids[e.ID] = where(e)
		}
		var missing []string
		for _, f := range []struct{ name, v string }{
			{"rule_id", e.RuleID}, {"address", e.Address}, {"reason", e.Reason},
			{"owner", e.Owner}, {"expires", e.Expires},
		} {
			if strings.TrimSpace(f.v) == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			errs = append(errs, fmt.Sprintf("%s: exception: missing %s", where(e), strings.Join(missing, ", ")))
			continue
		}
		if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
			errs = append(errs, fmt.Sprintf("%s: exception: expires %q is not a date (YYYY-MM-DD)", where(e), e.Expires))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

func where(e Exception) string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	case e.File != "":
		return e.File
	case e.Line > 0:
		return fmt.Sprintf("line %d", e.Line)
	}
	return "exceptions"
}

// exceptionID is the configured id, or rule@address.
func exceptionID(e Exception) string {
	if e.ID != "" {
		return e.ID
	}
	return e.RuleID + "@" + e.Address
}

// Apply waives the findings covered by an exception that has not
// expired (it applies through its expiry day, UTC) and reports every
// exception with its status: active, expiring (within 14 days), expired
// (waives nothing) or unused (matched no finding). Findings are returned in
// the same order, with Waived/Exception set; the input is not modified.
func Apply(findings []result.Finding, ex []Exception, now time.Time) ([]result.Finding, []result.Exception, error) {
	if err := Validate(ex); err != nil {
		return nil, nil, err
	}
	out := append([]result.Finding(nil), findings...)
	reports := make([]result.Exception, 0, len(ex))
	for _, e := range ex {
		day, _ := time.Parse(time.DateOnly, e.Expires) // validated above
		end := day.Add(24 * time.Hour)                 // valid through its expiry day
		r := result.Exception{
			ID: exceptionID(e), RuleID: e.RuleID, Address: e.Address,
			Reason: e.Reason, Owner: e.Owner, Expires: e.Expires,
		}
		if !now.Before(end) {
			r.Status = result.ExceptionExpired
			reports = append(reports, r)
			continue
		}
		for i := range out {
			f := &out[i]
			if f.RuleID != e.RuleID || !globMatch(e.Address, f.Address) {
				continue
			}
			r.UsedBy = appendUnique(r.UsedBy, f.Address)
			if !f.Waived {
				f.Waived = true
				f.Exception = r.ID
			}
		}
		switch {
		case len(r.UsedBy) == 0:
			r.Status = result.ExceptionUnused
		case end.Sub(now) <= ExpiringWithin:
			r.Status = result.ExceptionExpiring
		default:
			r.Status = result.ExceptionActive
		}
		reports = append(reports, r)
	}
	return out, reports, nil
}

func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}

// globMatch matches a resource address against a glob where * is any run
// of characters (dots and brackets included) and ? is one character.
// Everything else is literal, so addresses like module.a["x"] need no
// escaping.
func globMatch(pattern, s string) bool {
	// Iterative wildcard matching with backtracking to the last *.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
