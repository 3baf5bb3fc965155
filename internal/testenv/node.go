package testenv

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// package.json pins every npm package the tests use as a reference: the
// Auth.js core and two of its adapters with what they need (@auth/pg-adapter
// with pg, @auth/drizzle-adapter with drizzle-orm and drizzle-kit), the
// next-auth client (with React, its one peer the client
// module loads; --legacy-peer-deps keeps npm from installing Next.js), and
// a real OAuth 2.0 / OIDC server. Change a pin here and
// every test and .ci/run follow.
//
//go:embed package.json
var packageJSON []byte

// NodeDirEnv names the directory whose node_modules holds the pinned
// packages. .ci/run installs them there and sets it; a developer sets it to
// a directory of their choice, e.g. ~/.cache/authgo-node, and the first
// test that needs the packages installs them there with npm.
const NodeDirEnv = "AUTHGO_NODE_DIR"

// nodeEnable is how to enable the tests that need Node.js.
const nodeEnable = "set " + NodeDirEnv + " to a directory for the pinned npm packages, e.g. ~/.cache/authgo-node (needs Node.js 20 and npm; the first run installs them)"

var nodeOnce struct {
	sync.Mutex
	dir string
}

// NodeDir returns the directory NodeDirEnv names, with the packages pinned
// in package.json in its node_modules: when they are missing they are
// installed there with npm first (guarded by a file lock, so test binaries
// running at once install once). Unset, the test is skipped (failed under
// CI) even where Node.js is installed: npm installs reach the network and
// take minutes, so they happen only when asked for. Without node or npm,
// or when the install fails, the test is skipped too.
func NodeDir(t testing.TB) string {
	t.Helper()
	nodeOnce.Lock()
	defer nodeOnce.Unlock()
	if nodeOnce.dir != "" {
		return nodeOnce.dir
	}
	dir := os.Getenv(NodeDirEnv)
	if dir == "" {
		unavailable(t, NodeDirEnv, NodeDirEnv+" is not set", nodeEnable)
	}
	for _, bin := range []string{"node", "npm"} {
		if _, err := exec.LookPath(bin); err != nil {
			unavailable(t, NodeDirEnv, bin+" is not installed", nodeEnable)
		}
	}
	if checkInstalled(dir) != nil {
		if err := install(dir); err != nil {
			unavailable(t, NodeDirEnv, "npm install of the pinned test packages into "+dir+" failed: "+err.Error(), "check that the npm registry is reachable")
		}
	}
	nodeOnce.dir = dir
	return dir
}

func checkInstalled(dir string) error {
	var pins struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := jsonUnmarshal(packageJSON, &pins); err != nil {
		return err
	}
	for name := range pins.Dependencies {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", name, "package.json")); err != nil {
			return fmt.Errorf("package %s is not installed there", name)
		}
	}
	return nil
}

func install(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if checkInstalled(dir) == nil {
		return nil
	}
	pj := filepath.Join(dir, "package.json")
	if have, err := os.ReadFile(pj); err == nil && !bytes.Equal(have, packageJSON) {
		// Not ours to overwrite: the variable may name a project's folder.
		return fmt.Errorf("%s holds another package.json; name an empty directory", dir)
	}
	if err := os.WriteFile(pj, packageJSON, 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", "--loglevel=error")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(out, 5))
	}
	// better-sqlite3's native binding comes from its install script.
	cmd = exec.CommandContext(ctx, "npm", "rebuild", "better-sqlite3", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(out, 5))
	}
	return checkInstalled(dir)
}

// RunNode runs a Node.js ES module script with the pinned packages
// resolvable, feeding it stdin, and returns what it printed on stdout. A
// non-zero exit fails the test with the script's stderr.
func RunNode(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	dir := NodeDir(t)
	f := filepath.Join(dir, fmt.Sprintf("script-%d-%d.mjs", os.Getpid(), time.Now().UnixNano()))
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{f}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node script failed: %v\n%s", err, lastLines(stderr.Bytes(), 20))
	}
	return stdout.Bytes()
}

// StartNode starts a long-running Node.js ES module script (a server) with the
// pinned packages resolvable and stops it when the test ends. It waits until
// the script prints a line containing ready and returns that line.
func StartNode(t testing.TB, script, ready string, args ...string) string {
	t.Helper()
	dir := NodeDir(t)
	f := filepath.Join(dir, fmt.Sprintf("server-%d-%d.mjs", os.Getpid(), time.Now().UnixNano()))
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(f) })
	cmd := exec.Command("node", append([]string{f}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		buf := make([]byte, 0, 4096)
		tmp := make([]byte, 1024)
		for {
			n, err := out.Read(tmp)
			buf = append(buf, tmp[:n]...)
			for {
				i := bytes.IndexByte(buf, '\n')
				if i < 0 {
					break
				}
				line := string(buf[:i])
				buf = buf[i+1:]
				if strings.Contains(line, ready) {
					select {
					case lines <- line:
					default:
					}
				}
			}
			if err != nil {
				close(lines)
				return
			}
		}
	}()
	select {
	case line, ok := <-lines:
		if !ok {
			t.Fatalf("node server exited before it was ready:\n%s", lastLines(stderr.Bytes(), 20))
		}
		return line
	case <-time.After(30 * time.Second):
		t.Fatalf("node server not ready after 30s:\n%s", lastLines(stderr.Bytes(), 20))
	}
	return ""
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
