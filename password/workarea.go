package password

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// areaMaxBlocks is the largest work area the free list keeps (64 MiB); a
// hash with more memory gets an area of its own that the GC frees.
const areaMaxBlocks = 64 << 10

// idleCycles is how many GC cycles the free list waits, unused, before it
// lets its areas go. The runtime runs a cycle at least every two minutes,
// so an idle process gives the memory back within minutes.
const idleCycles = 2

// areaList is the free list of argon2id work areas. A hash takes an area
// for its whole computation and gives it back; an area is made only when
// the list is empty, and the list keeps no more areas than the bound on
// concurrent hashes allows, so no more areas exist than hashes may run at
// once. (A sync.Pool would not promise that: an area left in one P's
// private slot is invisible to a hash on another P, which makes a new one.)
// The areas are dropped after idleCycles GC cycles without a hash.
type areaList struct {
	mu   sync.Mutex
	free [][]block
	used bool // an area was taken since the last GC cycle
	idle int  // GC cycles in a row without a hash
	made atomic.Int64
}

var workAreas = newAreaList()

func newAreaList() *areaList {
	l := &areaList{}
	l.watchGC()
	return l
}

// get returns an area of n blocks, the list's last one if it is large
// enough. Every block is written before it is read (RFC 9106 §3.4: the
// first pass makes each block from blocks made before it), so a reused area
// needs no clearing; a new one is zero anyway.
func (l *areaList) get(n int) []block {
	l.mu.Lock()
	l.used = true
	var area []block
	if k := len(l.free); k > 0 {
		area, l.free[k-1] = l.free[k-1], nil
		l.free = l.free[:k-1]
	}
	l.mu.Unlock()
	if cap(area) >= n {
		return area[:n]
	}
	l.made.Add(1)
	return make([]block, n) // a smaller area taken is left to the GC
}

// put gives an area back; it is kept while the list holds fewer than the
// current bound on concurrent hashes and it is not over areaMaxBlocks.
func (l *areaList) put(area []block) {
	if cap(area) > areaMaxBlocks {
		return
	}
	l.mu.Lock()
	if len(l.free) < current.Load().n {
		l.free = append(l.free, area[:cap(area)])
	}
	l.mu.Unlock()
}

// gcCycle is told of each GC cycle; after idleCycles of them without a
// hash it drops the free areas.
func (l *areaList) gcCycle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.used {
		l.used, l.idle = false, 0
		return
	}
	if l.idle++; l.idle >= idleCycles {
		clear(l.free)
		l.free = l.free[:0]
	}
}

// gcSentinel is an object nothing refers to: its cleanup runs after the GC
// cycle that finds it unreachable.
type gcSentinel struct{ _ *int }

// watchGC calls gcCycle after every GC cycle, for as long as the process
// runs: a sentinel's cleanup tells the list and makes the next sentinel.
func (l *areaList) watchGC() {
	runtime.AddCleanup(new(gcSentinel), func(l *areaList) {
		l.gcCycle()
		l.watchGC()
	}, l)
}
