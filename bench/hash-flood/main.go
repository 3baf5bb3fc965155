// Command hash-flood measures whether session reads stay fast while
// anonymous clients flood the password check of a credentials sign-in.
//
// It runs three processes: an authgo server (a real HTTP server on
// loopback; argon2id hashes made by package password with its default
// parameters, checked in Authorize as an app checks them), an attacker,
// and this one, which measures:
//
//  1. it signs one reader in and times GET /api/auth/session on one
//     keep-alive connection for -duration (the idle phase);
//  2. the control flood (unless -control=false): the attacker's -flood
//     workers request GET /api/auth/csrf as fast as they are answered,
//     no password check at all, while the reads are timed again: what the
//     set-up and the request rate alone cost;
//  3. the hashing flood: -flood workers, each posting a wrong password to
//     /api/auth/callback/credentials again as soon as the last one is
//     answered, for emails drawn from -users accounts and, by default,
//     from a fresh client address on every request (X-Forwarded-For
//     through a trusted loopback proxy), so that the rate limits, which
//     stop one client or one account, do not: this is a distributed
//     attacker, and only the bound on concurrent hashing stands between it
//     and the server's CPUs and memory (-one-ip floods from one address
//     instead, which the per-client limit stops). After -warmup the reads
//     are timed for -duration.
//
// It prints the session-read percentiles of each phase with its p99 over
// the idle p99 (the control's beside the hashing flood's, so a reader can
// see what hashing adds), the attacker's answers and rate, the server's
// resident memory (the largest VmRSS seen in each phase, and VmHWM), and
// per phase what the server's Go runtime and threads did: the time its
// threads ran and the time they waited, runnable, for a CPU (the kernel's
// schedstat), GC cycles and their CPU, allocation, and the scheduling
// latency of its goroutines (runtime/metrics /sched/latencies: a session
// read that is ready but finds no free P waits there). It exits 1 when the hashing flood's p99 is more than -factor
// times the idle p99 (default 3). -trace FILE and -cpuprofile FILE record
// the server during the hashing flood (go tool trace, go tool pprof).
//
//	go run ./bench/hash-flood
//	go run ./bench/hash-flood -flood 100 -duration 10s
//	sudo go run ./bench/hash-flood -isolate
//
// Everything shares the machine. The attacker runs at the lowest CPU
// priority (nice 19, where the nice command exists), standing in for a
// client on another machine; the reader has a process of its own. On a
// machine whose CPUs other processes already take, a server that keeps one
// CPU busy hashing has its threads wait for a CPU more often, and its
// session reads with them: the "waiting for one" figure shows how much.
// -isolate (root, cgroup v1 cpu controller at /sys/fs/cgroup/cpu) puts the
// server and the reader in a cgroup whose weight outweighs every other
// process, and the attacker in one of an ordinary process's weight (its
// nice 19 then weighs only inside that group): the server as on a machine
// of its own, the attacker still with CPU to keep its requests coming. Weights do not remove the kernel's
// wake-up latency, so on a loaded machine the server's threads still wait;
// and the attacker's CPU time still comes out of the two cores, which the
// control flood shows. Run it more than once: the idle p99, the divisor,
// moves with other load.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/ratelimit"
)

const (
	readerEmail = "reader@example.com"
	passwordOK  = "correct horse battery staple"
	secret      = "hash-flood-secret-0123456789abcdef0123456789"
)

func main() {
	serve := flag.Bool("serve", false, "run the server (a child process)")
	attack := flag.String("attack", "", "run the attacker against this base URL (a child process)")
	csrfFlood := flag.Bool("csrf-flood", false, "with -attack: the control flood")
	oneIP := flag.Bool("one-ip", false, "flood from one client address instead of a new one per request")
	control := flag.Bool("control", true, "before the hashing flood, flood GET /api/auth/csrf (no password check) and print it beside, to show what the setup and the request rate cost without hashing")
	isolate := flag.Bool("isolate", false, "run the server and the reader in a cgroup (v1 cpu controller, as root) that outweighs the rest of the machine, and the attacker in one of normal weight: the server as on a machine of its own")
	users := flag.Int("users", 1000, "accounts the flood picks emails from")
	flood := flag.Int("flood", 100, "parallel bad logins")
	duration := flag.Duration("duration", 8*time.Second, "length of each measured phase")
	warmup := flag.Duration("warmup", 2*time.Second, "flood time before the flood phase is measured")
	every := flag.Duration("every", 2*time.Millisecond, "pause between two session reads")
	factor := flag.Float64("factor", 3, "largest allowed flood p99 / idle p99")
	trace := flag.String("trace", "", "write a runtime/trace of the server during the flood phase to this file")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the server during the flood phase to this file (instead of -trace)")
	flag.Parse()
	switch {
	case *serve:
		if err := runServer(*users); err != nil {
			fmt.Fprintln(os.Stderr, "hash-flood server:", err)
			os.Exit(2)
		}
		return
	case *attack != "":
		if err := runAttacker(*attack, *flood, *users, *oneIP, *csrfFlood); err != nil {
			fmt.Fprintln(os.Stderr, "hash-flood attacker:", err)
			os.Exit(2)
		}
		return
	}
	ok, err := run(config{users: *users, flood: *flood, duration: *duration, warmup: *warmup, every: *every, factor: *factor, oneIP: *oneIP, control: *control, isolate: *isolate, trace: *trace, cpuProfile: *cpuProfile})
	if err != nil {
		fmt.Fprintln(os.Stderr, "hash-flood:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// runServer serves authgo on a loopback port and prints "listening
// <addr>" when it is ready.
func runServer(users int) error {
	hash, err := password.Hash(passwordOK)
	if err != nil {
		return err
	}
	// An unknown email is checked against a hash of its own, so it costs
	// what a known one costs (the effect of password.DummyVerify).
	dummy, err := password.Hash("no account has this password")
	if err != nil {
		return err
	}
	known := make(map[string]string, users+1)
	known[readerEmail] = hash
	for i := range users {
		known[floodEmail(i)] = hash // one hash costs as much to check as another
	}
	cred := providers.Credentials(providers.CredentialsConfig{
		Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			stored, ok := known[c["email"]]
			if !ok {
				stored = dummy
			}
			match, err := password.Verify(c["password"], stored)
			if err != nil {
				return nil, err // password.ErrBusy where the bound exists
			}
			if !match || !ok {
				return nil, nil
			}
			return &authgo.User{ID: c["email"], Email: c["email"]}, nil
		},
	})
	auth, err := authgo.New(authgo.Config{
		Secret:    []string{secret},
		URL:       "http://127.0.0.1/api/auth",
		Providers: []authgo.Provider{cred},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		LookupEnv: func(string) (string, bool) { return "", false },
		RateLimit: authgo.RateLimitConfig{
			Proxies: ratelimit.Proxies{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}},
		},
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle(auth.BasePath()+"/", auth.Handler())
	mux.HandleFunc("GET "+runtimePath, serveRuntime)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	fmt.Println("listening", ln.Addr())
	return (&http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

func floodEmail(i int) string { return "user" + strconv.Itoa(i) + "@example.com" }

type config struct {
	users, flood     int
	duration, warmup time.Duration
	every            time.Duration
	factor           float64
	oneIP, control   bool
	isolate          bool
	trace            string
	cpuProfile       string
}

func runAttacker(base string, n, users int, oneIP, control bool) error {
	clients := make([]*client, n)
	tokens := make([]string, n)
	for w := range n {
		clients[w] = newClient(base)
		tok, err := clients[w].csrf("10.1.0.1")
		if err != nil {
			return err
		}
		tokens[w] = tok
	}
	st := &floodStats{status: map[int]int{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var addr atomic.Uint32
	for w := range n {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				a := addr.Add(1)
				ip := "10.1.0.1"
				if !oneIP {
					ip = fmt.Sprintf("10.%d.%d.%d", 2+a>>16&0xff, a>>8&0xff, a&0xff)
				}
				var status int
				var err error
				if control {
					status, err = clients[w].do("GET", "/api/auth/csrf", ip, nil)
				} else {
					status, err = clients[w].signIn(floodEmail(rng.IntN(users)), "wrong password "+strconv.Itoa(int(a)), ip, tokens[w])
				}
				st.add(status, err)
			}
		})
	}
	fmt.Println("ready")
	start := time.Now()
	_, _ = io.Copy(io.Discard, os.Stdin)
	close(stop)
	wg.Wait()
	total := 0
	for _, v := range st.status {
		total += v
	}
	fmt.Printf("attacker answers: %v, transport errors %d, %.0f attempts/s over %v\n",
		st.status, st.errs, float64(total+st.errs)/time.Since(start).Seconds(), time.Since(start).Round(time.Second))
	return nil
}

func run(cfg config) (bool, error) {
	var iso *isolation
	if cfg.isolate {
		var err error
		if iso, err = newIsolation(); err != nil {
			return false, err
		}
		defer iso.remove()
	}
	srv, err := startServer(cfg.users)
	if err != nil {
		return false, err
	}
	defer srv.stop()
	if err := iso.place(iso.server(), srv.cmd.Process.Pid, os.Getpid()); err != nil {
		return false, err
	}
	reader := newClient(srv.base)
	tok, err := reader.csrf("10.9.9.9")
	if err != nil {
		return false, err
	}
	if status, err := reader.signIn(readerEmail, passwordOK, "10.9.9.9", tok); err != nil || status != http.StatusFound {
		return false, fmt.Errorf("reader sign-in: %d %v", status, err)
	}
	readSessions(reader, srv, time.Second, cfg.every) // warm the connection and the code
	load1 := loadAverage()
	idle := readSessions(reader, srv, cfg.duration, cfg.every)
	var control *phase
	if cfg.control {
		if control, err = floodPhase(cfg, srv, reader, iso, true); err != nil {
			return false, err
		}
		time.Sleep(time.Second) // the server's queues drain
	}
	busy, err := floodPhase(cfg, srv, reader, iso, false)
	if err != nil {
		return false, err
	}
	_, hwm := srv.memory()

	what := map[bool]string{false: "a new address per request", true: "one address"}[cfg.oneIP]
	fmt.Printf("%d attackers (%s), %d accounts, GOMAXPROCS %d; %s\n", cfg.flood, what, cfg.users, runtime.GOMAXPROCS(0), iso.describe())
	fmt.Printf("load average before %s, after %s\n", load1, loadAverage())
	fmt.Printf("%-8s %8s %10s %10s %10s %10s %8s %7s\n", "phase", "reads", "p50", "p90", "p99", "max", "RSS MiB", "p99/idle")
	rows := []struct {
		name string
		p    *phase
	}{{"idle", idle}, {"control", control}, {"flood", busy}}
	for _, row := range rows {
		if row.p == nil {
			continue
		}
		fmt.Printf("%-8s %8d %10v %10v %10v %10v %8.0f %7.2f\n", row.name, len(row.p.lat),
			row.p.pct(0.50).Round(time.Microsecond), row.p.pct(0.90).Round(time.Microsecond),
			row.p.pct(0.99).Round(time.Microsecond), row.p.pct(1).Round(time.Microsecond), row.p.rssMax,
			float64(row.p.pct(0.99))/float64(idle.pct(0.99)))
	}
	fmt.Printf("server VmHWM %.0f MiB\n", hwm)
	for _, row := range rows {
		if row.p == nil {
			continue
		}
		fmt.Printf("%-8s server runtime: %v\n", row.name, row.p.runtime)
		if row.p.attacker != "" {
			fmt.Printf("%-8s %s; session read errors %d\n", row.name, row.p.attacker, row.p.errors)
		}
	}
	ratio := float64(busy.pct(0.99)) / float64(idle.pct(0.99))
	ok := ratio <= cfg.factor && busy.errors == 0
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Printf("%s: flood p99 / idle p99 = %.2f (limit %.1f)", verdict, ratio, cfg.factor)
	if control != nil {
		fmt.Printf("; the control flood's, without hashing: %.2f", float64(control.pct(0.99))/float64(idle.pct(0.99)))
	}
	fmt.Println()
	return ok, nil
}

// floodPhase starts the attacker (flooding GET /csrf when control is
// set), lets it run for the warm-up, and times session reads while it
// goes on; the phase keeps the attacker's report.
func floodPhase(cfg config, srv *server, reader *client, iso *isolation, control bool) (*phase, error) {
	args := []string{"-attack", srv.base, "-flood", strconv.Itoa(cfg.flood), "-users", strconv.Itoa(cfg.users)}
	if cfg.oneIP {
		args = append(args, "-one-ip")
	}
	if control {
		args = append(args, "-csrf-flood")
	}
	stdin, hold := io.Pipe()
	var report strings.Builder
	attacker, _, copied, err := startChild(stdin, &report, args...)
	if err != nil {
		return nil, err
	}
	if err := iso.place(iso.attacker(), attacker.Process.Pid); err != nil {
		attacker.Process.Kill()
		return nil, err
	}
	time.Sleep(cfg.warmup)
	traced := make(chan error, 1)
	switch {
	case control:
		traced <- nil
	case cfg.trace != "":
		go func() { traced <- srv.profile("trace", cfg.trace, cfg.duration) }()
	case cfg.cpuProfile != "":
		go func() { traced <- srv.profile("profile", cfg.cpuProfile, cfg.duration) }()
	default:
		traced <- nil
	}
	p := readSessions(reader, srv, cfg.duration, cfg.every)
	if err := <-traced; err != nil {
		fmt.Fprintln(os.Stderr, "hash-flood: trace:", err)
	}
	hold.Close()
	<-copied // the attacker's answers
	attacker.Wait()
	p.attacker = strings.TrimSpace(report.String())
	return p, nil
}

// loadAverage returns the first three fields of /proc/loadavg, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}
