// Package policies holds tfgate's Rego policy library, embedded in the
// binary. The same files run under `opa test policies/` and
// `conftest test --policy policies/ plan.json`.
package policies

import "embed"

// FS holds every .rego file of the library, tests included (the engine
// skips *_test.rego when evaluating; `tfgate policy test` runs them).
//
//go:embed *.rego lib/*.rego aws/*.rego cases/*.rego
var FS embed.FS
