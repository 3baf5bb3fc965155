package password

import (
	"math"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// bound is the process's bound on concurrent hashing: a semaphore and its
// size. SetMaxConcurrent swaps it whole; a hash in progress gives its slot
// back to the bound it took it from.
type bound struct {
	sem *semaphore.Weighted
	n   int
}

var current atomic.Pointer[bound]

func init() { current.Store(newBound(DefaultMaxConcurrent())) }

func newBound(n int) *bound { return &bound{sem: semaphore.NewWeighted(int64(n)), n: n} }

// memoryShare is the part of the Go memory limit that hashing may use.
const memoryShare = 4

// DefaultMaxConcurrent returns the bound a process starts with: half of
// GOMAXPROCS, at least one, so that hashing never takes every CPU from the
// rest of the application (session reads above all); and, when a Go memory
// limit is set (GOMEMLIMIT or debug.SetMemoryLimit), no more hashes with
// DefaultParams than fit in a quarter of it, again at least one.
func DefaultMaxConcurrent() int {
	n := max(1, runtime.GOMAXPROCS(0)/2)
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		perHash := int64(DefaultParams().Memory) * 1024
		n = min(n, max(1, int(limit/memoryShare/perHash)))
	}
	return n
}

// SetMaxConcurrent sets how many hashes Hash, Verify, DummyVerify and the
// holders of Acquire may compute at once in this process, and returns the
// previous bound; n < 1 restores DefaultMaxConcurrent. Hashes in progress
// finish under the bound they started with, so for a moment after a change
// both bounds' hashes may run. The bound is per process because CPUs and
// memory are: every Hasher shares it.
func SetMaxConcurrent(n int) (previous int) {
	if n < 1 {
		n = DefaultMaxConcurrent()
	}
	return current.Swap(newBound(n)).n
}

// Acquire takes one of the process's hashing slots for work of the
// caller's own, such as a hash of an algorithm this package does not
// compute, and returns the function that gives it back (calling it more
// than once gives the slot back once). When every slot is taken it returns
// ErrBusy at once; it never waits.
func Acquire() (release func(), err error) {
	b := current.Load()
	if !b.sem.TryAcquire(1) {
		return nil, ErrBusy
	}
	return sync.OnceFunc(func() { b.sem.Release(1) }), nil
}
