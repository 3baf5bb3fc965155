package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// isolation is the -isolate set-up: two groups of the cgroup v1 cpu
// controller. The server and the reader (this process) go in one whose
// weight (cpu.shares) outweighs every other process on the machine, so
// that they run as on a machine of their own: CPU time the server wants is
// not given to other users' builds, and what a session read waits for is
// the server's own work. The attacker goes in one with the weight of one
// ordinary process (1024), so it still has CPU to keep its requests
// coming; its CPU time is the one thing it takes from the server's cores
// that a remote attacker would not, and the control flood, run the same
// way, shows what that costs.
type isolation struct {
	root            string // the controller's mount
	serverDir, load string
}

const (
	cgroupCPU     = "/sys/fs/cgroup/cpu"
	serverShares  = 262144 // the largest cpu.shares
	attackerShare = 1024   // a nice-0 process's weight
)

func newIsolation() (*isolation, error) {
	if _, err := os.Stat(filepath.Join(cgroupCPU, "cpu.shares")); err != nil {
		return nil, fmt.Errorf("-isolate needs the cgroup v1 cpu controller at %s (and root): %v", cgroupCPU, err)
	}
	base := "authgo-hash-flood-" + strconv.Itoa(os.Getpid())
	iso := &isolation{root: cgroupCPU, serverDir: filepath.Join(cgroupCPU, base+"-server"), load: filepath.Join(cgroupCPU, base+"-attacker")}
	for dir, shares := range map[string]int{iso.serverDir: serverShares, iso.load: attackerShare} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			iso.remove()
			return nil, fmt.Errorf("-isolate: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "cpu.shares"), []byte(strconv.Itoa(shares)), 0o644); err != nil {
			iso.remove()
			return nil, fmt.Errorf("-isolate: %v", err)
		}
	}
	return iso, nil
}

func (iso *isolation) server() string {
	if iso == nil {
		return ""
	}
	return iso.serverDir
}

func (iso *isolation) attacker() string {
	if iso == nil {
		return ""
	}
	return iso.load
}

// place moves the processes (every thread of each) into the group dir.
func (iso *isolation) place(dir string, pids ...int) error {
	if iso == nil {
		return nil
	}
	for _, pid := range pids {
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
			return fmt.Errorf("-isolate: moving process %d: %v", pid, err)
		}
	}
	return nil
}

// remove moves this process back to the root group and removes both
// groups (the children have ended by then).
func (iso *isolation) remove() {
	if iso == nil {
		return
	}
	_ = os.WriteFile(filepath.Join(iso.root, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	for _, dir := range []string{iso.serverDir, iso.load} {
		if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(os.Stderr, "hash-flood: -isolate:", err)
		}
	}
}

func (iso *isolation) describe() string {
	if iso == nil {
		return "not isolated: server, reader and attacker (nice 19) share the machine with everything else on it"
	}
	return fmt.Sprintf("isolated: server and reader at cpu.shares %d, attacker at %d (cgroup v1)", serverShares, attackerShare)
}
