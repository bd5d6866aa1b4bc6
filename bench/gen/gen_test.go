package gen

import (
	"bytes"
	"testing"

	"github.com/saprism/tfgate/internal/plan"
)

func TestPlanSizesParse(t *testing.T) {
	for _, n := range []int{1, 10, 95, 1000} {
		data := Plan(n)
		p, err := plan.Parse(data, "generated")
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		want := (n + UnitSize - 1) / UnitSize * UnitSize
		if got := len(p.Addresses); got != want {
			t.Fatalf("n=%d: %d resource changes, want %d", n, got, want)
		}
		if p.Summary.Add != creates(want) {
			t.Fatalf("n=%d: %d creates, want %d", n, p.Summary.Add, creates(want))
		}
		if !bytes.Equal(data, Plan(n)) {
			t.Fatalf("n=%d: output not deterministic", n)
		}
	}
}

// creates counts resources in units being created (one unit in ten).
func creates(resources int) int {
	c := 0
	for i := range resources / UnitSize {
		if i%10 == 0 {
			c += UnitSize
		}
	}
	return c
}

func TestSensitiveValuesMarked(t *testing.T) {
	p, err := plan.Parse(Plan(100), "generated")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(mustJSON(t, p.Input.Go()), []byte("CANARY-bench-not-a-real-secret")) {
		t.Fatal("generated sensitive values are not marked sensitive")
	}
}
