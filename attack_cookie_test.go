package authgo_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// sharedCacheMayStore reports whether a shared cache (a CDN, a corporate
// proxy) may store a response with header h under RFC 9111 §3 and the
// CDN-targeted fields of RFC 9213: unless Cache-Control says private or
// no-store, a response a cache can freshen (public, max-age, s-maxage, or
// a CDN-Cache-Control / Surrogate-Control that overrides Cache-Control) is
// stored and served to other users.
func sharedCacheMayStore(h http.Header) bool {
	if h.Get("CDN-Cache-Control") != "" || h.Get("Surrogate-Control") != "" {
		return true
	}
	for _, d := range directives(h, "Cache-Control") {
		if d == "private" || d == "no-store" {
			return false
		}
	}
	return true
}

// directives returns the lower-case directive names (or field names) of
// the comma lists in the header key.
func directives(h http.Header, key string) []string {
	var out []string
	for _, v := range h.Values(key) {
		for d := range strings.SplitSeq(v, ",") {
			d, _, _ = strings.Cut(strings.TrimSpace(d), "=")
			out = append(out, strings.ToLower(d))
		}
	}
	return out
}

func varies(h http.Header, field string) bool {
	for _, d := range directives(h, "Vary") {
		if d == strings.ToLower(field) || d == "*" {
			return true
		}
	}
	return false
}

// setCookieNames counts the Set-Cookie headers of h by cookie name.
func setCookieNames(h http.Header) map[string]int {
	n := map[string]int{}
	for _, line := range h.Values("Set-Cookie") {
		name, _, _ := strings.Cut(line, "=")
		n[name]++
	}
	return n
}

// checkPrivate fails t when resp sets a cookie that a shared cache could
// hand to another user, or sets one name twice; every response in guarded
// (one that depended on the session) must vary on Cookie.
func checkPrivate(t *testing.T, what string, resp *http.Response, guarded bool) {
	t.Helper()
	h := resp.Header
	names := setCookieNames(h)
	for name, n := range names {
		if n > 1 {
			t.Errorf("%s: %d Set-Cookie headers for %s", what, n, name)
		}
	}
	if len(names) > 0 {
		if sharedCacheMayStore(h) {
			t.Errorf("%s sets %v and a shared cache may store it: Cache-Control %q, CDN-Cache-Control %q", what, names, h.Values("Cache-Control"), h.Get("CDN-Cache-Control"))
		}
		if !varies(h, "Cookie") {
			t.Errorf("%s sets %v without Vary: Cookie (Vary %q)", what, names, h.Values("Vary"))
		}
	} else if guarded && !varies(h, "Cookie") {
		t.Errorf("%s depended on the session but has no Vary: Cookie (Vary %q)", what, h.Values("Vary"))
	}
}

// TestSessionCookieResponsesStayPrivate plays a signed-in user through an
// app whose pages mark themselves cacheable by a CDN ("public,
// max-age=3600", CDN-Cache-Control): each response that carries the
// user's session cookie must be one no shared cache stores, or the next
// visitor of the page would be handed that user's session.
func TestSessionCookieResponsesStayPrivate(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) { c.Access.SignInPage = "/login" })
	a := f.auth
	cacheable := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=3600")
			w.Header().Set("CDN-Cache-Control", "max-age=600")
			io.WriteString(w, name)
		}
	}
	app := http.NewServeMux()
	app.Handle("/", cacheable("home"))
	app.Handle("/dashboard", a.RequireAuth(cacheable("dashboard")))
	root := http.NewServeMux()
	root.Handle(a.BasePath()+"/", a.Handler())
	// A handler with no guard that reads the session itself.
	root.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.Session(w, r); err != nil {
			t.Error(err)
		}
		io.WriteString(w, "plain")
	})
	root.Handle("/", a.Middleware(authgo.MiddlewareConfig{Protect: []string{"/dashboard"}})(app))
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	f.srv.Close()
	f.srv = srv

	// Signed out: guarded answers depend on the session too.
	checkPrivate(t, "signed-out GET /dashboard", f.do("GET", "/dashboard", nil, nil), true)
	checkPrivate(t, "signed-out GET /", f.do("GET", "/", nil, nil), true)
	checkPrivate(t, "GET /api/auth/csrf", f.do("GET", "/api/auth/csrf", nil, nil), false)

	resp := f.signIn("ada@example.com", "correct horse battery")
	if len(setCookieNames(resp.Header)) == 0 {
		t.Fatal("sign-in set no cookie")
	}
	checkPrivate(t, "POST /api/auth/callback/credentials", resp, false)
	for _, p := range []string{"/", "/dashboard", "/plain", "/api/auth/session"} {
		resp := f.do("GET", p, nil, nil)
		if resp.StatusCode != 200 || setCookieNames(resp.Header)["authjs.session-token"] != 1 {
			t.Fatalf("signed-in GET %s: %d, Set-Cookie %q", p, resp.StatusCode, resp.Header.Values("Set-Cookie"))
		}
		checkPrivate(t, "signed-in GET "+p, resp, p != "/plain")
	}
	resp = f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil)
	checkPrivate(t, "POST /api/auth/signout", resp, false)
	if !strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), "\n"), "authjs.session-token=;") {
		t.Fatalf("sign-out cleared no session cookie: %q", resp.Header.Values("Set-Cookie"))
	}
}

// TestPrivateWriterKeepsStreaming: the writer guards hand on still flushes
// (server-sent events behind Middleware) and reaches the connection's
// writer through http.ResponseController.
func TestPrivateWriterKeepsStreaming(t *testing.T) {
	f := newFixture(t, nil)
	h := f.auth.Middleware(authgo.MiddlewareConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := w.(http.Flusher); !ok {
			t.Error("guarded writer is no http.Flusher")
		}
		io.WriteString(w, "event: 1\n\n")
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through ResponseController: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, signedInRequest(t, f.auth, "http://example.com/events"))
	if !rec.Flushed || rec.Body.String() != "event: 1\n\n" {
		t.Fatalf("flushed %v, body %q", rec.Flushed, rec.Body.String())
	}
	checkPrivate(t, "streamed response", rec.Result(), true)
}
