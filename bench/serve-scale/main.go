// Command serve-scale shows `authgo serve` scaled out: three instances
// behind HAProxy on one PostgreSQL and one Redis, under a mixed load of
// session reads, verify calls, sign-ins and sign-outs. One instance is
// killed (SIGKILL) in the middle and started again later. It prints, per
// phase, throughput, p50/p99 latency and errors (those within a second of
// the kill, when requests in flight on the killed instance fail, apart);
// then shows that rate limits hold across instances (failed sign-ins spread
// over the three share one budget) and that a sign-out on one instance is
// refused by every instance within the documented delay.
//
//	go run ./bench/serve-scale [-session database|jwt] [-phase 10s] [-workers 16]
//
// It needs haproxy, psql and redis-cli, PostgreSQL and Redis (the URLs of
// AUTHGO_TEST_POSTGRES_URL and AUTHGO_TEST_REDIS_URL, default the local
// servers), and builds cmd/authgo. Everything runs on loopback ports it
// picks; it uses a schema and a Redis key prefix of its own and removes
// them at the end. The load is closed-loop (each worker waits for its
// answer), and the load generator, HAProxy and the servers share the
// machine: it prints the load average before and after.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

var (
	session = flag.String("session", "database", "session strategy of the instances: database or jwt")
	phase   = flag.Duration("phase", 10*time.Second, "length of each load phase")
	workers = flag.Int("workers", 16, "concurrent virtual users")
)

const (
	secret   = "serve-scale-secret-of-at-least-32-bytes-long"
	password = "correct horse battery"
	nUsers   = 40
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	if *session != "database" && *session != "jwt" {
		log.Fatal("-session must be database or jwt")
	}
	for _, bin := range []string{"haproxy", "psql", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			fatalf("%s is needed (apt-get install haproxy postgresql-client redis-tools)", bin)
		}
	}
	fmt.Printf("load average before: %s", loadavg())
	dir, err := os.MkdirTemp("", "serve-scale")
	check(err)
	defer os.RemoveAll(dir)
	r := &run{dir: dir}
	current = r
	defer r.cleanup()
	r.setUp()
	r.load()
	r.rateLimit()
	r.revocation()
	fmt.Printf("load average after: %s", loadavg())
}

// current is the run that fatal cleans up after.
var current *run

// fatalf stops the processes the run started and removes its schema and
// keys, then exits.
func fatalf(format string, args ...any) {
	if current != nil {
		current.cleanup()
	}
	log.Fatalf(format, args...)
}

type run struct {
	dir       string
	bin       string
	pg, redis string // the base URLs
	schema    string
	prefix    string
	front     string // HAProxy's origin
	inst      []*instance
	haproxy   *exec.Cmd
	cfg, env  []string
	cleanups  []func()
}

type instance struct {
	addr string
	cmd  *exec.Cmd
}

func (r *run) cleanup() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func (r *run) setUp() {
	r.pg = env("AUTHGO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	r.redis = env("AUTHGO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
	stamp := time.Now().UnixNano()
	r.schema = fmt.Sprintf("serve_scale_%d", stamp)
	r.prefix = fmt.Sprintf("authgo-scale-%d:", stamp)
	r.bin = filepath.Join(r.dir, "authgo")
	cmd := exec.Command("go", "build", "-o", r.bin, "./cmd/authgo")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	check(cmd.Run())
	psql("CREATE SCHEMA " + r.schema)
	r.cleanups = append(r.cleanups, func() { psql("DROP SCHEMA " + r.schema + " CASCADE") }, r.dropRedisKeys)

	hash := runOut(strings.NewReader(password+"\n"), r.bin, "serve", "--hash-password")
	var users strings.Builder
	for i := range nUsers {
		role := []string{"viewer", "editor", "admin"}[i%3]
		fmt.Fprintf(&users, "  - {email: user%d@example.com, role: %s, password_hash: %q}\n", i, role, strings.TrimSpace(hash))
	}
	fmt.Fprintf(&users, "  - {email: victim@example.com, role: viewer, password_hash: %q}\n", strings.TrimSpace(hash))
	conf := fmt.Sprintf("session: {strategy: %s}\nredis_prefix: %q\nlog: {level: warn}\naccess:\n  rules:\n    - {path: /admin, roles: [admin]}\n    - {path: /}\nusers:\n%s",
		*session, r.prefix, users.String())
	confPath := filepath.Join(r.dir, "serve.yaml")
	check(os.WriteFile(confPath, []byte(conf), 0o600))

	frontPort := freePort()
	r.front = fmt.Sprintf("http://127.0.0.1:%d", frontPort)
	u, _ := url.Parse(r.pg)
	q := u.Query()
	q.Set("search_path", r.schema)
	u.RawQuery = q.Encode()
	r.env = append(os.Environ(), "AUTH_SECRET="+secret, "AUTH_URL="+r.front+"/api/auth", "AUTHGO_DATABASE_URL="+u.String(), "AUTHGO_REDIS_URL="+r.redis)
	r.cfg = []string{"--config", confPath}
	for i := range 3 {
		r.inst = append(r.inst, &instance{addr: fmt.Sprintf("127.0.0.1:%d", freePort())})
		r.start(i)
	}
	r.startHAProxy(frontPort)
	fmt.Printf("3 × authgo serve (%s sessions) behind HAProxy %s; PostgreSQL schema %s; Redis prefix %s\n", *session, r.front, r.schema, r.prefix)
}

func (r *run) start(i int) {
	in := r.inst[i]
	logf, err := os.OpenFile(filepath.Join(r.dir, fmt.Sprintf("authgo-%d.log", i+1)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	check(err)
	in.cmd = exec.Command(r.bin, append([]string{"serve", "--addr", in.addr}, r.cfg...)...)
	in.cmd.Env, in.cmd.Stdout, in.cmd.Stderr = r.env, logf, logf
	check(in.cmd.Start())
	r.cleanups = append(r.cleanups, func() { _ = in.cmd.Process.Signal(syscall.SIGTERM); _ = in.cmd.Wait() })
	waitFor("http://"+in.addr+"/readyz", 200)
}

func (r *run) kill(i int) {
	_ = r.inst[i].cmd.Process.Kill()
	_ = r.inst[i].cmd.Wait()
}

func (r *run) startHAProxy(port int) {
	var servers strings.Builder
	for i, in := range r.inst {
		fmt.Fprintf(&servers, "    server s%d %s check inter 500ms fall 2 rise 2\n", i+1, in.addr)
	}
	cfg := fmt.Sprintf(`global
    maxconn 1024
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    option forwardfor
    option redispatch 1
    retries 3
    retry-on conn-failure empty-response
frontend front
    bind 127.0.0.1:%d
    default_backend authgo
backend authgo
    balance roundrobin
    option httpchk GET /readyz
%s`, port, servers.String())
	path := filepath.Join(r.dir, "haproxy.cfg")
	check(os.WriteFile(path, []byte(cfg), 0o600))
	r.haproxy = exec.Command("haproxy", "-db", "-f", path)
	logf, err := os.Create(filepath.Join(r.dir, "haproxy.log"))
	check(err)
	r.haproxy.Stdout, r.haproxy.Stderr = logf, logf
	check(r.haproxy.Start())
	r.cleanups = append(r.cleanups, func() { _ = r.haproxy.Process.Kill(); _ = r.haproxy.Wait() })
	waitFor(r.front+"/healthz", 200)
}

func (r *run) dropRedisKeys() {
	u, _ := url.Parse(r.redis)
	args := []string{"-h", u.Hostname(), "-p", u.Port(), "-n", strings.TrimPrefix(u.Path, "/")}
	keys := runOut(nil, "redis-cli", append(args, "--scan", "--pattern", r.prefix+"*")...)
	if ks := strings.Fields(keys); len(ks) > 0 {
		runOut(nil, "redis-cli", append(append(args, "del"), ks...)...)
	}
}

func freePort() int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitFor(u string, status int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == status {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	fatalf("%s did not answer %d within 30s", u, status)
}

func psql(sql string) {
	runOut(nil, "psql", "-q", "-v", "ON_ERROR_STOP=1", env("AUTHGO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "-c", sql)
}

func runOut(stdin io.Reader, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		fatalf("%s: %v: %s", name, err, errb.String())
	}
	return out.String()
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown\n"
	}
	return string(b)
}

func check(err error) {
	if err != nil && !errors.Is(err, os.ErrProcessDone) {
		fatalf("%v", err)
	}
}
