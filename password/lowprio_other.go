//go:build !linux

package password

// lowPriority runs fn. Only Linux sets a priority per thread (see
// lowprio_linux.go); elsewhere hashes run at the process's priority.
func lowPriority(fn func()) { fn() }
