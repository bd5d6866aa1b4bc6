package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/saprism/tfgate/internal/result"
)

// BenchmarkReport renders a result of 1000 findings in every format.
func BenchmarkReport(b *testing.B) {
	r := &result.Result{Environment: "production"}
	for i := 0; i < 1000; i++ {
		r.Findings = append(r.Findings, result.Finding{
			RuleID: fmt.Sprintf("R-%03d", i%40), Address: fmt.Sprintf("aws_s3_bucket.b[%d]", i),
			Enforcement: []result.Enforcement{result.Deny, result.Warning, result.Advisory}[i%3],
			Severity:    result.High, Message: fmt.Sprintf("aws_s3_bucket.b[%d]: bucket is not encrypted (server_side_encryption = null)", i),
			File: "terraform/storage.tf", Line: i%300 + 1,
		})
	}
	r.Decide()
	for _, format := range Formats {
		b.Run(format, func(b *testing.B) {
			rep, err := New(format, Options{})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := rep.Report(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
