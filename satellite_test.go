package authgo_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// Two apps on loopback under one parent domain: auth.example.test signs in
// and issues a session cookie for Domain=example.test; app.example.test is
// a satellite that reads it, refreshes it, guards a page with it, and sends
// sign-ins to the main app.
func TestSessionCrossesSubdomainsToSatellite(t *testing.T) {
	shared := authgo.CookiesConfig{Domain: "example.test"}
	main := mustNew(t, authgo.Config{
		Secret:    []string{testSecret},
		URL:       "http://auth.example.test/api/auth",
		Cookies:   shared,
		Providers: []authgo.Provider{testCredentials()},
		Callbacks: authgo.Callbacks{Redirect: authgo.AllowRedirectHosts(".example.test")},
		LookupEnv: noEnv,
	})
	sat := mustNew(t, authgo.Config{
		Secret:    []string{testSecret},
		URL:       "http://app.example.test/api/auth",
		Cookies:   shared,
		Satellite: &authgo.SatelliteConfig{SignInURL: "http://auth.example.test/api/auth/signin"},
		// Re-issue on every read, so the refresh below happens at once.
		Session:   authgo.SessionConfig{JWTUpdateAge: -1},
		LookupEnv: noEnv,
	})

	mainMux := http.NewServeMux()
	mainMux.Handle("/api/auth/", main.Handler())
	satMux := http.NewServeMux()
	satMux.Handle("/api/auth/", sat.Handler())
	satMux.Handle("/dashboard", sat.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := sat.Session(nil, r)
		io.WriteString(w, "dashboard of "+s.User.Email+" on "+r.Host)
	})))
	mainSrv := httptest.NewServer(mainMux)
	defer mainSrv.Close()
	satSrv := httptest.NewServer(sat.Middleware(authgo.MiddlewareConfig{Protect: []string{"/dashboard"}})(satMux))
	defer satSrv.Close()

	// Both host names resolve to the right loopback listener, port 80 in
	// the URL (cookies ignore ports; the Host header carries the name).
	addrs := map[string]string{"auth.example.test:80": mainSrv.Listener.Addr().String(), "app.example.test:80": satSrv.Listener.Addr().String()}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addrs[addr])
		}},
	}
	do := func(method, target string, form url.Values) *http.Response {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, target, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	// Signed out, the satellite sends the browser to the main app's
	// sign-in, with a way back to itself.
	resp := do("GET", "http://app.example.test/dashboard", nil)
	want := "http://auth.example.test/api/auth/signin?callbackUrl=" + url.QueryEscape("http://app.example.test/dashboard")
	if got := resp.Header.Get("Location"); resp.StatusCode != 302 || got != want {
		t.Fatalf("satellite redirect %d %q, want %q", resp.StatusCode, got, want)
	}

	// Sign in on the main app; the callbackUrl on the sibling host is allowed.
	var csrf struct{ CSRFToken string }
	decodeJSON(t, do("GET", "http://auth.example.test/api/auth/csrf", nil), &csrf)
	resp = do("POST", "http://auth.example.test/api/auth/callback/credentials", url.Values{
		"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {csrf.CSRFToken},
		"callbackUrl": {"http://app.example.test/dashboard"},
	})
	if got := resp.Header.Get("Location"); got != "http://app.example.test/dashboard" {
		t.Fatalf("main app redirect %q", got)
	}
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "Domain=example.test") {
		t.Fatalf("session cookie not shared with the parent domain: %s", sc)
	}

	// The satellite reads the session, and refreshes the shared cookie.
	resp = do("GET", "http://app.example.test/dashboard", nil)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "dashboard of ada@example.com on app.example.test" {
		t.Fatalf("satellite page: %d %s", resp.StatusCode, b)
	}
	if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "authjs.session-token=") || !strings.Contains(sc, "Domain=example.test") {
		t.Fatalf("satellite did not refresh the shared cookie: %q", sc)
	}
	// A foreign host is still refused as a callback.
	decodeJSON(t, do("GET", "http://auth.example.test/api/auth/csrf", nil), &csrf)
	resp = do("POST", "http://auth.example.test/api/auth/callback/credentials", url.Values{
		"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {csrf.CSRFToken},
		"callbackUrl": {"http://evil.example/steal"},
	})
	if got := resp.Header.Get("Location"); got != "http://auth.example.test" {
		t.Fatalf("foreign callback allowed: %q", got)
	}
	// The satellite's own sign-in endpoint forwards to the main app.
	resp = do("GET", "http://app.example.test/api/auth/signin?callbackUrl=/dashboard", nil)
	if got := resp.Header.Get("Location"); !strings.HasPrefix(got, "http://auth.example.test/api/auth/signin?callbackUrl=http%3A%2F%2Fapp.example.test%2Fdashboard") {
		t.Fatalf("satellite signin forward %q", got)
	}
}

func testCredentials() authgo.Provider {
	return credentialsFunc(func() (*authgo.User, error) {
		u := testUsers["ada@example.com"].User
		return &u, nil
	})
}
