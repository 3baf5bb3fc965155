package passkey_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo/passkey"
)

// Registration attacks: each forged response is refused with the Auth.js
// error named, a log line, and nothing stored.
func TestAttackRegistration(t *testing.T) {
	for _, tc := range []struct {
		name   string
		origin string
		edit   func(*clientData)
		want   string
	}{
		{"tampered client data", "", func(cd *clientData) { cd.Challenge = b64.EncodeToString([]byte("a challenge of the attacker's own")) }, "AccessDenied"},
		{"wrong ceremony type", "", func(cd *clientData) { cd.Type = "webauthn.get" }, "AccessDenied"},
		{"wrong origin", "https://evil.example", nil, "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, passkey.Config{}, nil)
			b := s.browser()
			_, _, opts := b.options("action=register&email=mallory@example.com")
			origin := s.origin
			if tc.origin != "" {
				origin = tc.origin
			}
			key := newSoftKey(t)
			if got := errorOf(b.callback("register", key.create(t, opts, origin, tc.edit))); got != tc.want {
				t.Fatalf("error = %q, want %q", got, tc.want)
			}
			s.assertNothingStored(key)
			if u, _ := s.db.GetUserByEmail(context.Background(), "mallory@example.com"); u != nil {
				t.Errorf("user created: %+v", u)
			}
			if !strings.Contains(s.log(), "sign-in failed") {
				t.Errorf("no log line:\n%s", s.log())
			}
		})
	}
}

// A credential made for another relying party (its rpIdHash is another
// host's) is refused.
func TestAttackOtherRelyingParty(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	b := s.browser()
	_, _, opts := b.options("action=register&email=rp@example.com")
	opts = bytes.Replace(opts, []byte(`"id":"localhost"`), []byte(`"id":"evil.example"`), 1)
	key := newSoftKey(t)
	if got := errorOf(b.callback("register", key.create(t, opts, s.origin, nil))); got != "AccessDenied" {
		t.Fatalf("registration for another RP: error = %q, want AccessDenied", got)
	}
	s.assertNothingStored(key)

	// And an assertion signed for another RP.
	good := newSoftKey(t)
	b.register(good, "rp@example.com")
	b.signOut()
	_, _, opts = b.options("action=authenticate")
	data := good.get(t, opts, s.origin, func(a *assertion) { a.rpID = "evil.example" })
	if got := errorOf(b.callback("authenticate", data)); got != "AccessDenied" {
		t.Fatalf("assertion for another RP: error = %q, want AccessDenied", got)
	}
	if b.email() != "" {
		t.Error("signed in")
	}
}

// Sign-in attacks against a registered passkey.
func TestAttackAuthentication(t *testing.T) {
	type setup struct {
		s          *server
		b          *browser
		key, other *softKey
	}
	for _, tc := range []struct {
		name string
		data func(t *testing.T, st setup, opts []byte) string
		want string
		log  string
	}{
		{"tampered client data", func(t *testing.T, st setup, opts []byte) string {
			return st.key.get(t, opts, st.s.origin, func(a *assertion) {
				a.tamper = func(cdj []byte) []byte {
					return bytes.Replace(cdj, []byte(`"crossOrigin":false`), []byte(`"crossOrigin":true `), 1)
				}
			})
		}, "AccessDenied", "sign-in failed"},
		{"wrong origin", func(t *testing.T, st setup, opts []byte) string {
			return st.key.get(t, opts, "https://localhost.evil.example", nil)
		}, "AccessDenied", "sign-in failed"},
		{"unknown credential", func(t *testing.T, st setup, opts []byte) string {
			stranger := newSoftKey(t)
			stranger.handle = st.key.handle
			return stranger.get(t, opts, st.s.origin, func(a *assertion) { a.rpID = "localhost" })
		}, "AccessDenied", "code=unknown_credential"},
		{"user handle of another user", func(t *testing.T, st setup, opts []byte) string {
			return st.key.get(t, opts, st.s.origin, func(a *assertion) { a.handle = st.other.handle })
		}, "AccessDenied", "code=user_handle"},
		{"counter regression", func(t *testing.T, st setup, opts []byte) string {
			zero := uint32(0)
			return st.key.get(t, opts, st.s.origin, func(a *assertion) { a.counter = &zero })
		}, "AccessDenied", "code=counter"},
		{"malformed data", func(*testing.T, setup, []byte) string { return `{"id":"x","response":{}}` }, "Verification", "code=malformed"},
		{"not JSON", func(*testing.T, setup, []byte) string { return `{"id":` }, "Verification", "code=data"},
		{"oversized data", func(*testing.T, setup, []byte) string {
			return `{"id":"` + strings.Repeat("A", 40<<10) + `"}`
		}, "Verification", "code=data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, passkey.Config{}, nil)
			st := setup{s: s, b: s.browser(), key: newSoftKey(t), other: newSoftKey(t)}
			st.b.register(st.key, "victim@example.com")
			st.b.signOut()
			ob := s.browser()
			ob.register(st.other, "other@example.com")
			// Sign in once, so the counter stands at 1.
			_, _, opts := st.b.options("")
			st.b.callback("authenticate", st.key.get(t, opts, s.origin, func(a *assertion) { a.rpID = "localhost" }))
			st.b.signOut()
			id := base64.StdEncoding.EncodeToString(st.key.id)
			before, _ := s.db.GetAuthenticator(context.Background(), id)

			_, _, opts = st.b.options("")
			data := tc.data(t, st, fixRPID(opts))
			if got := errorOf(st.b.callback("authenticate", data)); got != tc.want {
				t.Fatalf("error = %q, want %q; log:\n%s", got, tc.want, s.log())
			}
			if st.b.email() != "" {
				t.Fatal("signed in")
			}
			after, _ := s.db.GetAuthenticator(context.Background(), id)
			if after.Counter != before.Counter || !after.LastUsedAt.Equal(before.LastUsedAt) {
				t.Errorf("the stored credential changed: %+v → %+v", before, after)
			}
			if !strings.Contains(s.log(), tc.log) {
				t.Errorf("the log does not say %q:\n%s", tc.log, s.log())
			}
		})
	}
}

// fixRPID returns authentication options as they are (rpId is set).
func fixRPID(opts []byte) []byte { return opts }

// A counter that goes back is logged and told to Events as a clone
// warning; with AllowCounterRegression the sign-in goes on.
func TestCounterRegressionEvent(t *testing.T) {
	for _, allow := range []bool{false, true} {
		s := newServer(t, passkey.Config{AllowCounterRegression: allow}, nil)
		b := s.browser()
		key := newSoftKey(t)
		key.counter = 10
		b.register(key, "clone@example.com")
		b.signOut()
		_, _, opts := b.options("")
		five := uint32(5)
		b.callback("authenticate", key.get(t, opts, s.origin, func(a *assertion) { a.counter = &five }))
		if signedIn := b.email() != ""; signedIn != allow {
			t.Errorf("allow=%v: signed in = %v", allow, signedIn)
		}
		if len(s.clones) != 1 || s.clones[0].StoredCounter != 10 || s.clones[0].Counter != 5 || s.clones[0].Refused == allow {
			t.Errorf("allow=%v: clone events = %+v", allow, s.clones)
		}
		if !strings.Contains(s.log(), "may be cloned") {
			t.Errorf("allow=%v: no warning logged", allow)
		}
	}
}

// A challenge is accepted once: replaying a whole sign-in (its cookie and
// its response) fails, and so does a second response to one challenge.
func TestAttackReplayedChallenge(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	b := s.browser()
	key := newSoftKey(t)
	b.register(key, "replay@example.com")
	b.signOut()
	_, _, opts := b.options("")
	u, _ := url.Parse(s.origin)
	cookies := b.hc.Jar.Cookies(u) // the challenge cookie, as an attacker would copy it
	data := key.get(t, opts, s.origin, nil)
	b.callback("authenticate", data)
	if b.email() != "replay@example.com" {
		t.Fatal("the first sign-in failed")
	}
	b.signOut()

	replay := s.browser()
	replay.hc.Jar.SetCookies(u, cookies)
	if got := errorOf(replay.callback("authenticate", data)); got != "Verification" {
		t.Fatalf("replayed sign-in: error = %q, want Verification", got)
	}
	replay.hc.Jar.SetCookies(u, cookies)
	if got := errorOf(replay.callback("authenticate", key.get(t, opts, s.origin, nil))); got != "Verification" {
		t.Fatalf("a fresh response to a used challenge: error = %q, want Verification", got)
	}
	if replay.email() != "" {
		t.Fatal("the replay signed in")
	}
	if !strings.Contains(s.log(), "used before") {
		t.Errorf("the log does not name the used challenge:\n%s", s.log())
	}
}

// Bad requests: a wrong action, no challenge cookie, the cookie of the
// other action. Nothing is stored.
func TestBadCallbacks(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	b := s.browser()
	key := newSoftKey(t)
	_, _, opts := b.options("action=register&email=bad@example.com")
	data := key.create(t, opts, s.origin, nil)
	if got := errorOf(b.callback("signup", data)); got != "Verification" {
		t.Errorf("wrong action: %q", got)
	}
	if got := errorOf(b.callback("authenticate", data)); got != "Verification" {
		t.Errorf("the register cookie for authenticate: %q", got)
	}
	fresh := s.browser()
	if got := errorOf(fresh.callback("register", data)); got != "Verification" {
		t.Errorf("no challenge cookie: %q", got)
	}
	s.assertNothingStored(key)

	for q, want := range map[string]string{
		"action=delete":                      `{"error":"Invalid action"}`,
		"action=register":                    `{"error":"Invalid request"}`,
		"action=register&email=not-an-email": `{"error":"Invalid request"}`,
	} {
		status, body, _ := fresh.options(q)
		if status != http.StatusBadRequest || body != want {
			t.Errorf("options %s = %d %s, want 400 %s", q, status, body, want)
		}
	}
}
