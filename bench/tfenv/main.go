// Command tfenv prints, as shell `export` lines, the environment tfgate
// gives Terraform for one environment in local mode (TF_DATA_DIR, the
// running emulator's endpoint and fake credentials, every other AWS_*
// variable dropped), plus TFGATE_WORKDIR (where tfgate runs terraform) and
// TFGATE_VARFILES (the environment's var files, absolute). bench/wrapper.sh
// uses it to run plain terraform exactly where and how tfgate does, so the
// difference it measures is tfgate's own overhead.
//
//	go run ./bench/tfenv -env dev   # from the repository root; the emulator must run
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/emulator"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

func main() {
	env := flag.String("env", "dev", "environment")
	flag.Parse()
	if err := run(*env); err != nil {
		fmt.Fprintln(os.Stderr, "tfenv:", err)
		os.Exit(1)
	}
}

func run(envName string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	cfg, err := config.Load(root)
	if err != nil {
		return err
	}
	layout, err := tfg.NewLayout(cfg, envName, true)
	if err != nil {
		return err
	}
	emu, err := emulator.Attach(config.EmulatorDir(cfg.Root))
	if err != nil {
		return fmt.Errorf("emulator: %w (start it with tfgate local start)", err)
	}
	env, _, err := tfg.BuildEnv(tfg.EnvOptions{Layout: layout, Emulator: emulator.EnvFor(emu.Endpoint(), nil)})
	if err != nil {
		return err
	}
	if err := emulator.CheckLocalSafety(tfg.Pairs(env)); err != nil {
		return err
	}
	varFiles, err := cfg.VarFiles(envName, nil)
	if err != nil {
		return err
	}
	for i, f := range varFiles {
		if !filepath.IsAbs(f) {
			varFiles[i] = filepath.Join(cfg.Root, f)
		}
	}
	for _, kv := range tfg.Pairs(env) {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || k == "TF_DATA_DIR" {
			fmt.Printf("export %s=%s\n", k, shellQuote(v))
		}
	}
	fmt.Printf("export TFGATE_WORKDIR=%s\n", shellQuote(layout.WorkDir()))
	fmt.Printf("export TFGATE_VARFILES=%s\n", shellQuote(strings.Join(varFiles, ":")))
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
