// Copyright 2025 The OPA Authors
// SPDX-License-Identifier: Apache-2.0

package vm

import "errors"

// tfgate: EOPA's rego.compile builtin (data filtering: Rego to SQL/UCAST) is
// left out with its compile package; OPA's compiler does not know the
// builtin, so a policy cannot call it and this is never reached.
func regoCompileBuiltin(_, _ *State, _ []Value) error {
	return errors.New("rego.compile is not available in tfgate")
}
