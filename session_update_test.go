package authgo_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/jwt"
)

// clock is a settable Config.Now.
type clock struct{ t atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.t.Load()) }
func (c *clock) advance(d time.Duration) { c.t.Add(int64(d)) }

// updateAgeApp is an Auth on a settable clock, signed in once: the
// cookie header of that sign-in, the handler and a guarded app route.
type updateAgeApp struct {
	auth   *authgo.Auth
	clock  *clock
	cookie string
	guard  http.Handler
}

func newUpdateAgeApp(t *testing.T, mutate func(*authgo.Config)) *updateAgeApp {
	t.Helper()
	c := &clock{}
	c.t.Store(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC).UnixNano())
	a, req := benchAuth(t, func(cfg *authgo.Config) {
		cfg.Now = c.now
		if mutate != nil {
			mutate(cfg)
		}
	})
	session, err := req.Cookie("authjs.session-token")
	if err != nil {
		t.Fatal(err)
	}
	app := &updateAgeApp{auth: a, clock: c, cookie: session.Name + "=" + session.Value}
	app.guard = a.Middleware(authgo.MiddlewareConfig{Protect: []string{"/admin"}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	return app
}

// sessionCookieOf is the "name=value" of the session cookie resp sets, or
// "" when it sets none.
func sessionCookieOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	var found string
	for _, c := range resp.Cookies() {
		if c.Name == "authjs.session-token" {
			if found != "" {
				t.Fatalf("two Set-Cookie headers for the session cookie: %q", resp.Header.Values("Set-Cookie"))
			}
			found = c.Name + "=" + c.Value
		}
	}
	return found
}

// read is GET /api/auth/session at the app's clock: the session JSON's
// expires and the re-issued cookie ("" when none).
func (app *updateAgeApp) read(t *testing.T) (time.Time, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "http://localhost/api/auth/session", nil)
	req.Header.Set("Cookie", app.cookie)
	rec := httptest.NewRecorder()
	app.auth.Handler().ServeHTTP(rec, req)
	var s struct {
		Expires time.Time `json:"expires"`
		User    *struct{ Email string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || s.User == nil || s.User.Email != "ada@example.com" {
		t.Fatalf("GET /session: %d %s (%v)", rec.Code, rec.Body, err)
	}
	return s.Expires, sessionCookieOf(t, rec.Result())
}

// guarded is a request through Middleware to a protected route; it returns
// the re-issued cookie ("" when none).
func (app *updateAgeApp) guarded(t *testing.T) string {
	t.Helper()
	req := httptest.NewRequest("GET", "http://localhost/admin", nil)
	req.Header.Set("Cookie", app.cookie)
	rec := httptest.NewRecorder()
	app.guard.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("guarded request: %d %s", rec.Code, rec.Body)
	}
	return sessionCookieOf(t, rec.Result())
}

// expOf is the exp of the token in a "name=value" session cookie.
func expOf(t *testing.T, cookie string) time.Time {
	t.Helper()
	codec, err := jwt.NewCodec([]string{testSecret})
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	name, value, _ := strings.Cut(cookie, "=")
	if err := codec.DecodeInto(value, name, &claims); err != nil && !errors.Is(err, jwt.ErrExpired) {
		t.Fatalf("session cookie: %v", err)
	}
	return time.Unix(claims.Exp, 0)
}

// TestJWTUpdateAge is Session.JWTUpdateAge: a read re-issues a JWT session
// cookie only once the token is that old (sliding the expiry forward), or
// when its content changed, and answers the token's own expiry otherwise.
func TestJWTUpdateAge(t *testing.T) {
	t.Run("reads slide the expiry once a minute", updateAgeSlides)
	t.Run("negative re-issues every read", updateAgeNegative)
	t.Run("default is a quarter of a short MaxAge", updateAgeShortMaxAge)
	t.Run("a JWT callback's change is written at once", updateAgeCallbackChange)
	t.Run("update always writes", updateAgeUpdate)
	t.Run("a Next.js token gets authgo's claims at the first read", updateAgeNextJSToken)
	t.Run("bad values", updateAgeBadValues)
}

// updateAgeSlides: reads slide the expiry once a minute.
func updateAgeSlides(t *testing.T) {
	const maxAge = 30 * 24 * time.Hour
	app := newUpdateAgeApp(t, nil)
	signedIn := app.clock.now()
	exp0 := expOf(t, app.cookie)
	if !exp0.Equal(signedIn.Add(maxAge).Truncate(time.Second)) {
		t.Fatalf("sign-in token exp %v", exp0)
	}
	app.clock.advance(59 * time.Second)
	if expires, set := app.read(t); set != "" || !expires.Equal(exp0) {
		t.Fatalf("read 59 s after sign-in: re-issued %q, expires %v, want none and the token's %v", set, expires, exp0)
	}
	if set := app.guarded(t); set != "" {
		t.Fatalf("guarded request 59 s after sign-in re-issued the cookie")
	}
	app.clock.advance(time.Second)
	expires, set := app.read(t)
	want := app.clock.now().Add(maxAge)
	if set == "" || !expires.Equal(want) || !expOf(t, set).Equal(want.Truncate(time.Second)) {
		t.Fatalf("read 60 s after sign-in: re-issued %q (exp %v), expires %v, want a new token expiring %v", set, expOf(t, set), expires, want)
	}
	app.cookie = set
	app.clock.advance(30 * time.Second)
	if set := app.guarded(t); set != "" {
		t.Fatal("guarded request 30 s after the re-issue wrote the cookie again")
	}
	app.clock.advance(30 * time.Second)
	if set := app.guarded(t); set == "" || !expOf(t, set).Equal(app.clock.now().Add(maxAge).Truncate(time.Second)) {
		t.Fatalf("guarded request 60 s after the re-issue: %q, want a re-issued cookie", set)
	}
}

// updateAgeNegative: negative re-issues every read.
func updateAgeNegative(t *testing.T) {
	app := newUpdateAgeApp(t, func(c *authgo.Config) { c.Session.JWTUpdateAge = -1 })
	for range 3 {
		if _, set := app.read(t); set == "" {
			t.Fatal("read did not re-issue the cookie")
		}
		if set := app.guarded(t); set == "" {
			t.Fatal("guarded request did not re-issue the cookie")
		}
	}
}

// updateAgeShortMaxAge: default is a quarter of a short MaxAge.
func updateAgeShortMaxAge(t *testing.T) {
	app := newUpdateAgeApp(t, func(c *authgo.Config) { c.Session.MaxAge = 2 * time.Minute })
	app.clock.advance(29 * time.Second)
	if _, set := app.read(t); set != "" {
		t.Fatal("read at 29 s re-issued with MaxAge 2 min")
	}
	app.clock.advance(time.Second)
	if _, set := app.read(t); set == "" {
		t.Fatal("read at 30 s did not re-issue with MaxAge 2 min")
	}
}

// updateAgeCallbackChange: a JWT callback's change is written at once.
func updateAgeCallbackChange(t *testing.T) {
	var n atomic.Int32
	for name, cb := range map[string]func(context.Context, authgo.JWTParams) (*authgo.Token, error){
		"new token": func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			next := p.Token.Clone()
			next.Name = "Ada " + string(rune('A'+n.Add(1)))
			return next, nil
		},
		"changed in place": func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if p.Token.Extra == nil {
				p.Token.Extra = map[string]any{}
			}
			p.Token.Extra["visits"] = float64(n.Add(1))
			return p.Token, nil
		},
	} {
		app := newUpdateAgeApp(t, func(c *authgo.Config) { c.Callbacks.JWT = cb })
		for i := range 2 {
			_, set := app.read(t)
			if set == "" {
				t.Fatalf("%s: read %d right after sign-in did not write the changed token", name, i)
			}
			app.cookie = set
		}
	}
	unchanged := newUpdateAgeApp(t, func(c *authgo.Config) {
		c.Callbacks.JWT = func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) { return p.Token.Clone(), nil }
	})
	if _, set := unchanged.read(t); set != "" {
		t.Fatal("a callback that returned an equal token re-issued it")
	}
}

// updateAgeUpdate: update always writes.
func updateAgeUpdate(t *testing.T) {
	app := newUpdateAgeApp(t, nil)
	req := httptest.NewRequest("GET", "http://localhost/profile", nil)
	req.Header.Set("Cookie", app.cookie)
	rec := httptest.NewRecorder()
	if _, err := app.auth.Update(rec, req, map[string]any{"name": "Ada"}); err != nil {
		t.Fatal(err)
	}
	if sessionCookieOf(t, rec.Result()) == "" {
		t.Fatal("Update right after sign-in wrote no cookie")
	}
}

// updateAgeNextJSToken: a Next.js token gets authgo's claims at the first read.
func updateAgeNextJSToken(t *testing.T) {
	app := newUpdateAgeApp(t, nil)
	codec, err := jwt.NewCodec([]string{testSecret}, jwt.WithClock(app.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := codec.Encode(map[string]any{"sub": "user-1", "email": "ada@example.com", "name": "Ada"}, "authjs.session-token", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	app.cookie = "authjs.session-token=" + tok
	_, set := app.read(t)
	if set == "" {
		t.Fatal("a token without session_id was not re-issued with it")
	}
	app.cookie = set
	if _, set := app.read(t); set != "" {
		t.Fatal("the re-issued token was re-issued again at once")
	}
}

// updateAgeBadValues: bad values.
func updateAgeBadValues(t *testing.T) {
	for _, s := range []authgo.SessionConfig{
		{JWTUpdateAge: 30 * 24 * time.Hour},
		{MaxAge: time.Hour, JWTUpdateAge: 2 * time.Hour},
	} {
		_, err := authgo.New(authgo.Config{Secret: []string{testSecret}, URL: "http://localhost/api/auth", Providers: []authgo.Provider{testCredentials()}, LookupEnv: noEnv, Session: s})
		var ce *authgo.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "JWTUpdateAge") {
			t.Errorf("%+v: %v, want a ConfigError naming JWTUpdateAge", s, err)
		}
	}
}
