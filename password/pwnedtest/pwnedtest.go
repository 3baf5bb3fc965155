// Package pwnedtest serves the Pwned Passwords range API for tests: GET
// /range/<5 hex digits> answers the suffixes of the SHA-1 hashes of the
// passwords it was given, with their counts, padded with random suffixes
// of count 0 as the real service pads when asked (Add-Padding: true). It
// records the prefixes it was asked, so a test can check that no password
// or whole hash left the client.
package pwnedtest

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Server is a running fake of the range API.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	counts   map[string]int // upper-case SHA-1 hex -> count
	requests []string       // the paths asked, in order
	// Fail, when set, is the status every request is answered with.
	fail int
}

// NewServer starts a server knowing passwords, each seen count times
// (count 0 is taken as 1). Close it when done.
func NewServer(count int, passwords ...string) *Server {
	s := &Server{counts: map[string]int{}}
	for _, pw := range passwords {
		sum := sha1.Sum([]byte(pw))
		s.counts[strings.ToUpper(hex.EncodeToString(sum[:]))] = max(count, 1)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// FailWith makes every later request answer status (0 serves again).
func (s *Server) FailWith(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = status
}

// Requests returns the paths asked so far.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path)
	fail := s.fail
	s.mu.Unlock()
	prefix, ok := strings.CutPrefix(r.URL.Path, "/range/")
	if fail != 0 {
		http.Error(w, "failing on purpose", fail)
		return
	}
	if !ok || len(prefix) != 5 || strings.Trim(strings.ToUpper(prefix), "0123456789ABCDEF") != "" {
		http.Error(w, "The hash prefix was not in a valid format", http.StatusBadRequest)
		return
	}
	prefix = strings.ToUpper(prefix)
	w.Header().Set("Content-Type", "text/plain")
	var b strings.Builder
	s.mu.Lock()
	for h, n := range s.counts {
		if strings.HasPrefix(h, prefix) {
			fmt.Fprintf(&b, "%s:%d\r\n", h[5:], n)
		}
	}
	s.mu.Unlock()
	if r.Header.Get("Add-Padding") == "true" {
		var buf [18]byte
		for range 20 {
			_, _ = rand.Read(buf[:])
			fmt.Fprintf(&b, "%s:0\r\n", strings.ToUpper(hex.EncodeToString(buf[:]))[:35])
		}
	}
	_, _ = w.Write([]byte(b.String()))
}
