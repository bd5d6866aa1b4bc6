package plan

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestRedactPatterns(t *testing.T) {
	// Assembled at run time so no credential-shaped literal sits in the repo.
	awsKey := "AKIA" + strings.Repeat("Z", 16)
	ghTok := "ghp_" + strings.Repeat("a1", 18)
	pat := "github_pat_" + strings.Repeat("B2", 15)
	pem := "-----BEGIN RSA PRIVATE KEY-----\nCANARYbody\n-----END RSA PRIVATE KEY-----"
	pemEscaped := `-----BEGIN PRIVATE KEY-----\nCANARYbody\n-----END PRIVATE KEY-----`
	tests := []struct {
		name, in, want string
	}{
		{"aws key", "key " + awsKey + " used", "key (sensitive) used"},
		{"github token", "token " + ghTok, "token (sensitive)"},
		{"github pat", pat + " end", "(sensitive) end"},
		{"pem", "k=" + pem + " done", "k=(sensitive) done"},
		{"pem escaped", `"` + pemEscaped + `"`, `"(sensitive)"`},
		{"password pair", "DB_PASSWORD=CANARYpw123 next", "DB_PASSWORD=(sensitive) next"},
		{"token pair spaced", "token = CANARYtok;x", "token = (sensitive);x"},
		{"url credentials", "postgres://app:CANARYpw@db:5432/app", "postgres://app:(sensitive)@db:5432/app"},
		{"plain text untouched", "aws_db_instance.main: multi_az is false", "aws_db_instance.main: multi_az is false"},
		{"word password untouched", "password policy minimum length 8", "password policy minimum length 8"},
		{"idempotent", "password=(sensitive)", "password=(sensitive)"},
		{"client secret", "client_secret=CANARYcs1", "client_secret=(sensitive)"},
		{"aws secret key", "aws_secret_access_key=CANARYsk1", "aws_secret_access_key=(sensitive)"},
		{"rule message kept", "(access_token_validity = 60, password_reset_required = true)", "(access_token_validity = 60, password_reset_required = true)"},
		{"message in parens", "(master_password = CANARYmp1)", "(master_password = (sensitive))"},
	}
	r := NewRedactor(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Redact(tt.in); got != tt.want {
				t.Fatalf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactExact(t *testing.T) {
	secret := `CANARY"quoted\value`
	r := NewRedactor([]string{secret, "abc", "CANARY-short", "CANARY-short-and-longer"})
	tests := []struct{ in, want string }{
		{"x " + secret + " y", "x (sensitive) y"},
		// The JSON-escaped form, as in a marshalled report.
		{`{"m":"CANARY\"quoted\\value"}`, `{"m":"(sensitive)"}`},
		{"CANARY-short-and-longer", "(sensitive)"},
		{"CANARY-short!", "(sensitive)!"},
		// Values under 4 characters are not scrubbed from free text.
		{"abc", "abc"},
	}
	for _, tt := range tests {
		if got := r.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Redact("pw CANARY-pkg-level", []string{"CANARY-pkg-level"}); got != "pw (sensitive)" {
		t.Errorf("Redact = %q", got)
	}
	var nilR *Redactor
	if got := nilR.Redact("x CANARY-short"); got != "x CANARY-short" {
		t.Errorf("nil redactor changed text: %q", got)
	}
}

func TestRedactWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewRedactor([]string{"CANARY-writer-secret"}).Writer(&buf)
	n, err := fmt.Fprintf(w, "log: %s and password=%s\n", "CANARY-writer-secret", "CANARYpw")
	if err != nil {
		t.Fatal(err)
	}
	if want := len("log: CANARY-writer-secret and password=CANARYpw\n"); n != want {
		t.Errorf("n = %d, want %d (bytes of the input)", n, want)
	}
	if got := buf.String(); got != "log: (sensitive) and password=(sensitive)\n" {
		t.Errorf("wrote %q", got)
	}
}

// precheckCorpus holds strings each pattern matches, near misses, and the
// non-ASCII runes (?i) folds onto ASCII letters.
var precheckCorpus = []string{
	"AKIA" + strings.Repeat("Z", 16), "xAKIA" + strings.Repeat("1", 16), "ASIA" + strings.Repeat("Q", 16),
	"ghp_" + strings.Repeat("a1", 18), "github_pat_" + strings.Repeat("B2", 15),
	"xoxb-" + strings.Repeat("9", 12),
	"-----BEGIN EC PRIVATE KEY-----x-----END EC PRIVATE KEY-----",
	"https://u:CANARYpw@h", "s3://a:b@c",
	"DB_PASSWORD=x", "PWD =\ty", "api_key= z", "ApiKey=(sensitive)", "access_token_validity = 60",
	"private_key\n=k", "x=1 secret=2", "=", "token", "key=", "a.b-c_token=\fv",
	"api_\u212aey=CANARYkelvin", "\u017fecret=CANARYlongs", "pa\u017f\u017fword=x",
	"aws_db_instance.main: multi_az is false", "",
}

// TestRedactPrecheckSound: a pattern's pre-check is true of every string its
// regexp matches, so skipping the regexp on a false pre-check loses nothing.
func TestRedactPrecheckSound(t *testing.T) {
	for _, s := range precheckCorpus {
		checkPrecheck(t, s)
	}
	// The Kelvin-sign key is still scrubbed, as before the pre-check.
	if got := NewRedactor(nil).Redact("api_\u212aey=CANARYkelvin"); strings.Contains(got, "CANARY") {
		t.Errorf("non-ASCII key name not scrubbed: %q", got)
	}
}

func FuzzRedactPrecheck(f *testing.F) {
	for _, s := range precheckCorpus {
		f.Add(s)
	}
	f.Fuzz(checkPrecheck)
}

func checkPrecheck(t *testing.T, s string) {
	for i, p := range secretPatterns {
		if p.re.MatchString(s) && !p.mayMatch(s) {
			t.Errorf("pattern %d matches %q but its pre-check says it cannot", i, s)
		}
	}
}
