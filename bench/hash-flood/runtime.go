package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime/metrics"
	"time"
)

// The server answers GET /debug/runtime with runtimeSample, so that each
// phase can print what the server's Go runtime did: GC cycles, the CPU
// they took, and how long goroutines waited to run (the scheduler latency:
// a session read that is ready but finds no free P waits here).
const runtimePath = "/debug/runtime"

// runtimeSample is a snapshot of the server's cumulative runtime metrics.
type runtimeSample struct {
	GCCycles   uint64    `json:"gc_cycles"`
	GCCPU      float64   `json:"gc_cpu"`       // /cpu/classes/gc/total, seconds
	ScavCPU    float64   `json:"scavenge_cpu"` // /cpu/classes/scavenge/total, seconds
	AllocBytes uint64    `json:"alloc_bytes"`  // /gc/heap/allocs:bytes
	SchedEdges []float64 `json:"sched_edges"`  // /sched/latencies, bucket edges
	SchedCount []uint64  `json:"sched_counts"` // and counts
}

var runtimeNames = []string{
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/scavenge/total:cpu-seconds",
	"/gc/heap/allocs:bytes",
	"/sched/latencies:seconds",
}

func serveRuntime(w http.ResponseWriter, _ *http.Request) {
	s := make([]metrics.Sample, len(runtimeNames))
	for i, n := range runtimeNames {
		s[i].Name = n
	}
	metrics.Read(s)
	h := s[4].Value.Float64Histogram()
	out := runtimeSample{
		GCCycles: s[0].Value.Uint64(), GCCPU: s[1].Value.Float64(), ScavCPU: s[2].Value.Float64(),
		AllocBytes: s[3].Value.Uint64(),
		SchedEdges: h.Buckets, SchedCount: h.Counts,
	}
	for i, e := range out.SchedEdges { // JSON has no infinities
		out.SchedEdges[i] = math.Max(-1e9, math.Min(1e9, e))
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (s *server) runtime() (runtimeSample, error) {
	var out runtimeSample
	resp, err := http.Get(s.base + runtimePath)
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return out, err
	}
	return out, json.Unmarshal(b, &out)
}

// runtimeDelta is what the server's runtime did during one phase.
type runtimeDelta struct {
	gcCycles           uint64
	gcCPU, scavCPU     float64
	allocMiB           float64
	schedP99, schedMax time.Duration
	seconds            float64
	osRun, osWait      time.Duration // the server's threads: on a CPU, and runnable waiting for one
}

func diffRuntime(a, b runtimeSample, d time.Duration) runtimeDelta {
	r := runtimeDelta{
		gcCycles: b.GCCycles - a.GCCycles, gcCPU: b.GCCPU - a.GCCPU, scavCPU: b.ScavCPU - a.ScavCPU,
		allocMiB: float64(b.AllocBytes-a.AllocBytes) / (1 << 20), seconds: d.Seconds(),
	}
	if len(a.SchedCount) != len(b.SchedCount) {
		return r
	}
	counts := make([]uint64, len(b.SchedCount))
	var total uint64
	for i := range counts {
		counts[i] = b.SchedCount[i] - a.SchedCount[i]
		total += counts[i]
	}
	var seen uint64
	for i, c := range counts {
		if c == 0 {
			continue
		}
		seen += c
		upper := time.Duration(b.SchedEdges[i+1] * float64(time.Second))
		if r.schedP99 == 0 && float64(seen) >= 0.99*float64(total) {
			r.schedP99 = upper
		}
		r.schedMax = upper
	}
	return r
}

func (r runtimeDelta) String() string {
	return fmt.Sprintf("threads on a CPU %4.0f ms/s, waiting for one %4.0f ms/s; GC %4.1f/s (GC CPU %3.0f ms/s, scavenger %2.0f ms/s); alloc %4.0f MiB/s; goroutine sched latency p99 ≤ %v, max ≤ %v",
		1000*r.osRun.Seconds()/r.seconds, 1000*r.osWait.Seconds()/r.seconds,
		float64(r.gcCycles)/r.seconds, 1000*r.gcCPU/r.seconds, 1000*r.scavCPU/r.seconds, r.allocMiB/r.seconds,
		r.schedP99.Round(time.Microsecond), r.schedMax.Round(time.Microsecond))
}
