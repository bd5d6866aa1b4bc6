package bench

import (
	"fmt"
	"testing"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/plan"
)

// sizes of the generated plans (resource changes).
var sizes = []int{100, 1000, 10000}

// BenchmarkPlanParse measures plan.Parse alone: JSON decode (twice: the
// typed tfjson.Plan and the policy input map), format checks, sensitive
// masks, action classification, resources_by_type and the summary.
func BenchmarkPlanParse(b *testing.B) {
	for _, n := range sizes {
		data := gen.Plan(n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			start := cpuTime(b)
			for b.Loop() {
				if _, err := plan.Parse(data, "generated"); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, start)
		})
	}
}
