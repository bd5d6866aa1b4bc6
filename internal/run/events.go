package run

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Emit writes one tfgate event on the --json stream (w), timestamped like
// Terraform's own events it is interleaved with.
func Emit(w io.Writer, ev map[string]any) {
	ev["@timestamp"] = time.Now().UTC().Format(time.RFC3339Nano)
	data, _ := json.Marshal(ev)
	fmt.Fprintln(w, string(data))
}
