package run

import (
	"context"
	"fmt"

	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Unlock clears the lock a killed run left on an environment and says what
// it did. Without lockID that is tfgate's own lock (terraform.Unlock:
// refused while its holder runs) and, in local mode, Terraform's lock info.
// With lockID (AWS mode) it also removes Terraform's remote state lock of
// that ID — the S3 backend's DynamoDB item or lock file — with
// `terraform force-unlock`, holding tfgate's lock meanwhile so a tfgate run
// still alive on this machine refuses it first.
func Unlock(ctx context.Context, o Options, lockID string) (string, error) {
	if lockID != "" {
		if o.Local {
			return "", fmt.Errorf("--lock-id: local mode keeps no remote state lock; `tfgate unlock --env %s --local` clears what a killed run left", o.Env)
		}
		e, err := Open(ctx, o)
		if err != nil {
			return "", err
		}
		defer e.Close()
		if err := e.Init(ctx, false); err != nil {
			return "", err
		}
		if err := e.runner.ForceUnlock(ctx, lockID); err != nil {
			return "", fmt.Errorf("unlock refused: %w", err)
		}
		return fmt.Sprintf("unlocked %s: removed Terraform's state lock %s", e.layout.Env, lockID), nil
	}
	l, err := tfg.NewLayout(o.Config, o.Env, o.Local)
	if err != nil {
		return "", err
	}
	st, err := tfg.Unlock(l)
	if err != nil {
		return "", fmt.Errorf("unlock refused: %w", err)
	}
	remote := ""
	if !o.Local {
		remote = "; Terraform's remote state lock is not touched: if a killed run left one, Terraform names its ID when a plan fails to lock, and `tfgate unlock --env " + o.Env + " --lock-id ID` removes it"
	}
	if st.Holder == "" && len(st.Files) == 0 {
		return fmt.Sprintf("%s was not locked by tfgate%s", l.Env, remote), nil
	}
	holder := st.Holder
	if holder == "" {
		holder = "a run"
	}
	return fmt.Sprintf("unlocked %s: cleared the lock of %s, which is no longer running %v%s", l.Env, holder, st.Files, remote), nil
}
