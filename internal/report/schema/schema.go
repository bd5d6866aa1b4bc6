// Package schema holds the JSON Schema of the `tfgate --output json`
// document, embedded so tools and tests can validate against it.
package schema

import _ "embed"

// Result is the JSON Schema (2020-12) of result.Result, version 1.
//
//go:embed result.schema.json
var Result []byte
