package authgo_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/jwt"
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
	// Every read re-issues the cookie here (JWTUpdateAge < 0), so each
	// signed-in response below carries it.
	f := newFixture(t, func(c *authgo.Config) {
		c.Access.SignInPage = "/login"
		c.Session.JWTUpdateAge = -1
	})
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

	// A file served by io.Copy (http.ServeContent's way: ReadFrom of the
	// writer) is marked before its header goes out.
	h = f.auth.Middleware(authgo.MiddlewareConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=60")
		if _, ok := w.(io.ReaderFrom); !ok {
			t.Error("guarded writer is no io.ReaderFrom")
		}
		if _, err := io.Copy(w, io.LimitReader(strings.NewReader("file body"), 100)); err != nil {
			t.Error(err)
		}
	}))
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, signedInRequest(t, f.auth, "http://example.com/file.txt"))
	if rec.Body.String() != "file body" {
		t.Fatalf("body %q", rec.Body.String())
	}
	checkPrivate(t, "copied file", rec.Result(), true)
}

// hostPrefixed is an app with Cookies.SessionHostPrefix served over https
// (tls) or http, and a browser for it.
func hostPrefixed(t *testing.T, tls bool, mutate func(*authgo.Config)) (*fixture, *http.Client) {
	t.Helper()
	f := newFixture(t, func(c *authgo.Config) {
		c.Cookies.SessionHostPrefix = true
		c.TrustHost = true // the scheme comes from the server, http or https
		if mutate != nil {
			mutate(c)
		}
	})
	if tls {
		srv := httptest.NewTLSServer(f.srv.Config.Handler)
		t.Cleanup(srv.Close)
		f.srv.Close()
		f.srv = srv
		jar, _ := cookiejar.New(nil)
		f.client = srv.Client()
		f.client.Jar = jar
		f.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return f, f.client
}

// sessionOf returns the email of the session GET /api/auth/session reads
// from a request with exactly the Cookie header cookie ("" when none).
func sessionOf(t *testing.T, f *fixture, cookie string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", f.url("/api/auth/session"), nil)
	req.Header.Set("Cookie", cookie)
	resp, err := (&http.Client{Transport: f.srv.Client().Transport}).Do(req) // no jar
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ User struct{ Email string } }
	decodeJSON(t, resp, &out)
	return out.User.Email
}

// TestHostPrefixedSessionCookie: with SessionHostPrefix, over https the
// session cookie is written as __Host-authjs.session-token — Secure,
// Path=/, no Domain, chunks included — and read under that name only. A
// sibling subdomain can toss a Domain cookie only under another name
// (browsers refuse a __Host- cookie with a Domain), and such a cookie,
// though it holds a valid session of its own, is not read in its place.
// Over http the name falls back to authjs.session-token.
func TestHostPrefixedSessionCookie(t *testing.T) {
	const name = "__Host-authjs.session-token"
	f, _ := hostPrefixed(t, true, nil)
	resp := f.signIn("ada@example.com", "correct horse battery")
	location(t, resp)
	var got *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.Contains(c.Name, "session-token") {
			if c.Name != name {
				t.Fatalf("session cookie written as %s", c.Name)
			}
			got = c
		}
	}
	if got == nil || !got.Secure || got.Path != "/" || got.Domain != "" || strings.Contains(strings.ToLower(strings.Join(resp.Header.Values("Set-Cookie"), "\n")), "domain=") {
		t.Fatalf("session cookie %+v; Set-Cookie %q", got, resp.Header.Values("Set-Cookie"))
	}
	if email, _ := f.session()["user"].(map[string]any)["email"].(string); email != "ada@example.com" {
		t.Fatalf("session read back under %s: %v", name, f.session())
	}

	// Tossed cookies: valid sessions of Grace under the names a sibling
	// host can set with Domain=, sealed for their own name (as an app using
	// that name writes them) or for the __Host- name.
	codec, err := jwt.NewCodec([]string{testSecret})
	if err != nil {
		t.Fatal(err)
	}
	grace := authgo.Token{Subject: "user-2", Email: "grace@example.com", Name: "Grace Hopper"}
	for _, tossed := range []string{"__Secure-authjs.session-token", "authjs.session-token", "__host-authjs.session-token"} {
		for _, salt := range []string{tossed, name} {
			tok, err := codec.Encode(grace, salt, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if email := sessionOf(t, f, tossed+"="+tok); email != "" {
				t.Errorf("%s (sealed for %s) read as the session of %s", tossed, salt, email)
			}
		}
	}
	// The control: what the same request does to an app without the
	// prefix, which reads the tossed cookie as the user's session.
	plain, _ := hostPrefixed(t, true, func(c *authgo.Config) { c.Cookies.SessionHostPrefix = false })
	tok, _ := codec.Encode(grace, "__Secure-authjs.session-token", time.Hour)
	if email := sessionOf(t, plain, "__Secure-authjs.session-token="+tok); email != "grace@example.com" {
		t.Fatalf("control: the default app read %q from a __Secure- cookie", email)
	}

	// A session too large for one cookie is chunked under the same name.
	big, _ := hostPrefixed(t, true, func(c *authgo.Config) {
		c.Callbacks.JWT = func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			p.Token.Extra = map[string]any{"blob": strings.Repeat("x", 6000)}
			return p.Token, nil
		}
	})
	resp = big.signIn("ada@example.com", "correct horse battery")
	names := setCookieNames(resp.Header)
	if names[name+".0"] != 1 || names[name+".1"] != 1 {
		t.Fatalf("chunks of a large session: %v", names)
	}
	if big.session()["user"] == nil {
		t.Fatal("chunked __Host- session not read back")
	}

	// Over http: the unprefixed name.
	dev, _ := hostPrefixed(t, false, nil)
	resp = dev.signIn("ada@example.com", "correct horse battery")
	if n := setCookieNames(resp.Header); n["authjs.session-token"] != 1 {
		t.Fatalf("over http: %v", n)
	}
}

// TestHostPrefixConfigMistakes: New refuses what would make browsers drop
// a __Host- session cookie, with a sentence saying what to change.
func TestHostPrefixConfigMistakes(t *testing.T) {
	cases := []struct {
		name string
		set  func(*authgo.Config)
		want string
	}{
		{"Domain", func(c *authgo.Config) { c.Cookies.SessionHostPrefix, c.Cookies.Domain = true, "example.com" },
			`Cookies.SessionHostPrefix cannot be combined with Cookies.Domain "example.com": a __Host- cookie has no Domain. Remove Domain to keep the session on this host, or SessionHostPrefix to share it with subdomains`},
		{"SessionToken.Domain", func(c *authgo.Config) {
			c.Cookies.SessionHostPrefix, c.Cookies.SessionToken.Domain = true, "example.com"
		}, "Cookies.SessionToken.Domain"},
		{"Path", func(c *authgo.Config) { c.Cookies.SessionHostPrefix, c.Cookies.SessionToken.Path = true, "/app" }, "must have Path=/"},
		{"Satellite", func(c *authgo.Config) {
			c.Cookies.SessionHostPrefix = true
			c.Providers = nil
			c.Satellite = &authgo.SatelliteConfig{SignInURL: "https://auth.example.com/login"}
		}, "Satellite"},
		{"named __Host- with a Domain", func(c *authgo.Config) {
			c.Cookies.CSRFToken = authgo.Cookie{Name: "__Host-csrf", Domain: "example.com"}
		}, "Cookies.CSRFToken.Domain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv, TrustHost: true}
			c.set(&cfg)
			_, err := authgo.New(cfg)
			var ce *authgo.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a ConfigError with %q", err, c.want)
			}
		})
	}
	// Cookies.Domain is kept off a cookie named __Host-, which stays valid.
	a := mustNew(t, authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv,
		Cookies: authgo.CookiesConfig{Domain: "example.com", CallbackURL: authgo.Cookie{Name: "__Host-cb"}}})
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "https://app.example.com/api/auth/signin?callbackUrl=%2Fx", nil))
	if setCookieNames(rec.Header())["__Host-cb"] != 1 {
		t.Fatalf("no callback-url cookie written: %q", rec.Header().Values("Set-Cookie"))
	}
	for _, line := range rec.Header().Values("Set-Cookie") {
		if strings.HasPrefix(line, "__Host-") && strings.Contains(strings.ToLower(line), "domain=") {
			t.Errorf("__Host- cookie written with a Domain: %s", line)
		}
	}
}
