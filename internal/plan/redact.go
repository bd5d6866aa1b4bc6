package plan

import (
	"encoding/json"
	"io"
	"regexp"
	"sort"
	"strings"
)

// Redactor removes secrets from text: the exact values a plan marks
// sensitive, and values that look like credentials whatever their origin.
// The zero value and a nil *Redactor scrub secret-looking values only.
type Redactor struct {
	exact *strings.Replacer
	n     int
}

// secretPatterns are credential shapes scrubbed from every string. Each
// regexp's last group is the secret; the rest of the match is kept so the
// text stays readable ("DB_PASSWORD=(sensitive)").
var secretPatterns = []*regexp.Regexp{
	// AWS access key ids.
	regexp.MustCompile(`()\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16})\b`),
	// GitHub tokens.
	regexp.MustCompile(`()\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})`),
	// Slack tokens.
	regexp.MustCompile(`()\b(xox[abposr]-[A-Za-z0-9-]{10,})`),
	// PEM private keys, also when newlines are JSON-escaped.
	regexp.MustCompile(`()(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)`),
	// Credentials in URLs: scheme://user:PASSWORD@host.
	regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s@"']+:)([^@\s/"']+)@`),
	// name=value pairs whose name ends in a secret word (DB_PASSWORD=,
	// client_secret=, api_key=); names that merely contain one
	// (access_token_validity = 60) are left readable.
	regexp.MustCompile(`(?i)(\b[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api_?key|access_?key|secret_?key|private_?key)\s*=\s*)(\(sensitive\)|[^\s"'&,;()]+)`),
}

// NewRedactor scrubs the given exact values (and their JSON-escaped forms)
// plus secret-looking values.
func NewRedactor(secrets []string) *Redactor {
	uniq := map[string]bool{}
	for _, s := range secrets {
		if len(s) < minSecretLen || s == Sensitive {
			continue
		}
		uniq[s] = true
		// In JSON output a secret is escaped; in a JSON-encoded attribute
		// (container_definitions) it appears escaped inside a string.
		if b, err := json.Marshal(s); err == nil {
			if e := string(b[1 : len(b)-1]); e != s {
				uniq[e] = true
			}
		}
	}
	list := make([]string, 0, len(uniq))
	for s := range uniq {
		list = append(list, s)
	}
	// Longest first so a secret containing another is replaced whole.
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) > len(list[j])
		}
		return list[i] < list[j]
	})
	r := &Redactor{n: len(list)}
	if len(list) > 0 {
		pairs := make([]string, 0, 2*len(list))
		for _, s := range list {
			pairs = append(pairs, s, Sensitive)
		}
		r.exact = strings.NewReplacer(pairs...)
	}
	return r
}

// Redact returns s with every known secret and secret-looking value
// replaced by "(sensitive)".
func (r *Redactor) Redact(s string) string {
	s = r.redactValues(s)
	for _, re := range secretPatterns {
		if re.MatchString(s) {
			s = re.ReplaceAllStringFunc(s, func(m string) string {
				sub := re.FindStringSubmatch(m)
				// Group 1 starts the match and group 2 follows it.
				return sub[1] + Sensitive + m[len(sub[1])+len(sub[2]):]
			})
		}
	}
	return s
}

// redactValues replaces the exact sensitive values only; the policy input
// goes through it so rules still see secret-looking values they check for.
func (r *Redactor) redactValues(s string) string {
	if r == nil || r.exact == nil {
		return s
	}
	return r.exact.Replace(s)
}

// Len is the number of exact values the redactor knows.
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	return r.n
}

// Redact scrubs the given secrets and secret-looking values from s.
func Redact(s string, secrets []string) string {
	return NewRedactor(secrets).Redact(s)
}

// Writer returns a writer that redacts each Write before passing it on.
// Redaction is per call: write whole messages (as fmt.Fprint*, encoders and
// the reporters do), not a secret split over two calls.
func (r *Redactor) Writer(w io.Writer) io.Writer {
	return &redactWriter{r: r, w: w}
}

type redactWriter struct {
	r *Redactor
	w io.Writer
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.Redact(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
