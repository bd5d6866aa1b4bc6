// Package terraform drives the Terraform CLI for tfgate, and only through
// hashicorp/terraform-exec; plans are read with hashicorp/terraform-json.
//
// It owns four things:
//
//   - finding the binary (Find, Ensure, Finder): TFGATE_TERRAFORM, else PATH,
//     else tfgate's cache; Terraform older than MinVersion is refused. Ensure
//     installs PinnedVersion into the cache when none is found: from
//     releases.hashicorp.com through hashicorp/hc-install (signature and
//     checksum verified), else built from the Go module proxy (GoProxy);
//   - the provider mirror (PluginDir): --plugin-dir, TFGATE_PLUGIN_DIR, else
//     Terraform's implied local mirror directories; without one Terraform
//     asks the registry, and a provider it cannot get becomes a
//     *ProviderMissingError naming both fixes;
//   - the per-environment working state (Layout) under .tfgate/<env>/:
//     AWS mode runs in the configuration directory itself with its own
//     TF_DATA_DIR and an S3 backend configured by -backend-config; local mode
//     (--local) runs a copy of the configuration in .tfgate/<env>/local/work/
//     with a backend_override.tf that keeps state in .tfgate/<env>/local/,
//     so the emulator's state never mixes with real state and terraform/ is
//     never written to;
//   - running commands (Runner), turning Terraform's JSON UI stream into
//     progress (Progress) and diagnostics with file:line, and interrupts
//     (Interrupt) that let Terraform stop cleanly.
//
// # Reusing it from Terratest
//
// Suites plan through the same working directory, environment and provider
// handling as tfgate with Workdir:
//
//	dir, env, varFiles, err := terraform.Workdir(cfg, "dev", true)
//	opts := &tt.Options{TerraformDir: dir, VarFiles: varFiles, EnvVars: terraform.EnvMap(env)}
//
// env holds TF_DATA_DIR and, when a provider mirror is found,
// TF_CLI_ARGS_init=-plugin-dir=DIR; in local mode the caller adds the
// emulator's variables (internal/emulator Env) itself.
package terraform
