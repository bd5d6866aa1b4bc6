package policy

import (
	"os"
	"runtime"
	"testing"

	"github.com/saprism/tfgate/bench/gen"
	"github.com/saprism/tfgate/internal/plan"
)

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestSizeTmp(t *testing.T) {
	if os.Getenv("SIZE") == "" {
		t.Skip()
	}
	data := gen.Plan(10000)
	h0 := heap()
	p, err := plan.Parse(data, "generated")
	if err != nil {
		t.Fatal(err)
	}
	h1 := heap()
	v, err := vmInput(p.Input, true)
	if err != nil {
		t.Fatal(err)
	}
	h2 := heap()
	a, err := convertInput(p.Input, true)
	if err != nil {
		t.Fatal(err)
	}
	h3 := heap()
	t.Logf("plan bytes %d MB; parsed plan (map+typed) %d MB; fjson %d MB; ast %d MB", len(data)>>20, (h1-h0)>>20, (h2-h1)>>20, (h3-h2)>>20)
	runtime.KeepAlive(v)
	runtime.KeepAlive(a)
	runtime.KeepAlive(p)
}
