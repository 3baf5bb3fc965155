//go:build linux

package password

import (
	"runtime"
	"syscall"
)

// Hashes run at a lower CPU priority than the rest of the process. A hash
// is tens of milliseconds of CPU; during a flood of sign-ins one runs all
// the time, and on a small machine the threads answering session reads
// then wait for a CPU behind it. Linux gives each thread its own nice
// value, so hashes run on worker threads of their own at hashNice (or
// nicer still, when the process already is): the kernel hands a CPU to the
// process's other threads first, and hashes get all the CPU left over.
// Under full load a hash takes longer (a nice-10 thread gets about a tenth
// of a contended CPU), which is the point: sign-ins wait, reads do not.
// The workers are locked to their threads; setpriority failing (a
// sandbox) leaves them at the process's priority.

// hashNice is the nice value of the hashing threads.
const hashNice = 10

// hashJob is one hash for a worker.
type hashJob struct {
	fn   func()
	done chan struct{}
}

// idleWorkers holds the workers waiting for a hash; past its capacity a
// worker ends (with its thread) after its hash. The bound on concurrent
// hashes keeps the number at work small.
var idleWorkers = make(chan chan hashJob, 64)

// lowPriority runs fn on a hashing worker thread and returns when it is
// done.
func lowPriority(fn func()) {
	var w chan hashJob
	select {
	case w = <-idleWorkers:
	default:
		w = make(chan hashJob)
		go hashWorker(w)
	}
	done := make(chan struct{})
	w <- hashJob{fn: fn, done: done}
	<-done
}

func hashWorker(jobs chan hashJob) {
	runtime.LockOSThread() // never unlocked: the thread keeps its nice value and ends with the worker
	tid := syscall.Gettid()
	// The raw getpriority returns 20 - nice; only ever raise the nice value.
	if p, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil && 20-p < hashNice {
		_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, hashNice)
	}
	for j := range jobs {
		j.fn()
		close(j.done)
		select {
		case idleWorkers <- jobs:
		default:
			return
		}
	}
}
