package report

import (
	"encoding/json"
	"io"

	"github.com/saprism/tfgate/internal/result"
)

// jsonReporter writes the versioned result document (result.SchemaVersion;
// its shape is described by schema/result.schema.json). CI pipelines parse
// it, so fields are only ever added.
type jsonReporter struct{}

func (jsonReporter) Report(w io.Writer, r *result.Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Messages quote Terraform expressions ("<computed>", "a && b"): keep
	// them readable; the document is never embedded in HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
