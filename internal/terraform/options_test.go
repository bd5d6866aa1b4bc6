package terraform

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// The option builders are tested against terraform-exec's own option
// constructors: what tfgate asks for is exactly what tfexec turns into
// arguments, with no binary needed.

func TestInitOptions(t *testing.T) {
	tests := []struct {
		name string
		in   InitOptions
		want []tfexec.InitOption
	}{
		{"registry, backend", InitOptions{}, []tfexec.InitOption{tfexec.Backend(true), tfexec.Upgrade(false), tfexec.Reconfigure(false)}},
		{"mirror, local reconfigure", InitOptions{PluginDir: "/m", Reconfigure: true},
			[]tfexec.InitOption{tfexec.Backend(true), tfexec.Upgrade(false), tfexec.Reconfigure(true), tfexec.PluginDir("/m")}},
		{"validate only", InitOptions{NoBackend: true, PluginDir: "/m"},
			[]tfexec.InitOption{tfexec.Backend(false), tfexec.Upgrade(false), tfexec.Reconfigure(false), tfexec.PluginDir("/m")}},
		{"backend config sorted", InitOptions{BackendConfig: map[string]string{"region": "eu-west-1", "bucket": "b", "key": "k"}},
			[]tfexec.InitOption{tfexec.Backend(true), tfexec.Upgrade(false), tfexec.Reconfigure(false),
				tfexec.BackendConfig("bucket=b"), tfexec.BackendConfig("key=k"), tfexec.BackendConfig("region=eu-west-1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.options(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestPlanOptions(t *testing.T) {
	tests := []struct {
		name string
		in   PlanOptions
		want []tfexec.PlanOption
	}{
		{"empty", PlanOptions{}, nil},
		{"saved plan with var files then vars", PlanOptions{Out: "/p/tfplan", VarFiles: []string{"/a.tfvars", "/b.tfvars"}, Vars: []string{"x=1"}},
			[]tfexec.PlanOption{tfexec.Out("/p/tfplan"), tfexec.VarFile("/a.tfvars"), tfexec.VarFile("/b.tfvars"), tfexec.Var("x=1")}},
		{"destroy with lock timeout", PlanOptions{Destroy: true, LockTimeout: "30s"},
			[]tfexec.PlanOption{tfexec.Destroy(true), tfexec.LockTimeout("30s")}},
		{"refresh-only (drift)", PlanOptions{Out: "/p/drift", RefreshOnly: true},
			[]tfexec.PlanOption{tfexec.Out("/p/drift"), tfexec.RefreshOnly(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.options(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("options() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestApplyOptionsOnlySavedPlan(t *testing.T) {
	if _, err := (ApplyOptions{}).options(); err == nil {
		t.Fatal("apply without a saved plan must be refused")
	}
	got, err := ApplyOptions{PlanFile: "/p/tfplan", LockTimeout: "5s"}.options()
	if err != nil {
		t.Fatal(err)
	}
	want := []tfexec.ApplyOption{tfexec.DirOrPlan("/p/tfplan"), tfexec.LockTimeout("5s")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options() = %#v, want %#v", got, want)
	}
}

func TestDestroyOptions(t *testing.T) {
	got := DestroyOptions{VarFiles: []string{"/a.tfvars"}, Vars: []string{"k=v"}}.options()
	want := []tfexec.DestroyOption{tfexec.VarFile("/a.tfvars"), tfexec.Var("k=v")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options() = %#v, want %#v", got, want)
	}
}

func TestRefreshOptions(t *testing.T) {
	got := RefreshOptions{VarFiles: []string{"/a.tfvars"}, Vars: []string{"k=v"}, LockTimeout: "5s"}.options()
	want := []tfexec.ApplyOption{tfexec.RefreshOnly(true), tfexec.VarFile("/a.tfvars"), tfexec.Var("k=v"), tfexec.LockTimeout("5s")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options() = %#v, want %#v", got, want)
	}
}
