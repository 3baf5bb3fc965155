package authgo_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/jwt"
)

// Attacks on the life of a session: a cookie captured before sign-out and
// replayed after it, and a session kept alive for ever by reading it.

// atomicClock is a settable clock the server's goroutines may read while
// the test moves it.
type atomicClock struct{ ns atomic.Int64 }

func newAtomicClock() *atomicClock {
	c := &atomicClock{}
	c.ns.Store(time.Now().UnixNano())
	return c
}

func (c *atomicClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *atomicClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// revocationBackend is a real store a JWT sign-out is recorded in.
type revocationBackend struct {
	name string
	open func(t *testing.T) adapter.RevocationStore
}

// The root module tests with the memory store; the same replay runs
// against PostgreSQL, MariaDB, SQLite and Redis through the adapter
// conformance suite (adaptertest's SessionRevocationStore checks), in each
// store's own module, so the root module requires no database driver.
var revocationBackends = []revocationBackend{
	{"memory", func(*testing.T) adapter.RevocationStore { return memory.New() }},
}

// downStore is a revocation store whose backend is unreachable.
type downStore struct{}

var errStoreDown = fmt.Errorf("revocation store unreachable: %w", adapter.ErrUnavailable)

func (downStore) RevokeUserTokens(context.Context, string, time.Time) error { return errStoreDown }
func (downStore) TokensRevokedBefore(context.Context, string) (time.Time, error) {
	return time.Time{}, errStoreDown
}
func (downStore) RevokeSession(context.Context, string, time.Time) error { return errStoreDown }
func (downStore) SessionRevoked(context.Context, string) (bool, error)   { return false, errStoreDown }

// authgoCodec is the session-token codec of the test secret.
func authgoCodec(t *testing.T) *jwt.Codec {
	t.Helper()
	c, err := jwt.NewCodec([]string{testSecret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sealToken makes a session token of exactly payload, as a third-party
// encoder with the secret could (authgo's and Auth.js's encoders always add
// iat, exp and jti): A256GCM, which Auth.js decodes.
func sealToken(t *testing.T, payload map[string]any) string {
	t.Helper()
	key, err := jwt.DeriveKey(testSecret, sessionCookie, jwt.EncA256GCM)
	if err != nil {
		t.Fatal(err)
	}
	pt, _ := json.Marshal(payload)
	b64 := base64.RawURLEncoding
	hdr := b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM","kid":"` + jwt.KeyID(key) + `"}`))
	block, _ := aes.NewCipher(key)
	gcm, _ := cipher.NewGCM(block)
	iv := make([]byte, gcm.NonceSize())
	rand.Read(iv)
	sealed := gcm.Seal(nil, iv, pt, []byte(hdr))
	ct, tag := sealed[:len(sealed)-gcm.Overhead()], sealed[len(sealed)-gcm.Overhead():]
	return hdr + ".." + b64.EncodeToString(iv) + "." + b64.EncodeToString(ct) + "." + b64.EncodeToString(tag)
}

// sealWithoutJTI is a token of claims with iat and exp but no jti.
func sealWithoutJTI(t *testing.T, claims map[string]any, now time.Time) string {
	t.Helper()
	payload := maps.Clone(claims)
	payload["iat"], payload["exp"] = now.Unix(), now.Add(time.Hour).Unix()
	return sealToken(t, payload)
}

// replay sends a captured session cookie from a fresh browser to h and
// returns the response.
func replay(t *testing.T, h http.Handler, target, value string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// clearsSessionCookie reports whether rec's response deletes the session
// cookie.
func clearsSessionCookie(rec *httptest.ResponseRecorder) bool {
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie && c.Value == "" && c.MaxAge < 0 {
			return true
		}
	}
	return false
}

// guarded is a route behind Middleware that answers 200 "secret" to a
// signed-in user.
func guarded(a *authgo.Auth) http.Handler {
	return a.Middleware(authgo.MiddlewareConfig{Protect: []string{"/private"}})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret")
	}))
}

// refusedEverywhere checks that a captured cookie gives no session at GET
// /session (null, cookie cleared), through Middleware and Auth.Session.
func refusedEverywhere(t *testing.T, a *authgo.Auth, what, value string) {
	t.Helper()
	rec := replay(t, a.Handler(), "http://127.0.0.1/api/auth/session", value)
	if body := strings.TrimSpace(rec.Body.String()); rec.Code != 200 || body != "null" {
		t.Errorf("%s replayed at GET /session: %d %s, want 200 null", what, rec.Code, body)
	} else if !clearsSessionCookie(rec) {
		t.Errorf("%s replayed at GET /session: the cookie is not cleared", what)
	}
	if rec := replay(t, guarded(a), "http://127.0.0.1/private", value); rec.Code == 200 {
		t.Errorf("%s replayed through Middleware: 200 %q", what, rec.Body.String())
	}
	req := httptest.NewRequest("GET", "http://127.0.0.1/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
	if s, err := a.Session(nil, req); s != nil || err != nil {
		t.Errorf("%s replayed to Auth.Session: %v, %v; want nil, nil", what, s, err)
	}
}

// TestAttackJWTSignOutReplay captures the session cookie of a JWT session
// at sign-in and again after a read has rotated it, signs out (POST
// /signout, or Auth.SignOut from the app's handler), and replays both
// cookies: each must be refused — on this instance at once, on another
// instance sharing the store once its cache has expired — while the user's
// other sessions and a new sign-in keep working. Each real store: memory,
// PostgreSQL, Redis.
func TestAttackJWTSignOutReplay(t *testing.T) {
	for _, b := range revocationBackends {
		for _, way := range []string{"endpoint", "server"} {
			t.Run(b.name+"/"+way, func(t *testing.T) {
				store := b.open(t)
				clock := newAtomicClock()
				mutate := func(c *authgo.Config) {
					c.Session.Strategy = authgo.StrategyJWT
					c.Revocation.Store = store
					c.Now = clock.Now
				}
				f := newFixture(t, mutate)
				other := newFixture(t, mutate) // a second instance on the same store
				laptop := newFixtureSharing(t, f)
				location(t, laptop.signIn("ada@example.com", "correct horse battery"))

				location(t, f.signIn("ada@example.com", "correct horse battery"))
				atSignIn := f.cookie(sessionCookie).Value
				clock.Advance(time.Minute)
				if f.session() == nil {
					t.Fatal("no session after sign-in")
				}
				rotated := f.cookie(sessionCookie).Value
				if rotated == atSignIn {
					t.Fatal("the read did not re-issue the cookie")
				}
				// The other instance has read (and cached) the session.
				if rec := replay(t, other.auth.Handler(), "http://127.0.0.1/api/auth/session", rotated); !strings.Contains(rec.Body.String(), "ada@example.com") {
					t.Fatalf("the other instance refuses a live session: %s", rec.Body)
				}

				clock.Advance(time.Minute)
				switch way {
				case "endpoint":
					location(t, f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil))
					if c := f.cookie(sessionCookie); c != nil {
						t.Fatal("sign-out left the cookie in the browser")
					}
				case "server":
					req := httptest.NewRequest("POST", "http://127.0.0.1/logout", nil)
					req.AddCookie(&http.Cookie{Name: sessionCookie, Value: rotated})
					rec := httptest.NewRecorder()
					if _, err := f.auth.SignOut(rec, req, "/"); err != nil {
						t.Fatalf("Auth.SignOut: %v", err)
					}
					if !clearsSessionCookie(rec) {
						t.Fatal("Auth.SignOut did not clear the cookie")
					}
				}

				refusedEverywhere(t, f.auth, "the cookie of the sign-in", atSignIn)
				refusedEverywhere(t, f.auth, "the rotated cookie", rotated)
				clock.Advance(2 * time.Second) // past the other instance's cache
				refusedEverywhere(t, other.auth, "the rotated cookie at the other instance", rotated)

				// Not a sign-out of the user: the laptop's session lives,
				// and signing in again works.
				if laptop.session() == nil {
					t.Error("signing out one session ended the user's other session")
				}
				location(t, f.signIn("ada@example.com", "correct horse battery"))
				if f.session() == nil {
					t.Error("a new sign-in after sign-out is refused")
				}
			})
		}
	}
}

// TestAttackJWTSignOutNextJSToken signs out with tokens Next.js could have
// issued: no session_id claim (a jti only, as Auth.js writes), and no jti
// at all. The token itself and the tokens authgo re-issued from it must be
// refused afterwards.
func TestAttackJWTSignOutNextJSToken(t *testing.T) {
	clock := newAtomicClock()
	f := newFixture(t, func(c *authgo.Config) {
		c.Revocation.Store = memory.New()
		c.Now = clock.Now
	})
	claims := map[string]any{"sub": "user-1", "name": "Ada Lovelace", "email": "ada@example.com"}
	withJTI, err := authgoCodec(t).Encode(claims, sessionCookie, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for name, issued := range map[string]string{"with jti": withJTI, "without jti": sealWithoutJTI(t, claims, clock.Now())} {
		t.Run(name, func(t *testing.T) {
			rec := replay(t, f.auth.Handler(), "http://127.0.0.1/api/auth/session", issued)
			if !strings.Contains(rec.Body.String(), "ada@example.com") {
				t.Fatalf("the Next.js token is not accepted: %d %s", rec.Code, rec.Body)
			}
			var reissued string
			for _, c := range rec.Result().Cookies() {
				if c.Name == sessionCookie {
					reissued = c.Value
				}
			}
			if reissued == "" {
				t.Fatal("no re-issued cookie")
			}
			req := httptest.NewRequest("POST", "http://127.0.0.1/logout", nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: reissued})
			if _, err := f.auth.SignOut(httptest.NewRecorder(), req, ""); err != nil {
				t.Fatal(err)
			}
			refusedEverywhere(t, f.auth, "the Next.js token", issued)
			refusedEverywhere(t, f.auth, "the re-issued token", reissued)
		})
	}
}

// TestAttackJWTSignOutStoreDown: with the revocation store unreachable, a
// sign-out cannot be recorded. It must fail visibly (and keep the cookie,
// so the user can try again) rather than pretend; and a read cannot check
// the token, so it fails closed with 503, as for revocation today.
func TestAttackJWTSignOutStoreDown(t *testing.T) {
	live := newFixture(t, func(c *authgo.Config) { c.Revocation.Store = memory.New() })
	location(t, live.signIn("ada@example.com", "correct horse battery"))
	value := live.cookie(sessionCookie).Value

	down := newFixture(t, func(c *authgo.Config) { c.Revocation.Store = downStore{} })

	rec := replay(t, down.auth.Handler(), "http://127.0.0.1/api/auth/session", value)
	if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "ada@") {
		t.Errorf("read with the store down: %d %s, want 503 without the session", rec.Code, rec.Body)
	}
	req := httptest.NewRequest("POST", "http://127.0.0.1/logout", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: value})
	rec = httptest.NewRecorder()
	_, err := down.auth.SignOut(rec, req, "")
	var ae *authgo.Error
	if !errors.As(err, &ae) || ae.Type != authgo.SignOutError || !errors.Is(err, adapter.ErrUnavailable) {
		t.Errorf("Auth.SignOut with the store down: %v, want a SignOutError wrapping ErrUnavailable", err)
	}
	if clearsSessionCookie(rec) {
		t.Error("a sign-out that was not recorded cleared the cookie")
	}

	// POST /signout: the error page (503, the store is unavailable), the
	// cookie kept.
	browser := newFixtureSharing(t, down)
	u, _ := url.Parse(down.srv.URL)
	browser.client.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: value}})
	resp := browser.do("POST", "/api/auth/signout", url.Values{"csrfToken": {browser.csrf()}}, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("POST /signout with the store down: %d %s, want 503", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := browser.cookie(sessionCookie); c == nil || c.Value != value {
		t.Error("POST /signout with the store down cleared the cookie")
	}
}

// TestAttackLinkWithEndedSession: an OAuth sign-in while signed in links
// the new provider account to the signed-in user. An attacker who holds a
// victim's captured cookie — after the victim signed out, or past
// MaxAuthAge — must not be taken for the victim there, or signing in with
// the attacker's own provider account would attach it to the victim's user
// for good.
func TestAttackLinkWithEndedSession(t *testing.T) {
	m := startMockIdP(t)
	for _, ended := range []string{"signed out", "signed out, Next.js token", "past MaxAuthAge, Next.js token"} {
		t.Run(ended, func(t *testing.T) {
			ad := memory.New()
			ctx := context.Background()
			clock := newAtomicClock()
			f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock"), mockOIDC(m, "other")), withAdapter(ad, authgo.StrategyJWT), func(c *authgo.Config) {
				c.Session.MaxAuthAge = 8 * time.Hour
				c.Now = clock.Now
			})
			m.profile(map[string]any{"sub": "alice", "email": "alice@example.com", "email_verified": true, "name": "Alice"})
			location(t, oauthSignIn(f, "mock"))
			alice, _ := ad.GetUserByEmail(ctx, "alice@example.com")
			captured := f.cookie(sessionCookie).Value
			// A token as Next.js issues it: no auth_time or session_id,
			// valid for 30 days.
			codec, _ := jwt.NewCodec([]string{testSecret}, jwt.WithClock(clock.Now))
			fromNext, _ := codec.Encode(map[string]any{"sub": alice.ID, "email": alice.Email}, sessionCookie, 30*24*time.Hour)
			switch ended {
			case "signed out":
				location(t, f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil))
			case "signed out, Next.js token":
				captured = fromNext
				req := httptest.NewRequest("POST", "http://127.0.0.1/logout", nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: captured})
				if _, err := f.auth.SignOut(httptest.NewRecorder(), req, ""); err != nil {
					t.Fatal(err)
				}
			case "past MaxAuthAge, Next.js token":
				captured = fromNext
				clock.Advance(8*time.Hour + time.Minute)
			}
			u, _ := url.Parse(f.srv.URL)
			f.client.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: captured, Path: "/"}})

			m.profile(map[string]any{"sub": "mallory", "email": "mallory@example.com", "email_verified": true})
			oauthSignIn(f, "other")
			if owner, _ := ad.GetUserByAccount(ctx, "other", "mallory"); owner != nil && owner.ID == alice.ID {
				t.Fatalf("the attacker's account was linked to the victim through a session that had ended (%s)", ended)
			}
		})
	}
}
