package testenv

import "testing"

// ReportCPU reports the CPU time per operation of a benchmark as
// cpu-ns/op once its loop ends; call it just before the loop. On a shared
// machine wall-clock ns/op swings with other load; the CPU time the
// process spends per operation swings far less, so benchmarks report
// both. It reads 0 where the platform gives no process CPU time.
func ReportCPU(b *testing.B) {
	b.Helper()
	start := cpuTime()
	b.Cleanup(func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	})
}
