package refresh_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/refresh"
)

const testSecret = "test-secret-0123456789abcdef0123456789abcdef"

// rotatingTokenServer is a token endpoint that counts refresh grants and
// rotates refresh tokens strictly: "rt-N" is good once and yields "at-N+1"
// and "rt-N+1"; a spent one is invalid_grant.
type rotatingTokenServer struct {
	*httptest.Server
	calls     atomic.Int32
	mu        sync.Mutex
	spent     map[string]bool
	expiresIn int
	fail      atomic.Bool
}

func newRotatingTokenServer(t *testing.T) *rotatingTokenServer {
	s := &rotatingTokenServer{spent: map[string]bool{}, expiresIn: 3600}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/login":
			if r.Form.Get("password") != "backend-pw" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"bad credentials"}`)
				return
			}
			fmt.Fprintf(w, `{"access_token":"at-0","refresh_token":"rt-0","expires_in":%d,"user":{"id":"u-42","email":"dev@example.com"}}`, s.expiresIn)
			return
		case r.Form.Get("grant_type") != "refresh_token":
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"unsupported_grant_type"}`)
			return
		}
		s.calls.Add(1)
		rt := r.Form.Get("refresh_token")
		s.mu.Lock()
		defer s.mu.Unlock()
		n, err := strconv.Atoi(strings.TrimPrefix(rt, "rt-"))
		if s.fail.Load() || err != nil || s.spent[rt] {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
			return
		}
		s.spent[rt] = true
		fmt.Fprintf(w, `{"access_token":"at-%d","refresh_token":"rt-%d","token_type":"Bearer","expires_in":%d}`, n+1, n+1, s.expiresIn)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *rotatingTokenServer) provider() *providers.OAuth {
	return providers.OAuth2(providers.OAuthConfig{
		ID: "acme", ClientID: "c", ClientSecret: "s",
		AuthorizationURL: s.URL + "/authorize", TokenURL: s.URL + "/token", UserinfoURL: s.URL + "/me",
	})
}

// expiringToken is a session token whose access token expired.
func expiringToken(rt string) *authgo.Token {
	return &authgo.Token{Subject: "user-1", Extra: map[string]any{
		refresh.ClaimProvider: "acme", refresh.ClaimAccessToken: "at-old",
		refresh.ClaimRefreshToken: rt, refresh.ClaimExpiresAt: float64(time.Now().Add(-time.Minute).Unix()),
	}}
}

func TestRefreshSingleFlightInProcess(t *testing.T) {
	srv := newRotatingTokenServer(t)
	r, err := refresh.New(authgo.Config{Providers: []authgo.Provider{srv.provider()}}, refresh.Config{})
	if err != nil {
		t.Fatal(err)
	}
	tok := expiringToken("rt-0")
	var wg sync.WaitGroup
	results := make([]*authgo.Token, 50)
	for i := range results {
		wg.Go(func() {
			out, err := r.Token(context.Background(), tok.Clone())
			if err != nil {
				t.Error(err)
			}
			results[i] = out
		})
	}
	wg.Wait()
	if n := srv.calls.Load(); n != 1 {
		t.Fatalf("%d refresh grants for 50 concurrent requests, want 1", n)
	}
	for i, out := range results {
		if out == nil || out.Extra[refresh.ClaimAccessToken] != "at-1" || out.Extra[refresh.ClaimRefreshToken] != "rt-1" || out.Extra[refresh.ClaimError] != nil {
			t.Fatalf("result %d: %v", i, out)
		}
		if exp, _ := out.Extra[refresh.ClaimExpiresAt].(int64); exp < time.Now().Unix()+3500 {
			t.Fatalf("result %d: expires_at %v", i, out.Extra[refresh.ClaimExpiresAt])
		}
	}
	// A request that arrives later with the old cookie gets the same
	// tokens without spending the rotated refresh token again.
	late, _ := r.Token(context.Background(), tok.Clone())
	if late.Extra[refresh.ClaimAccessToken] != "at-1" || srv.calls.Load() != 1 {
		t.Errorf("late request: %v after %d grants", late.Extra, srv.calls.Load())
	}
	// A token that is not about to expire is left alone.
	fresh, _ := r.Token(context.Background(), results[0])
	if fresh != results[0] || srv.calls.Load() != 1 {
		t.Error("a fresh token was refreshed")
	}
}

func TestRefreshFailureMarksTokenOnce(t *testing.T) {
	srv := newRotatingTokenServer(t)
	srv.fail.Store(true)
	var logs strings.Builder
	r, _ := refresh.New(authgo.Config{
		Providers: []authgo.Provider{srv.provider()},
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
	}, refresh.Config{})
	out, err := r.Token(context.Background(), expiringToken("rt-0"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Extra[refresh.ClaimError] != "RefreshTokenError" {
		t.Fatalf("failed refresh left %v", out.Extra)
	}
	again, _ := r.Token(context.Background(), out)
	if again != out || srv.calls.Load() != 1 {
		t.Errorf("a token marked failed was refreshed again (%d grants)", srv.calls.Load())
	}
	if l := logs.String(); !strings.Contains(l, "provider=acme") || !strings.Contains(l, "step=refresh") || strings.Contains(l, "rt-0") {
		t.Errorf("log %q: want provider and step, no token", l)
	}
}

// TestRefreshExistingBackend is the "existing backend" case: a credentials
// provider logs into the app's own API, which returns an access token
// (expiry in seconds) and a refresh token; the session keeps them and
// refreshes them at the API's refresh endpoint, rotation included, and a
// dead refresh token shows as the session's error.
func TestRefreshExistingBackend(t *testing.T) {
	backend := newRotatingTokenServer(t)
	backend.expiresIn = 30 // inside the one-minute leeway: every read refreshes
	post := func(ctx context.Context, path string, form url.Values) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, "POST", backend.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return http.DefaultClient.Do(req)
	}
	refresher, err := refresh.New(authgo.Config{}, refresh.Config{
		Refresh: map[string]refresh.Func{"backend": func(ctx context.Context, rt string) (*providers.TokenSet, error) {
			resp, err := post(ctx, "/refresh", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				return nil, fmt.Errorf("refresh endpoint answered %d", resp.StatusCode)
			}
			var out struct {
				AccessToken  string `json:"access_token"`
				RefreshToken string `json:"refresh_token"`
				ExpiresIn    int64  `json:"expires_in"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				return nil, err
			}
			return &providers.TokenSet{AccessToken: out.AccessToken, RefreshToken: out.RefreshToken, ExpiresAt: time.Now().Unix() + out.ExpiresIn}, nil
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cred := providers.Credentials(providers.CredentialsConfig{
		ID: "backend",
		Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			resp, err := post(ctx, "/login", url.Values{"email": {c["email"]}, "password": {c["password"]}})
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				return nil, nil
			}
			var out struct {
				AccessToken  string `json:"access_token"`
				RefreshToken string `json:"refresh_token"`
				ExpiresIn    int64  `json:"expires_in"`
				User         struct{ ID, Email string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				return nil, err
			}
			if !providers.SetAccountTokens(ctx, providers.TokenSet{AccessToken: out.AccessToken, RefreshToken: out.RefreshToken, ExpiresAt: time.Now().Unix() + out.ExpiresIn}) {
				t.Error("SetAccountTokens found no sign-in")
			}
			return &authgo.User{ID: out.User.ID, Email: out.User.Email}, nil
		},
	})
	a, err := authgo.New(authgo.Config{
		Secret:    []string{testSecret},
		URL:       "https://app.example",
		Providers: []authgo.Provider{cred},
		LookupEnv: func(string) (string, bool) { return "", false },
		Callbacks: authgo.Callbacks{
			JWT: refresher.JWT,
			Session: func(ctx context.Context, p authgo.SessionParams) (*authgo.Session, error) {
				p.Session.Extra = map[string]any{"accessToken": p.Token.Extra[refresh.ClaimAccessToken]}
				return p.Session, nil
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, "https://app.example/")
	if _, err := a.SignIn(b.w(), b.request("POST"), "backend", authgo.SignInOptions{Credentials: map[string]string{"email": "dev@example.com", "password": "backend-pw"}}); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	session := func() *authgo.Session {
		t.Helper()
		s, err := a.Session(b.w(), b.request("GET"))
		if err != nil || s == nil {
			t.Fatalf("session: %v, %v", s, err)
		}
		return s
	}
	for want := 1; want <= 3; want++ {
		if s := session(); s.Extra["accessToken"] != "at-"+strconv.Itoa(want) || s.Error != "" {
			t.Fatalf("read %d: session %+v, want access token at-%d", want, s, want)
		}
	}
	if n := backend.calls.Load(); n != 3 {
		t.Errorf("%d refreshes for three reads, want 3", n)
	}
	backend.fail.Store(true)
	if s := session(); s.Error != "RefreshTokenError" {
		t.Fatalf("after a failed refresh the session is %+v, want error RefreshTokenError", s)
	}
	n := backend.calls.Load()
	session()
	if backend.calls.Load() != n {
		t.Error("the failed refresh was tried again")
	}
}

// browser keeps the cookies that Auth's server-side calls write, as a
// browser would between requests to the app at url.
type browser struct {
	t   *testing.T
	url *url.URL
	jar *cookiejar.Jar
	rec *httptest.ResponseRecorder // the last response, whose cookies are kept
}

func newBrowser(t *testing.T, rawURL string) *browser {
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, url: u, jar: jar}
}

// keep stores the cookies of the last response so far (read from its
// header: the recorder's Result would freeze it).
func (b *browser) keep() {
	if b.rec != nil {
		b.jar.SetCookies(b.url, (&http.Response{Header: b.rec.Header()}).Cookies())
	}
}

// w returns a fresh response, after keeping the cookies of the last one.
func (b *browser) w() http.ResponseWriter {
	b.keep()
	b.rec = httptest.NewRecorder()
	return b.rec
}

// request returns a same-origin request carrying the kept cookies.
func (b *browser) request(method string) *http.Request {
	b.keep()
	r := httptest.NewRequest(method, b.url.String(), nil)
	r.Header.Set("Origin", b.url.Scheme+"://"+b.url.Host)
	for _, c := range b.jar.Cookies(b.url) {
		r.AddCookie(c)
	}
	return r
}

// TestRefreshAccountRow keeps the account row of a database-backed app
// fresh: the rotated tokens are stored in the adapter.
func TestRefreshAccountRow(t *testing.T) {
	srv := newRotatingTokenServer(t)
	ad := memory.New()
	ctx := context.Background()
	u, err := ad.CreateUser(ctx, authgo.User{Email: "row@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	acct := authgo.Account{UserID: u.ID, Type: "oauth", Provider: "acme", ProviderAccountID: "p-1", AccessToken: "at-0", RefreshToken: "rt-0", ExpiresAt: time.Now().Unix() - 10}
	if err := ad.LinkAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	r, _ := refresh.New(authgo.Config{Providers: []authgo.Provider{srv.provider()}, Adapter: ad}, refresh.Config{})
	got, err := r.Account(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := ad.GetAccount(ctx, "acme", "p-1")
	if got.AccessToken != "at-1" || stored == nil || stored.AccessToken != "at-1" || stored.RefreshToken != "rt-1" || stored.UserID != u.ID || stored.ExpiresAt <= time.Now().Unix() {
		t.Fatalf("returned %+v, stored %+v", got, stored)
	}
	if owner, _ := ad.GetUserByAccount(ctx, "acme", "p-1"); owner == nil || owner.ID != u.ID {
		t.Error("the account lost its user")
	}
	srv.fail.Store(true)
	stale := *stored
	stale.ExpiresAt = time.Now().Unix() - 10
	stale.RefreshToken = "rt-9"
	if _, err := r.Account(ctx, stale); !errors.Is(err, refresh.ErrRefreshToken) {
		t.Errorf("failed refresh: %v, want ErrRefreshToken", err)
	}
}

// A remembered refresh result is handed to a request with an older cookie
// only while its access token is still fresh. Once it has expired, the
// refresh token it rotated to is used, so the request gets a live access
// token rather than the dead one (issue: a 6-second upstream lifetime gave
// a late request an expired access token and no Session.Error).
func TestRefreshRememberedResultNotReusedOnceExpired(t *testing.T) {
	srv := newRotatingTokenServer(t)
	srv.expiresIn = 6
	var offset atomic.Int64
	r, err := refresh.New(authgo.Config{
		Providers: []authgo.Provider{srv.provider()},
		Now:       func() time.Time { return time.Now().Add(time.Duration(offset.Load())) },
	}, refresh.Config{Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, err := r.Token(ctx, expiringToken("rt-0"))
	if err != nil || first.Extra[refresh.ClaimAccessToken] != "at-1" {
		t.Fatalf("first refresh: %v, %v", first, err)
	}
	// Straight away, an old cookie shares the fresh result.
	late, _ := r.Token(ctx, expiringToken("rt-0"))
	if late.Extra[refresh.ClaimAccessToken] != "at-1" || srv.calls.Load() != 1 {
		t.Fatalf("late request: %v after %d grants", late.Extra, srv.calls.Load())
	}
	// Ten seconds on, at-1 is dead; the old cookie must not get it back.
	// (Grants from now on live an hour, so the clock's offset does not
	// make them stale too.)
	offset.Store(int64(10 * time.Second))
	srv.mu.Lock()
	srv.expiresIn = 3600
	srv.mu.Unlock()
	old, err := r.Token(ctx, expiringToken("rt-0"))
	if err != nil {
		t.Fatal(err)
	}
	if old.Extra[refresh.ClaimAccessToken] != "at-2" || old.Extra[refresh.ClaimRefreshToken] != "rt-2" || old.Extra[refresh.ClaimError] != nil {
		t.Fatalf("old cookie after expiry got %v, want at-2 via the rotated rt-1", old.Extra)
	}
	if n := srv.calls.Load(); n != 2 {
		t.Fatalf("%d refresh grants, want 2", n)
	}
	// The cookie written after the first refresh (rt-1) shares at-2.
	mid, _ := r.Token(ctx, expiringToken("rt-1"))
	if mid.Extra[refresh.ClaimAccessToken] != "at-2" || srv.calls.Load() != 2 {
		t.Fatalf("rt-1 cookie: %v after %d grants", mid.Extra, srv.calls.Load())
	}
	// When the chain ends in a refresh token the server no longer takes,
	// the answer is RefreshTokenError, not a dead access token.
	offset.Store(int64(2 * time.Hour))
	srv.fail.Store(true)
	dead, _ := r.Token(ctx, expiringToken("rt-0"))
	if dead.Extra[refresh.ClaimError] != string(authgo.RefreshTokenError) {
		t.Fatalf("failed refresh: %v, want RefreshTokenError", dead.Extra)
	}
}

// lockFunc is a Lock of one process: it runs fn and shares nothing.
type lockFunc func(ctx context.Context, key, resultKey string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error)

func (f lockFunc) Do(ctx context.Context, key, resultKey string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	return f(ctx, key, resultKey, fn)
}

// A Lock carries results between instances encrypted with the app's
// secret: authgo.Config.Secret, else AUTH_SECRET from the environment, as
// authgo.New reads it; without either, New says what to set.
func TestNewLockNeedsSecret(t *testing.T) {
	lock := lockFunc(func(ctx context.Context, _, _ string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error) {
		return fn(ctx)
	})
	none := func(string) (string, bool) { return "", false }
	if _, err := refresh.New(authgo.Config{LookupEnv: none}, refresh.Config{Lock: lock}); err == nil || !strings.Contains(err.Error(), "AUTH_SECRET") {
		t.Fatalf("a Lock without a secret: %v", err)
	}
	srv := newRotatingTokenServer(t)
	env := func(k string) (string, bool) { return testSecret, k == "AUTH_SECRET" }
	r, err := refresh.New(authgo.Config{LookupEnv: env, Providers: []authgo.Provider{srv.provider()}}, refresh.Config{Lock: lock})
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Token(context.Background(), expiringToken("rt-0"))
	if err != nil || out.Extra[refresh.ClaimAccessToken] != "at-1" {
		t.Fatalf("refresh through the Lock with AUTH_SECRET: %v, %v", out, err)
	}
}
