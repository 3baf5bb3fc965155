package mfa_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// TestPasswordAccountNeedsSecondFactor: a password account (providers.
// Password) signs in through POST callback/password; with a factor, no
// session before the code.
func TestPasswordAccountNeedsSecondFactor(t *testing.T) {
	mail := &email.Memory{}
	s := newSite(t, func(c *authgo.Config) {
		c.Providers = append(c.Providers, providers.Password(providers.PasswordConfig{PasswordOptions: account.PasswordOptions{Sender: mail, From: "App <no-reply@app.example>"}}))
	})
	b := s.browser()
	r := b.post("/api/auth/account/signup", url.Values{"email": {"pat@example.com"}, "password": {"a long enough password"}}, "Accept", "application/json")
	if r.status != 200 {
		t.Fatalf("sign-up: %d %s", r.status, r.body)
	}
	signIn := func() response {
		return b.post("/api/auth/callback/password", url.Values{"email": {"pat@example.com"}, "password": {"a long enough password"}, "callbackUrl": {"/dashboard"}})
	}
	if r := signIn(); path(r.location) != "/dashboard" {
		t.Fatalf("password sign-in: %d %q %s", r.status, r.location, r.body)
	}
	if got := sessionAMR(b.session()); got != "pwd" {
		t.Fatalf("amr = %q", got)
	}
	secret, _ := b.enrol()
	b.signOut()
	if r := signIn(); path(r.location) != "/api/auth/two-factor/challenge" {
		t.Fatalf("password sign-in with a factor: %d %q", r.status, r.location)
	}
	b.mustBeSignedOut("after the password")
	if r := b.challenge(code(t, secret, s.clock.now())); path(r.location) != "/dashboard" {
		t.Fatalf("challenge: %d %q", r.status, r.location)
	}
	if got := sessionAMR(b.session()); got != "pwd,otp,mfa" {
		t.Fatalf("amr = %q", got)
	}
}

// TestPendingStateExpires: a pending sign-in older than PendingMaxAge is
// refused, even with a right code.
func TestPendingStateExpires(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("ada@example.com")
	secret, _ := b.enrol()
	b.signOut()
	b.signIn("ada@example.com")
	s.clock.advance(6 * time.Minute)
	r := b.challenge(code(t, secret, s.clock.now()))
	if r.status != http.StatusFound || !strings.Contains(r.location, "error=SessionRequired") {
		t.Fatalf("expired pending state: %d %q", r.status, r.location)
	}
	b.mustBeSignedOut("expired pending state")
}

// TestCheckFunctions: CheckFactor and CheckFreshAuth inside a handler
// answer as the guards do and return the session when it passes.
func TestCheckFunctions(t *testing.T) {
	s := newSite(t, nil)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("fresh") != "" {
			if s.auth.CheckFreshAuth(w, r, time.Minute) == nil {
				return
			}
		} else if s.auth.CheckFactor(w, r, amr.MultiFactor) == nil {
			return
		}
		io.WriteString(w, "passed")
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := s.browser()
	get := func(q string, header ...string) response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/x"+q, nil)
		u, _ := url.Parse(s.srv.URL)
		for _, c := range b.client.Jar.Cookies(u) {
			req.AddCookie(c)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return response{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body)}
	}
	if r := get("", "Accept", "application/json"); r.status != http.StatusUnauthorized {
		t.Fatalf("signed out: %d %s", r.status, r.body)
	}
	b.signIn("ada@example.com")
	if r := get("", "Accept", "application/json"); r.status != http.StatusForbidden || !strings.Contains(r.body, "FactorRequired") {
		t.Fatalf("without the factor: %d %s", r.status, r.body)
	}
	if r := get(""); r.status != http.StatusFound || !strings.Contains(r.location, "/api/auth/two-factor/enroll?callbackUrl=%2Fx") {
		t.Fatalf("page without a factor set up: %d %q", r.status, r.location)
	}
	if r := get("?fresh=1"); r.body != "passed" {
		t.Fatalf("fresh: %d %s", r.status, r.body)
	}
	s.clock.advance(2 * time.Minute)
	if r := get("?fresh=1", "Accept", "application/json"); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "FreshAuthRequired") {
		t.Fatalf("stale: %d %s", r.status, r.body)
	}
	b.enrol() // the first code proves the factor: the session records it
	if r := get(""); r.body != "passed" {
		t.Fatalf("after enrolment: %d %s", r.status, r.body)
	}
}
