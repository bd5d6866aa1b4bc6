package source

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/saprism/tfgate/internal/result"
)

// The repositories under test/fixtures are written in the styles of
// configurations this team did not write (registry modules installed by
// terraform init, modules calling modules, for_each over maps of objects,
// count over lists, locals); test/fixtures/regen.sh re-plans them.
const fixtures = "../../test/fixtures"

// fixtureLine is the line of the n-th line containing text in a fixture file.
func fixtureLine(t *testing.T, fixture, file, text string, n int) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, fixture, file))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			if n--; n == 0 {
				return i + 1
			}
		}
	}
	t.Fatalf("%s/%s: no line containing %q", fixture, file, text)
	return 0
}

// copyTree copies a fixture repository so a test can break it.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fixturePlan(t *testing.T, fixture string) *tfjson.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtures, fixture, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

// Each case is one value path through a fixture: the finding's own line,
// and where the value was chosen with the module inputs it crossed.
func TestChainFixtures(t *testing.T) {
	type loc struct {
		file, text string
		nth        int // the n-th line with text (default the first)
	}
	cases := []struct {
		name, fixture, address, attribute string
		at                                loc
		set                               loc // empty: no SetAt
		kind                              string
		via                               []string
		varFile                           loc
	}{
		{
			name: "registry module argument, two modules deep", fixture: "registry-modules",
			address: "module.orders_db.module.db_instance.aws_db_instance.this", attribute: "deletion_protection",
			at:  loc{file: ".terraform/modules/orders_db/modules/db_instance/main.tf", text: "deletion_protection     = var.deletion_protection"},
			set: loc{file: "main.tf", text: "deletion_protection = false"}, kind: "argument",
			via: []string{"module.orders_db", "module.orders_db.module.db_instance"},
		},
		{
			name: "registry module input from a root variable: the tfvars line", fixture: "registry-modules",
			address: "module.orders_db.module.db_instance.aws_db_instance.this", attribute: "multi_az",
			at:  loc{file: ".terraform/modules/orders_db/modules/db_instance/main.tf", text: "multi_az                = var.multi_az"},
			set: loc{file: "terraform.tfvars", text: "multi_az = false"}, kind: "tfvars",
			via:     []string{"module.orders_db", "module.orders_db.module.db_instance"},
			varFile: loc{file: "terraform.tfvars", text: "multi_az = false"},
		},
		{
			name: "registry module input nobody sets: its default", fixture: "registry-modules",
			address: "module.orders_db.module.db_instance.aws_db_instance.this", attribute: "storage_encrypted",
			at:  loc{file: ".terraform/modules/orders_db/modules/db_instance/main.tf", text: "storage_encrypted       = var.storage_encrypted"},
			set: loc{file: ".terraform/modules/orders_db/variables.tf", text: "default     = false", nth: 2}, kind: "default",
			via: []string{"module.orders_db", "module.orders_db.module.db_instance"},
		},
		{
			name: "count over a list of maps in a registry module: the list entry", fixture: "registry-modules",
			address: "module.web_sg.aws_security_group_rule.ingress_with_cidr_blocks[1]", attribute: "cidr_blocks",
			at:  loc{file: ".terraform/modules/web_sg/main.tf", text: "cidr_blocks = split"},
			set: loc{file: "main.tf", text: `cidr_blocks = "0.0.0.0/0"`}, kind: "argument",
			via: []string{"module.web_sg"},
		},
		{
			name: "for_each module over a local map of objects, then a nested module's toset", fixture: "nested-foreach",
			address:   `module.service["admin"].module.firewall.aws_vpc_security_group_ingress_rule.https["0.0.0.0/0"]`,
			attribute: "cidr_ipv4",
			at:        loc{file: "modules/firewall/main.tf", text: "cidr_ipv4         = each.value"},
			set:       loc{file: "main.tf", text: `ingress_cidrs = ["10.30.0.0/16", "0.0.0.0/0"]`}, kind: "local",
			via: []string{`module.service["admin"]`, `module.service["admin"].module.firewall`},
		},
		{
			name: "a negated input: the entry that chose it", fixture: "nested-foreach",
			address: `module.service["admin"].aws_s3_bucket_public_access_block.assets`, attribute: "block_public_acls",
			at:  loc{file: "modules/service/main.tf", text: "block_public_acls       = !var.public_assets"},
			set: loc{file: "main.tf", text: "public_assets = true"}, kind: "local",
			via: []string{`module.service["admin"]`},
		},
		{
			name: "literal inside the module: no chain", fixture: "nested-foreach",
			address: `module.service["api"].aws_s3_bucket_public_access_block.assets`, attribute: "ignore_public_acls",
			at: loc{file: "modules/service/main.tf", text: "ignore_public_acls      = true"},
		},
		{
			name: "count over a tfvars list of objects: the element", fixture: "count-rules",
			address: "aws_security_group_rule.app_ingress[1]", attribute: "cidr_blocks",
			at:      loc{file: "main.tf", text: "cidr_blocks       = var.app_rules[count.index].cidrs"},
			varFile: loc{file: "terraform.tfvars", text: `cidrs = ["0.0.0.0/0"]`},
		},
		{
			name: "for_each over a local map: the entry", fixture: "count-rules",
			address: `aws_ecr_repository.images["legacy"]`, attribute: "image_scanning_configuration.scan_on_push",
			at:  loc{file: "main.tf", text: "scan_on_push = each.value.scan"},
			set: loc{file: "main.tf", text: "scan = false"}, kind: "local",
		},
		{
			name: "inline ingress block", fixture: "count-rules",
			address: "aws_security_group.bastion", attribute: "ingress",
			at: loc{file: "main.tf", text: "ingress {"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix, err := Load(filepath.Join(fixtures, c.fixture), ".")
			if err != nil {
				t.Fatal(err)
			}
			if w := ix.Warnings(); len(w) > 0 {
				t.Fatalf("warnings: %v", w)
			}
			vars, err := ix.LoadVars(nil)
			if err != nil {
				t.Fatal(err)
			}
			file, line, ok := ix.Locate(c.address, c.attribute)
			if want := fixtureLine(t, c.fixture, c.at.file, c.at.text, 1); !ok || file != c.at.file || line != want {
				t.Errorf("at %s:%d, want %s:%d", file, line, c.at.file, want)
			}
			set, ok := ix.Chain(c.address, c.attribute, vars)
			if c.set.file == "" && c.varFile.file == "" {
				if ok {
					t.Errorf("chain %+v, want none", set)
				}
				return
			}
			want := c.set
			if want.file == "" {
				want = c.varFile
			}
			if wl := fixtureLine(t, c.fixture, want.file, want.text, max(want.nth, 1)); !ok || set.File != want.file || set.Line != wl {
				t.Fatalf("set at %s:%d (ok %v), want %s:%d", set.File, set.Line, ok, want.file, wl)
			}
			if c.kind != "" && set.Kind != c.kind {
				t.Errorf("kind %q, want %q", set.Kind, c.kind)
			}
			if got := strings.Join(set.ViaModules(), " → "); got != strings.Join(c.via, " → ") {
				t.Errorf("via %s, want %s", got, strings.Join(c.via, " → "))
			}
			for _, h := range set.Via {
				if h.File == "" || h.Line == 0 {
					t.Errorf("hop without location: %+v", h)
				}
			}
		})
	}
}

// Trap: a local module directory the HCL names but that is missing ended
// the run. Now it costs that module's locations and one warning names it.
func TestMissingLocalModuleWarns(t *testing.T) {
	repo := t.TempDir()
	copyTree(t, filepath.Join(fixtures, "nested-foreach"), repo)
	if err := os.RemoveAll(filepath.Join(repo, "modules", "firewall")); err != nil {
		t.Fatal(err)
	}
	ix, err := Load(repo, ".")
	if err != nil {
		t.Fatalf("a missing module must not fail the load: %v", err)
	}
	w := ix.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "module.service.module.firewall") || !strings.Contains(w[0], "modules/firewall not found") {
		t.Fatalf("warnings %q, want one naming module.service.module.firewall", w)
	}
	if _, _, ok := ix.Locate(`module.service["admin"].aws_s3_bucket_public_access_block.assets`, "block_public_acls"); !ok {
		t.Error("the modules that exist lost their locations")
	}
	if _, _, ok := ix.Locate(`module.service["admin"].module.firewall.aws_security_group.this`, ""); ok {
		t.Error("a resource of the missing module was located")
	}
}

// Trap: registry modules were never read. Without .terraform (no terraform
// init) each one is named in a warning; with it they are located (above).
func TestRegistryModulesNotInstalled(t *testing.T) {
	repo := t.TempDir()
	copyTree(t, filepath.Join(fixtures, "registry-modules"), repo)
	if err := os.RemoveAll(filepath.Join(repo, ".terraform")); err != nil {
		t.Fatal(err)
	}
	ix, err := Load(repo, ".")
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(ix.Warnings(), "\n")
	for _, m := range []string{`module.orders_db (source "acme/rds/aws")`, `module.web_sg (source "acme/sg/aws")`} {
		if !strings.Contains(w, m) || !strings.Contains(w, "not installed") || !strings.Contains(w, "terraform init") {
			t.Errorf("warnings %q, want %s not installed (run terraform init)", w, m)
		}
	}
	if n := len(ix.Warnings()); n != 2 {
		t.Errorf("%d warnings, want one per missing module call (submodules not repeated): %q", n, w)
	}
}

// Trap: without tfgate.yaml nothing said where the configuration was. The
// directory declaring the plan's root module is found under the root; a
// decoy declaring part of it loses.
func TestDiscover(t *testing.T) {
	repo := t.TempDir()
	copyTree(t, filepath.Join(fixtures, "count-rules"), filepath.Join(repo, "infra", "live"))
	decoy := filepath.Join(repo, "infra", "old")
	if err := os.MkdirAll(decoy, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(decoy, "main.tf"), []byte("resource \"aws_security_group\" \"bastion\" {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A .terraform dir (with module copies) is never a candidate.
	hidden := filepath.Join(repo, "infra", "live", ".terraform", "modules", "x")
	if err := os.MkdirAll(hidden, 0o755); err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(fixtures, "count-rules"), hidden)

	p := fixturePlan(t, "count-rules")
	d := Discover(repo, p.Config, nil, "")
	if d.Dir != filepath.Join(repo, "infra", "live") || !strings.Contains(d.Reason, "declares all") {
		t.Errorf("discovered %q (%s), want infra/live", d.Dir, d.Reason)
	}
	// Two complete copies: the preferred (conventional) one wins, and the
	// note names the other.
	copyTree(t, filepath.Join(fixtures, "count-rules"), filepath.Join(repo, "a-copy"))
	d = Discover(repo, p.Config, nil, filepath.Join(repo, "infra", "live"))
	if d.Dir != filepath.Join(repo, "infra", "live") || !strings.Contains(d.Reason, "a-copy/ declares them too") {
		t.Errorf("with a copy: %q (%s), want infra/live preferred and a-copy/ named", d.Dir, d.Reason)
	}
	// A repository without the configuration: no directory, and why.
	other := t.TempDir()
	copyTree(t, decoy, other)
	d = Discover(other, p.Config, nil, "")
	if d.Dir != "" || !strings.Contains(d.Reason, "closest") {
		t.Errorf("discovered %q (%s), want none with the closest named", d.Dir, d.Reason)
	}
	d = Discover(t.TempDir(), p.Config, nil, "")
	if d.Dir != "" || !strings.Contains(d.Reason, "no directory") {
		t.Errorf("empty repo: %q (%s)", d.Dir, d.Reason)
	}
	// A hand-made plan without a configuration section: its resource
	// addresses say what the root module declares.
	var addrs []string
	for _, rc := range p.ResourceChanges {
		addrs = append(addrs, rc.Address)
	}
	d = Discover(repo, nil, addrs, filepath.Join(repo, "infra", "live"))
	if d.Dir != filepath.Join(repo, "infra", "live") {
		t.Errorf("from addresses: discovered %q (%s), want infra/live", d.Dir, d.Reason)
	}
	if d = Discover(repo, nil, nil, ""); d.Dir != "" || !strings.Contains(d.Reason, "declares no resources") {
		t.Errorf("nothing declared: %q (%s)", d.Dir, d.Reason)
	}
}

// Trap: the plan was made with -var-file=env/prod.tfvars while an older
// terraform.tfvars sets the same variable differently. The tfvars line must
// be the one whose value the plan holds, not the auto-loaded file's.
func TestVarFileByPlanValue(t *testing.T) {
	repo := t.TempDir()
	copyTree(t, filepath.Join(fixtures, "count-rules"), repo)
	if err := os.MkdirAll(filepath.Join(repo, "env"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(repo, "terraform.tfvars"), filepath.Join(repo, "env", "prod.tfvars")); err != nil {
		t.Fatal(err)
	}
	stale := "app_rules = [\n  {\n    port  = 8080\n    cidrs = [\"10.0.0.0/8\"]\n  },\n  {\n    port  = 9090\n    cidrs = [\"10.1.0.0/16\"]\n  },\n]\n"
	if err := os.WriteFile(filepath.Join(repo, "terraform.tfvars"), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, err := Load(repo, ".")
	if err != nil {
		t.Fatal(err)
	}
	fs := []result.Finding{{RuleID: "NET-001", Address: "aws_security_group_rule.app_ingress[1]", Attribute: "cidr_blocks"}}
	ix.Annotate(fs, fixturePlan(t, "count-rules"), nil)
	want := fixtureLine(t, "count-rules", "terraform.tfvars", `cidrs = ["0.0.0.0/0"]`, 1)
	if fs[0].VarFile != "env/prod.tfvars" || fs[0].VarLine != want {
		t.Errorf("var location %s:%d, want env/prod.tfvars:%d", fs[0].VarFile, fs[0].VarLine, want)
	}
	// Set by -var (a value no file holds): no tfvars line is claimed.
	p := fixturePlan(t, "count-rules")
	p.Variables["app_rules"].Value = []any{map[string]any{"port": 1, "cidrs": []any{"0.0.0.0/0"}}, map[string]any{"port": 2, "cidrs": []any{"0.0.0.0/0"}}}
	fs = []result.Finding{{RuleID: "NET-001", Address: "aws_security_group_rule.app_ingress[1]", Attribute: "cidr_blocks"}}
	ix.Annotate(fs, p, nil)
	if fs[0].VarFile != "" || fs[0].SetAt != nil {
		t.Errorf("-var value: var %s:%d set %+v, want none", fs[0].VarFile, fs[0].VarLine, fs[0].SetAt)
	}
	// Without the plan's values the auto-loaded file is all there is.
	fs = []result.Finding{{RuleID: "NET-001", Address: "aws_security_group_rule.app_ingress[1]", Attribute: "cidr_blocks"}}
	ix.Annotate(fs, nil, nil)
	if fs[0].VarFile != "terraform.tfvars" {
		t.Errorf("without a plan: var file %q, want terraform.tfvars", fs[0].VarFile)
	}
}

// A value written inside a registry module was chosen by calling that
// module: the finding also points at the call, the repository's own line.
func TestInstalledModuleCall(t *testing.T) {
	ix, err := Load(filepath.Join(fixtures, "registry-modules"), ".")
	if err != nil {
		t.Fatal(err)
	}
	fs := []result.Finding{
		{RuleID: "RDS-006", Address: "module.orders_db.module.db_instance.aws_db_instance.this", Attribute: "skip_final_snapshot"},
		{RuleID: "X", Address: "module.web_sg.aws_security_group.this"},
	}
	ix.Annotate(fs, nil, nil)
	for i, addr := range []string{"module.orders_db", "module.web_sg"} {
		want := fixtureLine(t, "registry-modules", "main.tf", `module "`+strings.TrimPrefix(addr, "module.")+`" {`, 1)
		s := fs[i].SetAt
		if s == nil || s.Kind != "module" || s.File != "main.tf" || s.Line != want || len(s.Via) != 1 || s.Via[0].Module != addr {
			t.Errorf("%s: set at %+v, want the call of %s at main.tf:%d", fs[i].Address, s, addr, want)
		}
	}
	// A local module's own literal stays at its line: that file is in the
	// repository.
	ix, err = Load(filepath.Join(fixtures, "nested-foreach"), ".")
	if err != nil {
		t.Fatal(err)
	}
	fs = []result.Finding{{Address: `module.service["api"].aws_s3_bucket_public_access_block.assets`, Attribute: "ignore_public_acls"}}
	ix.Annotate(fs, nil, nil)
	if fs[0].SetAt != nil {
		t.Errorf("local module literal: set at %+v, want none", fs[0].SetAt)
	}
}
