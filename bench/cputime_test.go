package bench

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user + system) this process has used so far.
// On a shared machine wall time per op swings with other load; CPU time
// per op is the steadier measure of the work done, so benchmarks report
// both.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a cpu-ms/op metric measured from start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
