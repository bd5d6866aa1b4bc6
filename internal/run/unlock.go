package run

import (
	"fmt"

	"github.com/saprism/tfgate/internal/config"
	tfg "github.com/saprism/tfgate/internal/terraform"
)

// Unlock clears the lock a killed run left on an environment
// (terraform.Unlock: refused while its holder runs) and says what it did.
func Unlock(cfg *config.Config, env string, local bool) (string, error) {
	l, err := tfg.NewLayout(cfg, env, local)
	if err != nil {
		return "", err
	}
	st, err := tfg.Unlock(l)
	if err != nil {
		return "", fmt.Errorf("unlock refused: %w", err)
	}
	if st.Holder == "" && len(st.Files) == 0 {
		return fmt.Sprintf("%s was not locked", l.Env), nil
	}
	holder := st.Holder
	if holder == "" {
		holder = "a run"
	}
	return fmt.Sprintf("unlocked %s: cleared the lock of %s, which is no longer running %v", l.Env, holder, st.Files), nil
}
