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
//
// Running the regexps costs tens of microseconds per short string, and almost
// every string a report scrubs (messages, addresses, titles) contains none of
// them. So each pattern has mayMatch, a cheap test that is true of every
// string the regexp can match (a literal the match must contain); the regexp
// only runs when it passes, which leaves the result unchanged.
var secretPatterns = []struct {
	re       *regexp.Regexp
	mayMatch func(string) bool
}{
	// AWS access key ids.
	{regexp.MustCompile(`()\b((?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16})\b`),
		containsAny("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA")},
	// GitHub tokens.
	{regexp.MustCompile(`()\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})`),
		containsAny("gh", "github_pat_")},
	// Slack tokens.
	{regexp.MustCompile(`()\b(xox[abposr]-[A-Za-z0-9-]{10,})`),
		containsAny("xox")},
	// PEM private keys, also when newlines are JSON-escaped.
	{regexp.MustCompile(`()(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)`),
		containsAll("-----BEGIN ", "PRIVATE KEY-----")},
	// Credentials in URLs: scheme://user:PASSWORD@host.
	{regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^:/\s@"']+:)([^@\s/"']+)@`),
		containsAll("://", "@")},
	// name=value pairs whose name ends in a secret word (DB_PASSWORD=,
	// client_secret=, api_key=); names that merely contain one
	// (access_token_validity = 60) are left readable.
	{regexp.MustCompile(`(?i)(\b[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api_?key|access_?key|secret_?key|private_?key)\s*=\s*)(\(sensitive\)|[^\s"'&,;()]+)`),
		secretWordBeforeEquals},
}

func containsAny(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
}

func containsAll(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	}
}

// secretWords: every alternative of the name=value pattern ends in one of
// these (api_key, access_key, secret_key, private_key all end in "key").
var secretWords = []string{"password", "passwd", "pwd", "secret", "token", "key"}

// secretWordBeforeEquals reports whether some "=" in s follows, after
// optional whitespace, a name ending in a secret word (ASCII case folded),
// which the name=value pattern needs. (?i) also folds two non-ASCII runes
// onto ASCII letters (K KELVIN SIGN onto k, LATIN SMALL LETTER LONG S onto
// s), so a string with any non-ASCII byte is left to the regexp.
func secretWordBeforeEquals(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	for rest, off := s, 0; ; {
		i := strings.IndexByte(rest, '=')
		if i < 0 {
			return false
		}
		end := off + i
		for end > 0 && isRegexpSpace(s[end-1]) {
			end--
		}
		for _, w := range secretWords {
			if end >= len(w) && strings.EqualFold(s[end-len(w):end], w) {
				return true
			}
		}
		rest, off = rest[i+1:], off+i+1
	}
}

// isRegexpSpace is RE2's \s: [\t\n\f\r ].
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
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
	for _, p := range secretPatterns {
		if re := p.re; p.mayMatch(s) && re.MatchString(s) {
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
