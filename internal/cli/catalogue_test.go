package cli_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/saprism/tfgate/internal/cli"
)

// badInput is one case of the bad-input catalogue: files written into a
// fresh repository, a command line run in-process, and what must come out.
type badInput struct {
	group, name string
	files       map[string]string // relative to the repository root
	setup       func(t *testing.T, root string)
	env         map[string]string // process environment for the run
	args        []string          // {root} and {testdata} are substituted
	code        int
	want        []string // all in the error line (or in the output when code != 2)
	note        string   // what the row shows when the outcome is not an error
	also        []string // anywhere in the output (warnings)
}

const okPlan = `{"format_version":"1.2","terraform_version":"1.11.0","resource_changes":[
 {"address":"aws_s3_bucket.logs","mode":"managed","type":"aws_s3_bucket","name":"logs",
  "change":{"actions":["update"],"before":{"bucket":"logs"},"after":{"bucket":"logs"},"after_unknown":{},"before_sensitive":{},"after_sensitive":{}}}]}`

func rcPlan(entries ...string) string {
	return `{"format_version":"1.2","terraform_version":"1.11.0","resource_changes":[` + strings.Join(entries, ",") + `]}`
}

func rcEntry(addr, typ, actions string) string {
	return `{"address":"` + addr + `","mode":"managed","type":"` + typ + `","name":"x","change":{"actions":` + actions + `,"before":null,"after":{}}}`
}

const stackTF = `variable "multi_az" {
  type        = bool
  description = "multi-AZ database"
  default     = false
}
variable "db" {
  type        = object({ size = number })
  description = "database"
  default     = { size = 20 }
}
`

const goodRego = `# METADATA
# title: Extra
package extra.rules

import rego.v1
`

func regoRule(body string) string {
	return `# METADATA
# title: Extra rules
package extra.rules

import rego.v1

# METADATA
# title: A rule
# custom:
#   id: EXTRA-001
#   severity: low
#   enforcement: {dev: deny, staging: deny, production: deny}
` + body
}

func checkArgs(plan string, extra ...string) []string {
	return append([]string{"check", plan, "--env", "production", "--output", "json"}, extra...)
}

func catalogue() []badInput {
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	var many []string
	for i := 0; i < 20000; i++ {
		many = append(many, rcEntry(fmt.Sprintf("aws_s3_bucket.b%d", i), "aws_s3_bucket", `["update"]`))
	}
	many = append(many, rcEntry("aws_s3_bucket.last", "aws_s3_bucket", `["frobnicate"]`))
	exc := func(body string) map[string]string {
		return map[string]string{"tfgate.yaml": "exceptions_file: exceptions.yaml\n", "exceptions.yaml": "exceptions:\n" + body}
	}
	plan := func(name, body string) map[string]string { return map[string]string{"plans/" + name: body} }
	rego := func(body string) map[string]string { return map[string]string{"extra/rules.rego": body} }
	tfvars := func(body string) map[string]string { return map[string]string{"terraform/env/dev.tfvars": body} }
	const p = "plans/p.json"
	return []badInput{
		// plan JSON
		{group: "plan", name: "truncated", files: plan("p.json", okPlan[:80]), args: checkArgs(p), code: 2, want: []string{"plans/p.json", "not a Terraform plan JSON", "unexpected EOF"}},
		{group: "plan", name: "empty file", files: plan("p.json", ""), args: checkArgs(p), code: 2, want: []string{"plans/p.json: empty plan file"}},
		{group: "plan", name: "whitespace only", files: plan("p.json", " \n\t\n"), args: checkArgs(p), code: 2, want: []string{"plans/p.json: empty plan file"}},
		{group: "plan", name: "binary junk", files: plan("p.json", "\x00\xff\xfe\x01PK\x03\x04"), args: checkArgs(p), code: 2, want: []string{"plans/p.json", "not a Terraform plan JSON", "line 1"}},
		{group: "plan", name: "a directory", setup: mkdir("plans/dir.json"), args: checkArgs("plans/dir.json"), code: 2, want: []string{"plans/dir.json", "is a directory"}},
		{group: "plan", name: "missing file", args: checkArgs("plans/none.json"), code: 2, want: []string{"plans/none.json", "no such file"}},
		{group: "plan", name: "unreadable (dangling symlink)", setup: symlink("nowhere.json", "plans/link.json"), args: checkArgs("plans/link.json"), code: 2, want: []string{"plans/link.json", "no such file"}},
		{group: "plan", name: "unreadable (path through a file)", files: plan("p.json", okPlan), args: checkArgs("plans/p.json/inner.json"), code: 2, want: []string{"plans/p.json/inner.json", "not a directory"}},
		{group: "plan", name: "syntax error names the line", files: plan("p.json", "{\n\"format_version\": \"1.2\",\n oops}"), args: checkArgs(p), code: 2, want: []string{"plans/p.json", "line 3"}},
		{group: "plan", name: "top level array", files: plan("p.json", `[{"format_version":"1.2"}]`), args: checkArgs(p), code: 2, want: []string{"top level is an array"}},
		{group: "plan", name: "top level string", files: plan("p.json", `"plan"`), args: checkArgs(p), code: 2, want: []string{"top level is a string"}},
		{group: "plan", name: "trailing data", files: plan("p.json", okPlan+"\n{}"), args: checkArgs(p), code: 2, want: []string{"trailing data"}},
		{group: "plan", name: "no format_version", files: plan("p.json", `{"resource_changes":[]}`), args: checkArgs(p), code: 2, want: []string{"no format_version"}},
		{group: "plan", name: "format_version 2.0", files: plan("p.json", `{"format_version":"2.0","resource_changes":[]}`), args: checkArgs(p), code: 2, want: []string{`unsupported plan format_version "2.0"`}},
		{group: "plan", name: "format_version a number", files: plan("p.json", `{"format_version":1.2}`), args: checkArgs(p), code: 2, want: []string{"no format_version"}},
		{group: "plan", name: "resource_changes an object", files: plan("p.json", `{"format_version":"1.2","resource_changes":{}}`), args: checkArgs(p), code: 2, want: []string{"resource_changes is not a list"}},
		{group: "plan", name: "unknown action", files: plan("p.json", rcPlan(rcEntry("aws_db_instance.main", "aws_db_instance", `["frobnicate"]`))), args: checkArgs(p), code: 2, want: []string{"resource_changes[0] (aws_db_instance.main)", `["frobnicate"]`}},
		{group: "plan", name: "empty actions", files: plan("p.json", rcPlan(rcEntry("aws_db_instance.main", "aws_db_instance", `[]`))), args: checkArgs(p), code: 2, want: []string{"aws_db_instance.main", "change.actions is empty"}},
		{group: "plan", name: "actions of the wrong type", files: plan("p.json", rcPlan(rcEntry("aws_db_instance.main", "aws_db_instance", `"delete"`))), args: checkArgs(p), code: 2, want: []string{"aws_db_instance.main", "not a list"}},
		{group: "plan", name: "null entry", files: plan("p.json", rcPlan(rcEntry("a.b", "a", `["create"]`), "null")), args: checkArgs(p), code: 2, want: []string{"resource_changes[1]", "is null"}},
		{group: "plan", name: "duplicate address", files: plan("p.json", rcPlan(rcEntry("a.b", "a", `["create"]`), rcEntry("a.b", "a", `["delete"]`))), args: checkArgs(p), code: 2, want: []string{"resource_changes[1] (a.b)", "duplicate address"}},
		{group: "plan", name: "entry without type", files: plan("p.json", rcPlan(`{"address":"a.b","change":{"actions":["create"]}}`)), args: checkArgs(p), code: 2, want: []string{"(a.b)", "no type"}},
		{group: "plan", name: "entry without address", files: plan("p.json", rcPlan(`{"type":"aws_s3_bucket","change":{"actions":["create"]}}`)), args: checkArgs(p), code: 2, want: []string{"resource_changes[0]", "no address"}},
		{group: "plan", name: "after of the wrong kind", files: plan("p.json", rcPlan(`{"address":"a.b","type":"a","change":{"actions":["create"],"after":"x"}}`)), args: checkArgs(p), code: 2, want: []string{"(a.b)", "change.after is a string"}},
		{group: "plan", name: "before of the wrong kind", files: plan("p.json", rcPlan(`{"address":"a.b","type":"a","change":{"actions":["delete"],"before":[1]}}`)), args: checkArgs(p), code: 2, want: []string{"(a.b)", "change.before is an array"}},
		{group: "plan", name: "no change object", files: plan("p.json", rcPlan(`{"address":"a.b","type":"a"}`)), args: checkArgs(p), code: 2, want: []string{"(a.b)", "change is missing"}},
		{group: "plan", name: "deep nesting", files: plan("p.json", `{"format_version":"1.2","x":`+deep+`}`), args: checkArgs(p), code: 2, want: []string{"plans/p.json", "exceeded max depth"}},
		{group: "plan", name: "huge plan, bad last entry", files: plan("p.json", rcPlan(many...)), args: checkArgs(p), code: 2, want: []string{"resource_changes[20000] (aws_s3_bucket.last)"}},
		{group: "plan", name: "wrong field type (terraform_version)", files: plan("p.json", `{"format_version":"1.2","terraform_version":7,"resource_changes":[]}`), args: checkArgs(p), code: 2, want: []string{"plans/p.json", "terraform_version"}},

		// tfgate.yaml
		{group: "tfgate.yaml", name: "unknown key", files: map[string]string{"tfgate.yaml": "terraform_dir: terraform\npolicy_dir: x\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 2", "policy_dir"}},
		{group: "tfgate.yaml", name: "wrong type", files: map[string]string{"tfgate.yaml": "terraform_dir: [a, b]\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 1"}},
		{group: "tfgate.yaml", name: "syntax error", files: map[string]string{"tfgate.yaml": "environments: [oops\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line"}},
		{group: "tfgate.yaml", name: "duplicate key", files: map[string]string{"tfgate.yaml": "terraform_dir: a\nterraform_dir: b\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 2", `"terraform_dir" already defined`}},
		{group: "tfgate.yaml", name: "bad environment name", files: map[string]string{"tfgate.yaml": "environments:\n  ../prod:\n    var_files: [x.tfvars]\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 2", `environment name "../prod"`}},
		{group: "tfgate.yaml", name: "bad enforcement word", files: map[string]string{"tfgate.yaml": "enforcement:\n  RDS-002:\n    production: maybe\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 3", `"maybe"`}},
		{group: "tfgate.yaml", name: "enforcement for an unknown environment", files: map[string]string{"tfgate.yaml": "enforcement:\n  RDS-002:\n    prod: deny\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 3", `"prod"`}},
		{group: "tfgate.yaml", name: "top level a list", files: map[string]string{"tfgate.yaml": "- a\n- b\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"tfgate.yaml", "line 1"}},
		{group: "tfgate.yaml", name: "policy_dirs entry missing", files: map[string]string{"tfgate.yaml": "policy_dirs: [no/such/dir]\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"no/such/dir"}},
		{group: "tfgate.yaml", name: "exceptions_file missing", files: map[string]string{"tfgate.yaml": "exceptions_file: none.yaml\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"none.yaml", "no such file"}},
		{group: "tfgate.yaml", name: "env var file missing", files: map[string]string{"tfgate.yaml": "environments:\n  dev:\n    var_files: [terraform/env/nope.tfvars]\n"}, args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform/env/nope.tfvars", "no such file"}},

		// exceptions
		{group: "exceptions", name: "missing fields", files: exc("  - rule_id: RDS-002\n    address: aws_db_instance.main\n    expires: 2099-01-01\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml:2", "missing reason, owner"}},
		{group: "exceptions", name: "bad date", files: exc("  - {rule_id: RDS-002, address: '*', reason: r, owner: o, expires: 2099-13-01}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml:2", `expires "2099-13-01" is not a date`}},
		{group: "exceptions", name: "date in another format", files: exc("  - {rule_id: RDS-002, address: '*', reason: r, owner: o, expires: 01/02/2099}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml:2", "not a date"}},
		{group: "exceptions", name: "unknown field (typo)", files: exc("  - {rule_id: RDS-002, address: '*', reason: r, owner: o, expiry: 2099-01-01}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml", "line 2", "expiry"}},
		{group: "exceptions", name: "not a list", files: map[string]string{"tfgate.yaml": "exceptions_file: exceptions.yaml\n", "exceptions.yaml": "exceptions: {a: b}\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml", "line 1"}},
		{group: "exceptions", name: "duplicate id", files: exc("  - {id: E1, rule_id: RDS-002, address: '*', reason: r, owner: o, expires: 2099-01-01}\n  - {id: E1, rule_id: RDS-003, address: '*', reason: r, owner: o, expires: 2099-01-01}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml:3", `id "E1" already used`}},
		{group: "exceptions", name: "file is a directory", setup: mkdir("exceptions.yaml"), files: map[string]string{"tfgate.yaml": "exceptions_file: exceptions.yaml\n"}, args: checkArgs("{testdata}/rds_unprotected.json"), code: 2, want: []string{"exceptions.yaml", "is a directory"}},
		{group: "exceptions", name: "expired: waives nothing", files: exc("  - {id: OLD, rule_id: RDS-002, address: aws_db_instance.main, reason: r, owner: o, expires: 2020-01-01}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 1, want: []string{`"id": "OLD"`, `"status": "expired"`}, note: "denied; the exception is reported expired"},
		{group: "exceptions", name: "overlapping: first one waives, both reported", files: exc("  - {id: A, rule_id: RDS-002, address: 'aws_db_instance.*', reason: r, owner: o, expires: 2099-01-01}\n  - {id: B, rule_id: RDS-002, address: aws_db_instance.main, reason: r, owner: o, expires: 2099-01-01}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 1, want: []string{`"exception": "A"`, `"id": "B"`}, note: "verdict from the other rules; RDS-002 waived by A, B listed as matching too"},
		{group: "exceptions", name: "glob matching nothing", files: exc("  - {id: G, rule_id: RDS-002, address: 'aws_rds_cluster.*', reason: r, owner: o, expires: 2099-01-01}\n"), args: checkArgs("{testdata}/rds_unprotected.json"), code: 1, want: []string{`"id": "G"`, `"status": "unused"`}, note: "denied; the exception is reported unused"},

		// Terraform configuration
		{group: "terraform", name: "local module directory missing (check)", files: map[string]string{"terraform/main.tf": stackTF + "module \"net\" {\n  source = \"./modules/net\"\n}\n"}, args: checkArgs("{testdata}/rds_unprotected.json", "--config-dir", "terraform"), code: 1, want: []string{`"verdict": "fail"`}, also: []string{`module.net (source "./modules/net")`, "not found"}, note: "denied by the plan's findings; the missing module only costs its own file:line (one warning line)"},

		// tfvars
		{group: "tfvars", name: "syntax error", files: tfvars("multi_az = \n"), args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform/env/dev.tfvars:1"}},
		{group: "tfvars", name: "unknown variable", files: tfvars("multi_az = true\nmulti_zone = true\n"), args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform/env/dev.tfvars:2", `variable "multi_zone" is not declared`}},
		{group: "tfvars", name: "wrong type", files: tfvars("multi_az = \"sometimes\"\n"), args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform/env/dev.tfvars:1", `variable "multi_az": wrong type`, "bool"}},
		{group: "tfvars", name: "wrong type, nested", files: tfvars("db = { size = \"big\" }\n"), args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform/env/dev.tfvars:1", `variable "db": wrong type at size`}},
		{group: "tfvars", name: "a block", files: tfvars("resource \"x\" \"y\" {}\n"), args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform/env/dev.tfvars:1", "blocks are not allowed"}},
		{group: "tfvars", name: "--var-file missing", args: []string{"plan", "--env", "dev", "--var-file", "nope.tfvars"}, code: 2, want: []string{"--var-file nope.tfvars", "no such file"}},

		// Rego in --policy
		{group: "rego", name: "syntax error", files: rego(regoRule("deny contains f if {\n\tf := \n}\n")), args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "extra"), code: 2, want: []string{"extra/rules.rego:15", "unexpected } token"}},
		{group: "rego", name: "runtime error", files: rego(regoRule("deny contains f if {\n\tsome rc in input.resource_changes\n\tf := {\"id\": \"EXTRA-001\", \"address\": rc.address, \"message\": sprintf(\"%s\", [1 / 0])}\n}\n")), args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "extra"), code: 2, want: []string{"policy evaluation", "rules.rego"}},
		{group: "rego", name: "rule emits the wrong shape", files: rego(regoRule("deny contains f if {\n\tsome rc in input.resource_changes\n\tf := {\"address\": rc.address, \"msg\": \"x\"}\n}\n")), args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "extra"), code: 2, want: []string{"extra/rules.rego:7", "rule EXTRA-001", "without message"}},
		{group: "rego", name: "rule emits a number", files: rego(regoRule("deny contains f if {\n\tsome rc in input.resource_changes\n\tf := 42\n}\n")), args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "extra"), code: 2, want: []string{"extra/rules.rego:7", "rule EXTRA-001", "a number, want an object or a string"}},
		{group: "rego", name: "conflicting rule", files: rego(regoRule("deny contains f if {\n\tf := {\"id\": \"EXTRA-001\", \"address\": \"x\", \"message\": m}\n}\n\nm := \"a\"\n\nm := \"b\" if true\n")), args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "extra"), code: 2, want: []string{"rules.rego", "conflict"}},
		{group: "rego", name: "conftest rule without METADATA (would never run)", files: rego(goodRego + "\ndeny contains msg if {\n\tsome rc in input.resource_changes\n\tmsg := rc.address\n}\n"), args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "extra"), code: 2, want: []string{"extra/rules.rego:7", "rule deny has no METADATA"}},
		{group: "rego", name: "policy dir missing", args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "no/such"), code: 2, want: []string{"no/such"}},
		{group: "rego", name: "--policy names a file that is not Rego", files: map[string]string{"NOTES.md": "# notes\nnot rego\n"}, args: checkArgs("{testdata}/rds_unprotected.json", "--policy", "NOTES.md"), code: 2, want: []string{"NOTES.md:"}},

		// flags
		{group: "flags", name: "unknown environment", args: checkArgs("{testdata}/rds_unprotected.json", "--env", "prod"), code: 2, want: []string{`unknown environment "prod"`}},
		{group: "flags", name: "unknown format", args: []string{"check", "{testdata}/rds_unprotected.json", "--output", "pdf"}, code: 2, want: []string{`unknown format "pdf"`}},
		{group: "flags", name: "empty output file", args: []string{"check", "{testdata}/rds_unprotected.json", "--output", "sarif="}, code: 2, want: []string{"empty file name"}},
		{group: "flags", name: "unwritable output path", files: map[string]string{"blocker": "a file"}, args: []string{"check", "{testdata}/rds_unprotected.json", "--output", "sarif={root}/blocker/r.sarif"}, code: 2, want: []string{"--output sarif=", "blocker/r.sarif", "not a directory"}},
		{group: "flags", name: "output path is a directory", setup: mkdir("out.sarif"), args: []string{"check", "{testdata}/rds_unprotected.json", "--output", "sarif={root}/out.sarif"}, code: 2, want: []string{"--output sarif=", "out.sarif is a directory"}},
		{group: "flags", name: "unknown flag", args: []string{"check", "{testdata}/rds_unprotected.json", "--stict"}, code: 2, want: []string{"unknown flag: --stict"}},
		{group: "flags", name: "bool flag with a word", args: []string{"check", "{testdata}/rds_unprotected.json", "--strict=maybe"}, code: 2, want: []string{"--strict", "maybe"}},
		{group: "flags", name: "bad --var", args: []string{"plan", "--env", "dev", "--var", "novalue"}, code: 2, want: []string{`--var "novalue"`}},
		{group: "flags", name: "-C missing", args: []string{"-C", "/no/such/dir", "version"}, code: 2, want: []string{"-C /no/such/dir"}},
		{group: "flags", name: "unlock --lock-id in local mode", args: []string{"unlock", "--env", "dev", "--local", "--lock-id", "5c2c06a1"}, code: 2, want: []string{"local", "lock-id"}},
		{group: "flags", name: "port out of range", args: []string{"local", "start", "--port", "70000"}, code: 2, want: []string{"--port 70000"}},

		// environment
		{group: "environment", name: "no terraform", env: map[string]string{"TFGATE_TERRAFORM": "/no/such/terraform"}, args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"terraform not found", "TFGATE_TERRAFORM=/no/such/terraform"}},
		{group: "environment", name: "terraform too old", setup: fakeTerraform("1.2.0"), env: map[string]string{"TFGATE_TERRAFORM": "{root}/bin/terraform"}, args: []string{"plan", "--env", "dev"}, code: 2, want: []string{"1.2.0", ">= 1.5"}},
		{group: "environment", name: "no provider mirror", setup: mkdir("empty-mirror"), args: []string{"validate", "--plugin-dir", "{root}/empty-mirror"}, code: 2, want: []string{"hashicorp/aws", "--plugin-dir"}},
		{group: "environment", name: "emulator missing (no python with moto)", env: map[string]string{"TFGATE_PYTHON": "/no/such/python3"}, args: []string{"local", "start"}, code: 2, want: []string{"/no/such/python3", "TFGATE_PYTHON"}},
		{group: "environment", name: "emulator not moto 5.2", setup: fakePython("4.1.9"), env: map[string]string{"TFGATE_PYTHON": "{root}/bin/python3"}, args: []string{"local", "start"}, code: 2, want: []string{"has moto 4.1.9", "needs moto 5.2"}},
		{group: "environment", name: "emulator port in use", setup: busyPort, args: []string{"local", "start", "--port", "{port}"}, code: 2, want: []string{"{port}"}},
		{group: "environment", name: "no emulator for local mode", args: []string{"plan", "--env", "dev", "--local"}, code: 2, want: []string{"no local emulator is running"}},
		{group: "environment", name: "non-loopback AWS_ENDPOINT_URL in local mode", env: map[string]string{"AWS_ENDPOINT_URL": "http://10.0.0.5:4566"}, args: []string{"plan", "--env", "dev", "--local"}, code: 2, want: []string{"AWS_ENDPOINT_URL", "10.0.0.5", "not a loopback"}},
		{group: "environment", name: "real-looking credentials in local mode", env: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, args: []string{"plan", "--env", "dev", "--local"}, code: 2, want: []string{"no local emulator is running"}, also: []string{"warning: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY in your environment look like real AWS credentials: local mode does not pass them"}},
	}
}

func mkdir(rel string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		if err := os.MkdirAll(filepath.Join(root, rel), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(target, rel string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

func script(rel, body string) func(*testing.T, string) {
	return func(t *testing.T, root string) {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeTerraform answers `terraform version -json` like an old release.
func fakeTerraform(v string) func(*testing.T, string) {
	return script("bin/terraform", `echo '{"terraform_version":"`+v+`","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}'`+"\necho 'Terraform v"+v+"'\n")
}

// fakePython has moto's modules but the wrong moto version.
func fakePython(v string) func(*testing.T, string) {
	return script("bin/python3", "echo "+v+"\n")
}

// busyPort listens on a loopback port for the rest of the case.
func busyPort(t *testing.T, root string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	os.WriteFile(filepath.Join(root, ".port"), []byte(strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)), 0o644)
}

// snapshot maps every path under root/dir to its kind, mode and content hash.
func snapshot(t *testing.T, root string, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, d := range dirs {
		filepath.WalkDir(filepath.Join(root, d), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			info, err := e.Info()
			if err != nil {
				return nil
			}
			sig := info.Mode().String()
			if info.Mode().IsRegular() {
				data, _ := os.ReadFile(p)
				sum := sha256.Sum256(data)
				sig += " " + hex.EncodeToString(sum[:8])
			}
			rel, _ := filepath.Rel(root, p)
			out[rel] = sig
			return nil
		})
	}
	return out
}

func diffSnapshots(before, after map[string]string) []string {
	var d []string
	for k, v := range after {
		if before[k] != v {
			d = append(d, k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			d = append(d, k+" (removed)")
		}
	}
	return d
}

// TestBadInputCatalogue runs every case of the catalogue through the CLI
// in-process: the exit code, exactly one error line naming the file, line,
// flag or field, no panic, no goroutine left behind, and nothing under
// .tfgate/ or terraform/ changed. The table of docs/RELIABILITY.md is
// generated from these results (TFGATE_UPDATE_DOCS=1 rewrites it; otherwise
// a stale table fails the test).
func TestBadInputCatalogue(t *testing.T) {
	testdataDir, _ := filepath.Abs("testdata")
	cases := catalogue()
	if len(cases) < 60 {
		t.Fatalf("the catalogue has %d cases, want >= 60", len(cases))
	}
	rows := make([]string, 0, len(cases))
	for _, c := range cases {
		t.Run(c.group+"/"+c.name, func(t *testing.T) {
			root := t.TempDir()
			base := map[string]string{
				"terraform/main.tf":               stackTF,
				"terraform/env/dev.tfvars":        "multi_az = false\n",
				"terraform/env/staging.tfvars":    "",
				"terraform/env/production.tfvars": "multi_az = true\n",
			}
			for k, v := range c.files {
				base[k] = v
			}
			for rel, body := range base {
				p := filepath.Join(root, rel)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if c.setup != nil {
				c.setup(t, root)
			}
			port, _ := os.ReadFile(filepath.Join(root, ".port"))
			subst := strings.NewReplacer("{root}", root, "{testdata}", testdataDir, "{port}", string(port))
			for k, v := range c.env {
				t.Setenv(k, subst.Replace(v))
			}
			args := []string{"-C", root}
			for _, a := range c.args {
				args = append(args, subst.Replace(a))
			}
			before := snapshot(t, root, ".tfgate", "terraform")
			leaks := goleak.IgnoreCurrent()

			// Relative paths in the args are relative to the repository.
			wd, _ := os.Getwd()
			if err := os.Chdir(root); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code, panicked := func() (code int, p any) {
				defer func() { p = recover() }()
				a := &cli.App{Stdout: &stdout, Stderr: &stderr, Getenv: os.Getenv}
				return a.Run(args), nil
			}()
			os.Chdir(wd)

			if panicked != nil {
				t.Fatalf("panic: %v", panicked)
			}
			all := stdout.String() + stderr.String()
			if strings.Contains(all, "panic:") || strings.Contains(all, "goroutine ") {
				t.Fatalf("a panic or stack trace in the output:\n%s", all)
			}
			if code != c.code {
				t.Errorf("exit %d, want %d\nstderr: %s", code, c.code, stderr.String())
			}
			var errLines []string
			for _, l := range strings.Split(stderr.String(), "\n") {
				if strings.HasPrefix(l, "tfgate: ") {
					errLines = append(errLines, strings.TrimPrefix(l, "tfgate: "))
				}
			}
			shown := ""
			if c.code == 2 {
				if len(errLines) != 1 {
					t.Fatalf("want exactly one error line, got %d:\n%s", len(errLines), stderr.String())
				}
				shown = errLines[0]
				for _, w := range c.want {
					if w = subst.Replace(w); !strings.Contains(shown, w) {
						t.Errorf("error line %q does not name %q", shown, w)
					}
				}
			} else {
				if len(errLines) > 0 && c.code == 0 {
					t.Errorf("error lines on a passing run: %v", errLines)
				}
				for _, w := range c.want {
					if !strings.Contains(all, w) {
						t.Errorf("output lacks %q:\n%s", w, all)
					}
				}
				shown = c.note
			}
			for _, w := range c.also {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			if d := diffSnapshots(before, snapshot(t, root, ".tfgate", "terraform")); len(d) > 0 {
				t.Errorf("the run changed %v", d)
			}
			if err := goleak.Find(leaks); err != nil {
				t.Errorf("goroutine leak: %v", err)
			}
			result := "ok"
			if t.Failed() {
				result = "FAIL"
			}
			shown = strings.ReplaceAll(shown, root, "<repo>")
			shown = strings.ReplaceAll(shown, testdataDir, "<testdata>")
			if len(port) > 0 {
				shown = strings.ReplaceAll(shown, string(port), "<port>")
			}
			rows = append(rows, fmt.Sprintf("| %s | %s | `tfgate %s` | %d | %s | %s |", c.group, c.name,
				mdEscape(cmdLine(c.args)), code, mdEscape(shorten(shown)), result))
		})
	}
	syncDocTable(t, rows)
}

func cmdLine(args []string) string {
	s := strings.Join(args, " ")
	return strings.NewReplacer("{testdata}/", "", "{root}/", "").Replace(s)
}

func shorten(s string) string {
	if r := []rune(s); len(r) > 220 {
		return string(r[:220]) + "…"
	}
	return s
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s)
}

const docPath = "../../docs/RELIABILITY.md"
const tableStart = "<!-- catalogue:start (generated by TestBadInputCatalogue; TFGATE_UPDATE_DOCS=1 go test ./internal/cli -run Catalogue) -->"
const tableEnd = "<!-- catalogue:end -->"

// syncDocTable keeps the catalogue table of docs/RELIABILITY.md equal to
// this run's results.
func syncDocTable(t *testing.T, rows []string) {
	t.Helper()
	if t.Failed() {
		return
	}
	table := tableStart + "\n| group | case | command | exit | error line (or outcome) | result |\n|---|---|---|---|---|---|\n" +
		strings.Join(rows, "\n") + "\n" + tableEnd
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%s: %v", docPath, err)
	}
	s := string(doc)
	i, j := strings.Index(s, tableStart), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no catalogue markers", docPath)
	}
	updated := s[:i] + table + s[j+len(tableEnd):]
	if updated == s {
		return
	}
	if os.Getenv("TFGATE_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(docPath, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the catalogue table is stale: run TFGATE_UPDATE_DOCS=1 go test ./internal/cli -run Catalogue", docPath)
}
