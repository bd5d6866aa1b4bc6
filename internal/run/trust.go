package run

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/saprism/tfgate/internal/config"
	"github.com/saprism/tfgate/internal/result"
	"github.com/saprism/tfgate/internal/trust"
)

// trustedPolicy returns the config the gate judges by: cfg itself, or with
// --trusted-ref its policy side read from that commit, plus the policy
// changes the working tree makes (reported, effective after merge). done
// removes the commit's checkout.
func trustedPolicy(ctx context.Context, cfg *config.Config, o PlanOptions, log io.Writer) (*config.Config, *result.PolicyChanges, func(), error) {
	if o.TrustedRef == "" {
		return cfg, nil, func() {}, nil
	}
	if len(o.PolicyDirs) > 0 {
		return nil, nil, nil, errors.New("--policy cannot be combined with --trusted-ref: list the directory in tfgate.yaml policy_dirs so it is read from the trusted commit")
	}
	snap, err := trust.Open(ctx, cfg.Root, o.TrustedRef)
	if err != nil {
		return nil, nil, nil, err
	}
	changes, err := snap.Compare(ctx, cfg)
	if err != nil {
		snap.Close()
		return nil, nil, nil, err
	}
	fmt.Fprintf(log, "policy: judged by the policies, enforcement and exceptions of %s (%.12s); %d policy change(s) pending review\n", snap.Ref, snap.Commit, len(changes.Changes))
	return snap.Apply(cfg), changes, func() { snap.Close() }, nil
}
