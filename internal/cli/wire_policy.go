package cli

import (
	"context"
	"io"

	"github.com/saprism/tfgate/internal/policy"
	"github.com/saprism/tfgate/internal/result"
)

// The policy engine comes from internal/policy.

func policyTest(ctx context.Context, dirs []string, w io.Writer, coverage bool) (bool, error) {
	return policy.Test(ctx, dirs, w, coverage)
}

func policyRules(ctx context.Context, dirs []string, over map[string]map[string]string) ([]result.Rule, error) {
	e, err := policy.New(ctx, policy.Options{ExtraDirs: dirs, Overrides: over})
	if err != nil {
		return nil, err
	}
	return e.Rules(), nil
}
