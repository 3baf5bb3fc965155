package main

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// phase is what one measured phase saw.
type phase struct {
	lat      []time.Duration
	errors   int
	rssMax   float64
	runtime  runtimeDelta
	attacker string // the attacker's report
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
	before, _ := srv.runtime()
	run0, wait0 := srv.schedstat()
	defer func() {
		after, _ := srv.runtime()
		p.runtime = diffRuntime(before, after, d)
		run1, wait1 := srv.schedstat()
		p.runtime.osRun, p.runtime.osWait = run1-run0, wait1-wait0
	}()
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
