package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// user is a virtual user: a browser with its own client address (sent as
// X-Forwarded-For through HAProxy, which the instances trust on loopback).
type user struct {
	c     *http.Client
	email string
	ip    string
}

func newUser(i int) *user {
	jar, _ := cookiejar.New(nil)
	return &user{
		c:     &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		email: fmt.Sprintf("user%d@example.com", i%nUsers),
		ip:    fmt.Sprintf("198.51.100.%d", i%250+1),
	}
}

func (u *user) do(method, target string, form url.Values, header map[string]string) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-For", u.ip)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := u.c.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func (u *user) csrf(base string) (string, error) {
	req, _ := http.NewRequest("GET", base+"/api/auth/csrf", nil)
	req.Header.Set("X-Forwarded-For", u.ip)
	resp, err := u.c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var v struct{ CSRFToken string }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return "", fmt.Errorf("csrf: %d %w", resp.StatusCode, err)
	}
	return v.CSRFToken, nil
}

func (u *user) signIn(base, email, pw string) (*http.Response, error) {
	tok, err := u.csrf(base)
	if err != nil {
		return nil, err
	}
	return u.do("POST", base+"/api/auth/callback/credentials", url.Values{"email": {email}, "password": {pw}, "csrfToken": {tok}}, nil)
}

func (u *user) signOut(base string) (*http.Response, error) {
	tok, err := u.csrf(base)
	if err != nil {
		return nil, err
	}
	return u.do("POST", base+"/api/auth/signout", url.Values{"csrfToken": {tok}}, nil)
}

// verify asks base's verify about a page of app.example.com, as nginx would.
func (u *user) verify(base string) (*http.Response, error) {
	return u.do("GET", base+"/api/auth/verify?status=401", nil, map[string]string{"X-Original-URL": "https://app.example.com/docs/page"})
}

// busy counts sign-ins answered 503 (hash bound) and tried again.
var busy atomic.Int64

// sample is one request of the load.
type sample struct {
	at  time.Time
	lat time.Duration
	op  string
	err string // "" for an expected answer
}

func (r *run) load() {
	users := make([]*user, *workers)
	for i := range users {
		users[i] = newUser(i)
		if resp, err := users[i].signIn(r.front, users[i].email, password); err != nil || resp.StatusCode != 302 {
			fatalf("initial sign-in of %s: %v %v", users[i].email, resp, err)
		}
	}
	fmt.Printf("\n%d virtual users; per request: 60%% verify, 38%% GET /session, 2%% sign-out + sign-in\n", *workers)
	fmt.Printf("%-22s %6s %7s %9s %9s %11s %11s  %s\n", "phase", "reqs", "req/s", "p50", "p99", "verify p50", "verify p99", "errors")
	var (
		mu      sync.Mutex
		samples []sample
		stop    atomic.Bool
		wg      sync.WaitGroup
	)
	for _, u := range users {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(rand.Uint64(), 1))
			for !stop.Load() {
				s := r.step(u, rng.IntN(100))
				mu.Lock()
				samples = append(samples, s...)
				mu.Unlock()
			}
		})
	}
	type mark struct {
		name       string
		start, end time.Time
		kill       time.Time
	}
	var marks []mark
	t0 := time.Now()
	time.Sleep(*phase)
	marks = append(marks, mark{name: "3 instances", start: t0, end: time.Now()})
	t1 := time.Now()
	r.kill(1)
	time.Sleep(*phase)
	marks = append(marks, mark{name: "instance 2 killed", start: t1, end: time.Now(), kill: t1})
	t2 := time.Now()
	r.start(1) // returns when its /readyz answers 200
	t3 := time.Now()
	marks = append(marks, mark{name: "instance 2 starting", start: t2, end: t3})
	time.Sleep(*phase)
	marks = append(marks, mark{name: "instance 2 restarted", start: t3, end: time.Now()})
	stop.Store(true)
	wg.Wait()
	defer func() {
		fmt.Printf("sign-ins answered 503 by the password-hash bound and tried again: %d (not counted as errors)\n", busy.Load())
	}()
	for _, m := range marks {
		var lats, vlats []time.Duration
		errs := map[string]int{}
		var nearKill, other int
		for _, s := range samples {
			if s.at.Before(m.start) || !s.at.Before(m.end) {
				continue
			}
			lats = append(lats, s.lat)
			if s.op == "verify" {
				vlats = append(vlats, s.lat)
			}
			if s.err != "" {
				errs[s.op+": "+s.err]++
				if !m.kill.IsZero() && s.at.Sub(m.kill) < time.Second {
					nearKill++
				} else {
					other++
				}
			}
		}
		slices.Sort(lats)
		slices.Sort(vlats)
		secs := m.end.Sub(m.start).Seconds()
		what := fmt.Sprintf("%d", other)
		if !m.kill.IsZero() {
			what = fmt.Sprintf("%d within 1 s of the kill, %d after", nearKill, other)
		}
		fmt.Printf("%-22s %6d %7.0f %9s %9s %11s %11s  %s %v\n", m.name, len(lats), float64(len(lats))/secs, pct(lats, 50), pct(lats, 99), pct(vlats, 50), pct(vlats, 99), what, errs)
	}
}

// step runs one operation of u and returns its requests.
func (r *run) step(u *user, dice int) []sample {
	timed := func(op string, f func() (*http.Response, error), want ...int) sample {
		start := time.Now()
		resp, err := f()
		s := sample{at: start, lat: time.Since(start), op: op}
		switch {
		case err != nil:
			s.err = "transport"
		case !slices.Contains(want, resp.StatusCode):
			s.err = fmt.Sprint(resp.StatusCode)
		}
		return s
	}
	switch {
	case dice < 60:
		return []sample{timed("verify", func() (*http.Response, error) { return u.verify(r.front) }, 200)}
	case dice < 98:
		return []sample{timed("session", func() (*http.Response, error) { return u.do("GET", r.front+"/api/auth/session", nil, nil) }, 200)}
	}
	out := timed("signout", func() (*http.Response, error) { return u.signOut(r.front) }, 302)
	// A sign-in the server is too busy to hash a password for is answered
	// 503 at once (the hash bound, password.ErrBusy); a person's browser
	// tries again, and so does this user, counting the refusals apart.
	var in sample
	for first := time.Now(); ; {
		in = timed("signin", func() (*http.Response, error) { return u.signIn(r.front, u.email, password) }, 302)
		if in.err != "503" || time.Since(first) > time.Minute {
			break
		}
		busy.Add(1)
		time.Sleep(50 * time.Millisecond)
	}
	return []sample{out, in}
}

func pct(l []time.Duration, p int) string {
	if len(l) == 0 {
		return "-"
	}
	return l[(len(l)-1)*p/100].Round(10 * time.Microsecond).String()
}
