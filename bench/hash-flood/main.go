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
//  2. it starts the attacker: -flood workers, each posting a wrong
//     password to /api/auth/callback/credentials again as soon as the
//     last one is answered, for emails drawn from -users accounts and, by
//     default, from a fresh client address on every request
//     (X-Forwarded-For through a trusted loopback proxy), so that the
//     rate limits, which stop one client or one account, do not: this is a
//     distributed attacker, and only the bound on concurrent hashing stands
//     between it and the server's CPUs and memory (-one-ip floods from one
//     address instead, which the per-client limit stops; -control floods
//     GET /api/auth/csrf, to show what the same request rate costs with
//     no password check at all);
//  3. after -warmup it times the same session reads again for -duration.
//
// The attacker runs at the lowest CPU priority (nice 19, where the nice
// command exists), standing in for a client on another machine: its own
// HTTP work is not the server's. The reader has a process of its own for
// the same reason.
//
// It prints the session-read percentiles of both phases, the attacker's
// answers and rate, and the server's resident memory (the largest VmRSS
// seen in each phase, and VmHWM), and exits 1 when the flood p99 is more
// than -factor times the idle p99 (default 3).
//
//	go run ./bench/hash-flood
//	go run ./bench/hash-flood -flood 100 -duration 10s
//
// The machines are shared: other load moves both phases' figures, so run it
// when the machine is quiet, and more than once. On a machine whose CPUs
// are already taken by other processes (Linux schedules each session's
// processes as one group), a server that keeps even one CPU busy hashing
// gets its session reads scheduled late; -control shows what the request
// rate alone costs, so the two can be told apart.
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
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strconv"
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
	oneIP := flag.Bool("one-ip", false, "flood from one client address instead of a new one per request")
	control := flag.Bool("control", false, "flood GET /api/auth/csrf instead of the password check, to see what the same request rate costs without hashing")
	users := flag.Int("users", 1000, "accounts the flood picks emails from")
	flood := flag.Int("flood", 100, "parallel bad logins")
	duration := flag.Duration("duration", 8*time.Second, "length of each measured phase")
	warmup := flag.Duration("warmup", 2*time.Second, "flood time before the flood phase is measured")
	every := flag.Duration("every", 2*time.Millisecond, "pause between two session reads")
	factor := flag.Float64("factor", 3, "largest allowed flood p99 / idle p99")
	flag.Parse()
	switch {
	case *serve:
		if err := runServer(*users); err != nil {
			fmt.Fprintln(os.Stderr, "hash-flood server:", err)
			os.Exit(2)
		}
		return
	case *attack != "":
		if err := runAttacker(*attack, *flood, *users, *oneIP, *control); err != nil {
			fmt.Fprintln(os.Stderr, "hash-flood attacker:", err)
			os.Exit(2)
		}
		return
	}
	ok, err := run(config{users: *users, flood: *flood, duration: *duration, warmup: *warmup, every: *every, factor: *factor, oneIP: *oneIP, control: *control})
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
}

// phase is what one measured phase saw.
type phase struct {
	lat    []time.Duration
	errors int
	rssMax float64
}

func (p *phase) pct(q float64) time.Duration {
	if len(p.lat) == 0 {
		return 0
	}
	s := slices.Clone(p.lat)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// readSessions times GET /session on one connection for d, sampling the
// server's memory as it goes.
func readSessions(c *client, srv *server, d, every time.Duration) *phase {
	p := &phase{}
	end := time.Now().Add(d)
	lastMem := time.Time{}
	for time.Now().Before(end) {
		start := time.Now()
		status, err := c.do("GET", "/api/auth/session", "10.9.9.9", nil)
		if err != nil || status != http.StatusOK {
			p.errors++
		} else {
			p.lat = append(p.lat, time.Since(start))
		}
		if time.Since(lastMem) > 100*time.Millisecond {
			rss, _ := srv.memory()
			p.rssMax = max(p.rssMax, rss)
			lastMem = time.Now()
		}
		time.Sleep(every)
	}
	return p
}

// floodStats counts the attacker's answers.
type floodStats struct {
	mu     sync.Mutex
	status map[int]int
	errs   int
}

func (s *floodStats) add(status int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errs++
		return
	}
	s.status[status]++
}

// runAttacker runs n workers posting wrong passwords to base until its
// standard input closes, then prints what it was answered. It fetches
// every worker's CSRF token first, then starts them all and prints
// "ready".
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
	srv, err := startServer(cfg.users)
	if err != nil {
		return false, err
	}
	defer srv.stop()
	reader := newClient(srv.base)
	tok, err := reader.csrf("10.9.9.9")
	if err != nil {
		return false, err
	}
	if status, err := reader.signIn(readerEmail, passwordOK, "10.9.9.9", tok); err != nil || status != http.StatusFound {
		return false, fmt.Errorf("reader sign-in: %d %v", status, err)
	}
	readSessions(reader, srv, time.Second, cfg.every) // warm the connection and the code
	idle := readSessions(reader, srv, cfg.duration, cfg.every)

	args := []string{"-attack", srv.base, "-flood", strconv.Itoa(cfg.flood), "-users", strconv.Itoa(cfg.users)}
	if cfg.oneIP {
		args = append(args, "-one-ip")
	}
	if cfg.control {
		args = append(args, "-control")
	}
	stdin, hold := io.Pipe()
	attacker, _, report, err := startChild(stdin, args...)
	if err != nil {
		return false, err
	}
	time.Sleep(cfg.warmup)
	busy := readSessions(reader, srv, cfg.duration, cfg.every)
	_, hwm := srv.memory()

	what := map[bool]string{false: "a new address per request", true: "one address"}[cfg.oneIP]
	if cfg.control {
		what = "control: GET /csrf, no password check"
	}
	fmt.Printf("%d attackers (%s), %d accounts, GOMAXPROCS %d\n", cfg.flood, what, cfg.users, runtime.GOMAXPROCS(0))
	fmt.Printf("%-6s %8s %10s %10s %10s %10s %8s\n", "phase", "reads", "p50", "p90", "p99", "max", "RSS MiB")
	for _, row := range []struct {
		name string
		p    *phase
	}{{"idle", idle}, {"flood", busy}} {
		fmt.Printf("%-6s %8d %10v %10v %10v %10v %8.0f\n", row.name, len(row.p.lat),
			row.p.pct(0.50).Round(time.Microsecond), row.p.pct(0.90).Round(time.Microsecond),
			row.p.pct(0.99).Round(time.Microsecond), row.p.pct(1).Round(time.Microsecond), row.p.rssMax)
	}
	fmt.Printf("server VmHWM %.0f MiB; session read errors idle %d, flood %d\n", hwm, idle.errors, busy.errors)
	hold.Close()
	<-report // the attacker's answers
	attacker.Wait()
	idle99, busy99 := idle.pct(0.99), busy.pct(0.99)
	ratio := float64(busy99) / float64(idle99)
	ok := ratio <= cfg.factor && busy.errors == 0
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Printf("%s: flood p99 / idle p99 = %.2f (limit %.1f)\n", verdict, ratio, cfg.factor)
	return ok, nil
}
