// Command loadgen is the Go side of bench/http-compare: it signs in to the
// authgo bench server for a session cookie, records a response for the
// bare server to replay, checks a server's answer, and runs an open-loop
// load at a fixed rate.
//
//	loadgen signin  -base URL -email E -password P   # prints a Cookie header value
//	loadgen get     -url URL -cookie C [-want S] [-out FILE]
//	loadgen rate    -url URL -cookie C -rate 2000 -duration 10s
//
// Every URL must name a loopback host: the tool loads only servers on
// this machine.
//
// rate is written here because vegeta is not packaged in Debian and wrk2
// may be missing. It sends each request at its scheduled time (start +
// i/rate) whether or not earlier ones have returned, and measures each
// latency from that scheduled time, not from when the request could be
// sent: a stalled server is charged for every request that waited behind
// it (no coordinated omission). It prints one line of key=value pairs.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen signin|get|rate [flags]")
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "signin":
		err = signinCmd(args)
	case "get":
		err = getCmd(args)
	case "rate":
		err = rateCmd(args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// loopbackURL parses raw and refuses any host that is not a loopback
// address.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("%s: only http URLs", raw)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s: not a loopback host; loadgen loads only this machine", raw)
	}
	return u, nil
}

// signinCmd signs in through the credentials endpoint as a browser's form
// does (CSRF token, then the form POST) and prints the session cookie as a
// Cookie header value.
func signinCmd(args []string) error {
	fs := flag.NewFlagSet("signin", flag.ContinueOnError)
	base := fs.String("base", "", "the server's origin, e.g. http://127.0.0.1:8080")
	email := fs.String("email", "", "the user's email")
	password := fs.String("password", "", "the user's password")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := loopbackURL(*base)
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(u.JoinPath("/api/auth/csrf").String())
	if err != nil {
		return err
	}
	var csrf struct {
		CSRFToken string `json:"csrfToken"`
	}
	err = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&csrf)
	resp.Body.Close()
	if err != nil || csrf.CSRFToken == "" {
		return fmt.Errorf("GET /api/auth/csrf: status %d, no csrfToken (%v)", resp.StatusCode, err)
	}
	form := url.Values{"csrfToken": {csrf.CSRFToken}, "email": {*email}, "password": {*password}, "callbackUrl": {u.String()}}
	req, _ := http.NewRequest("POST", u.JoinPath("/api/auth/callback/credentials").String(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	resp, err = client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	var pairs []string
	for _, c := range jar.Cookies(u) {
		if strings.Contains(c.Name, "session-token") {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
	}
	if len(pairs) == 0 {
		return fmt.Errorf("sign-in answered %d without a session cookie", resp.StatusCode)
	}
	fmt.Println(strings.Join(pairs, "; "))
	return nil
}

// recorded is the response file sessionserver -mode bare replays.
type recorded struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

// getCmd sends one GET with the cookie; it fails unless the answer is 200
// and holds -want, prints the status and the body's size, and writes the
// response to -out when given.
func getCmd(args []string) error {
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	raw := fs.String("url", "", "the URL")
	cookie := fs.String("cookie", "", "the Cookie header value")
	want := fs.String("want", "", "a string the body must hold")
	out := fs.String("out", "", "write the response (status, headers, body) as JSON here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := loopbackURL(*raw)
	if err != nil {
		return err
	}
	req, _ := http.NewRequest("GET", u.String(), nil)
	req.Header.Set("Cookie", *cookie)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), *want) {
		return fmt.Errorf("GET %s: status %d, body %.200q does not hold %q", u.Path, resp.StatusCode, body, *want)
	}
	fmt.Printf("status=%d bytes=%d\n", resp.StatusCode, len(body))
	if *out == "" {
		return nil
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	b, err := json.Marshal(recorded{Status: resp.StatusCode, Header: h, Body: string(body)})
	if err != nil {
		return err
	}
	return os.WriteFile(*out, b, 0o600)
}

// rateCmd runs the open-loop load and prints its summary.
func rateCmd(args []string) error {
	fs := flag.NewFlagSet("rate", flag.ContinueOnError)
	raw := fs.String("url", "", "the URL to GET")
	cookie := fs.String("cookie", "", "the Cookie header value")
	rate := fs.Int("rate", 2000, "requests per second")
	dur := fs.Duration("duration", 10*time.Second, "how long to send (at most 2m)")
	warmup := fs.Duration("warmup", 2*time.Second, "how long to send first, unmeasured")
	timeout := fs.Duration("timeout", 5*time.Second, "a request's timeout; it then counts as an error")
	inflight := fs.Int("max-inflight", 4096, "requests in flight at most; more wait, their wait counted as latency")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := loopbackURL(*raw)
	if err != nil {
		return err
	}
	if *rate < 1 || *rate > 100000 || *dur <= 0 || *dur > 2*time.Minute || *warmup < 0 || *warmup > time.Minute || *inflight < 1 {
		return errors.New("rate must be 1..100000/s, duration 0..2m, warmup 0..1m, max-inflight positive")
	}
	l := &loader{url: u.String(), cookie: *cookie, rate: *rate, sem: make(chan struct{}, *inflight),
		client: &http.Client{Timeout: *timeout, Transport: &http.Transport{
			MaxIdleConnsPerHost: *inflight, DisableCompression: true, ForceAttemptHTTP2: false}}}
	if *warmup > 0 {
		l.run(*warmup)
	}
	s := l.run(*dur)
	fmt.Printf("sent=%d ok=%d errors=%d rate=%d duration=%s p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d\n",
		s.sent, s.sent-s.errors, s.errors, *rate, *dur, s.q(0.50), s.q(0.90), s.q(0.99), s.q(0.999), s.q(1))
	return nil
}

// loader sends GETs at a fixed rate.
type loader struct {
	url, cookie string
	rate        int
	client      *http.Client
	sem         chan struct{} // bounds requests in flight
}

// summary holds the latencies of one run, sorted.
type summary struct {
	sent, errors int
	lat          []time.Duration
}

// q returns the q-quantile latency in microseconds (nearest rank).
func (s summary) q(q float64) int64 {
	if len(s.lat) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(s.lat)))) - 1
	return s.lat[min(max(i, 0), len(s.lat)-1)].Microseconds()
}

// run sends rate*d requests, request i at start + i/rate, and waits for
// all of them (each bounded by the client's timeout).
func (l *loader) run(d time.Duration) summary {
	n := int(float64(l.rate) * d.Seconds())
	lat := make([]time.Duration, n)
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now().Add(10 * time.Millisecond)
	for i := range n {
		sched := start.Add(time.Duration(i) * time.Second / time.Duration(l.rate))
		if w := time.Until(sched); w > 0 {
			time.Sleep(w)
		}
		l.sem <- struct{}{} // a wait here is the server's: latency runs from sched
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-l.sem }()
			if !l.get() {
				errs.Add(1)
			}
			lat[i] = time.Since(sched)
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	return summary{sent: n, errors: int(errs.Load()), lat: lat}
}

// get sends one request and reports a 200 answer read in full.
func (l *loader) get() bool {
	req, _ := http.NewRequest("GET", l.url, nil)
	req.Header.Set("Cookie", l.cookie)
	resp, err := l.client.Do(req)
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err == nil && resp.StatusCode == http.StatusOK
}
