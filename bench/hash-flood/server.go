package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// server is the child process.
type server struct {
	cmd  *exec.Cmd
	base string
}

func startServer(users int) (*server, error) {
	cmd, line, _, err := startChild(nil, os.Stdout, "-serve", "-users", strconv.Itoa(users))
	if err != nil {
		return nil, err
	}
	addr, ok := strings.CutPrefix(line, "listening ")
	if !ok {
		cmd.Process.Kill()
		return nil, fmt.Errorf("server did not start: %q", line)
	}
	return &server{cmd: cmd, base: "http://" + addr}, nil
}

// startChild starts this program with args and returns it with the first
// line it prints; later lines are copied to out, and copied is closed when
// the child's output ends. stdin, when not nil, becomes the
// child's standard input and the child runs under nice 19 where the nice
// command exists (the attacker).
func startChild(stdin io.Reader, out io.Writer, args ...string) (cmd *exec.Cmd, first string, copied chan struct{}, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, "", nil, err
	}
	cmd = exec.Command(exe, args...)
	if stdin != nil {
		if nice, err := exec.LookPath("nice"); err == nil {
			cmd = exec.Command(nice, append([]string{"-n", "19", exe}, args...)...)
		}
		cmd.Stdin = stdin
	}
	cmd.Stderr = os.Stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, "", nil, err
	}
	r := bufio.NewReader(pipe)
	line, err := r.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, "", nil, fmt.Errorf("%s: %q %v", args[0], line, err)
	}
	copied = make(chan struct{})
	go func() {
		_, _ = io.Copy(out, r) // later lines: the attacker's report
		close(copied)
	}()
	return cmd, strings.TrimSpace(line), copied, nil
}

func (s *server) stop() { s.cmd.Process.Kill(); s.cmd.Wait() }

// memory returns the server's VmRSS and VmHWM in MiB.
func (s *server) memory() (rss, hwm float64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, val, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 64)
		switch name {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

// profile writes the server's /debug/pprof/<kind> (trace or profile) of
// its next d to file.
func (s *server) profile(kind, file string, d time.Duration) error {
	resp, err := http.Get(s.base + "/debug/pprof/" + kind + "?seconds=" + strconv.Itoa(max(1, int(d.Seconds()))))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// schedstat returns the CPU time the server's threads have run and the
// time they have waited, runnable, for a CPU (the kernel's run queue),
// summed over its threads (/proc/PID/task/*/schedstat; threads that have
// ended are not counted).
func (s *server) schedstat() (run, wait time.Duration) {
	dir := "/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/task"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return 0, 0
	}
	for _, t := range tasks {
		b, err := os.ReadFile(dir + "/" + t.Name() + "/schedstat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) < 2 {
			continue
		}
		r, _ := strconv.ParseInt(f[0], 10, 64)
		w, _ := strconv.ParseInt(f[1], 10, 64)
		run += time.Duration(r)
		wait += time.Duration(w)
	}
	return run, wait
}
