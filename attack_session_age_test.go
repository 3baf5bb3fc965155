package authgo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/jwt"
)

// sessionAt reads the session of f and returns it with the expiry of the
// cookie the read set (zero when none was set).
func sessionAt(t *testing.T, f *fixture) (map[string]any, time.Time) {
	t.Helper()
	resp := f.do("GET", "/api/auth/session", nil, nil)
	var out map[string]any
	decodeJSON(t, resp, &out)
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return out, c.Expires
		}
	}
	return out, time.Time{}
}

// TestAttackSessionWithoutEnd keeps a session alive by reading it every
// half hour, as an open tab or a stolen cookie replayed by a script would.
// With Session.MaxAge one hour, each read slides it forward; with
// MaxAuthAge eight hours it must end eight hours after sign-in however
// often it is read — its cookies never outliving that — and read as signed
// out (cookie cleared, row deleted). Without MaxAuthAge (the default, as
// in Auth.js) it slides on. Both strategies.
func TestAttackSessionWithoutEnd(t *testing.T) {
	const maxAuthAge = 8 * time.Hour
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		for _, limit := range []time.Duration{maxAuthAge, 0} {
			t.Run(fmt.Sprintf("%s/MaxAuthAge=%v", strategy, limit), func(t *testing.T) {
				clock := newAtomicClock()
				store := memory.New()
				f := newFixture(t, func(c *authgo.Config) {
					c.Adapter = store
					c.Session.Strategy = strategy
					c.Session.MaxAge = time.Hour
					c.Session.UpdateAge = time.Minute
					c.Session.MaxAuthAge = limit
					c.Now = clock.Now
				})
				start := clock.Now()
				location(t, f.signIn("ada@example.com", "correct horse battery"))
				last := f.cookie(sessionCookie).Value
				// Reads every half hour up to 7h30m, then one at 7h59m.
				for i := 1; i <= 16; i++ {
					if i < 16 {
						clock.Advance(30 * time.Minute)
					} else {
						clock.Advance(29 * time.Minute)
					}
					s, exp := sessionAt(t, f)
					if s == nil {
						t.Fatalf("session ended %v after sign-in, before MaxAuthAge", clock.Now().Sub(start))
					}
					if limit > 0 && exp.After(start.Add(limit)) && !t.Failed() {
						t.Errorf("a read %v after sign-in set a cookie expiring %v after it, past MaxAuthAge", clock.Now().Sub(start), exp.Sub(start))
					}
					last = f.cookie(sessionCookie).Value
				}
				clock.Advance(2 * time.Minute) // just past eight hours
				s, _ := sessionAt(t, f)
				if limit == 0 {
					if s == nil {
						t.Fatal("without MaxAuthAge a session read every half hour ended")
					}
					return
				}
				if s != nil {
					t.Fatalf("session alive %v after sign-in with MaxAuthAge %v: %v", clock.Now().Sub(start), limit, s)
				}
				if f.cookie(sessionCookie) != nil {
					t.Error("the cookie of a session past MaxAuthAge was not cleared")
				}
				refusedEverywhere(t, f.auth, "the last cookie", last)
				if strategy == authgo.StrategyDatabase {
					if row, _ := store.GetSession(context.Background(), last); row != nil {
						t.Error("the row of a session past MaxAuthAge was not deleted")
					}
				}
			})
		}
	}
}

// TestAttackMaxAuthAgeForeignSessions: sessions authgo did not start. A JWT from
// Next.js has no auth_time: its iat counts, and is kept as auth_time in the
// tokens re-issued from it. A token with neither, and a database row
// without a creation time, are refused when MaxAuthAge is set.
func TestAttackMaxAuthAgeForeignSessions(t *testing.T) {
	clock := newAtomicClock()
	store := memory.New()
	jwtAuth := newFixture(t, func(c *authgo.Config) {
		c.Session.MaxAuthAge = 8 * time.Hour
		c.Now = clock.Now
	})
	start := clock.Now()
	codec, err := jwt.NewCodec([]string{testSecret}, jwt.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	fromNext, err := codec.Encode(map[string]any{"sub": "user-1", "email": "ada@example.com"}, sessionCookie, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(7 * time.Hour)
	rec := replay(t, jwtAuth.auth.Handler(), "http://127.0.0.1/api/auth/session", fromNext)
	if !strings.Contains(rec.Body.String(), "ada@example.com") {
		t.Fatalf("a Next.js token 7h old refused: %s", rec.Body)
	}
	var reissued string
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			reissued = c.Value
			if c.Expires.After(start.Add(8 * time.Hour)) {
				t.Errorf("re-issued cookie expires %v after the Next.js token's iat, past MaxAuthAge", c.Expires.Sub(start))
			}
		}
	}
	clock.Advance(time.Hour + time.Minute)
	refusedEverywhere(t, jwtAuth.auth, "a Next.js token past MaxAuthAge since its iat", fromNext)
	refusedEverywhere(t, jwtAuth.auth, "the token re-issued from it", reissued)

	noTimes := sealToken(t, map[string]any{"sub": "user-1", "email": "ada@example.com", "exp": clock.Now().Add(time.Hour).Unix()})
	refusedEverywhere(t, jwtAuth.auth, "a token without auth_time or iat", noTimes)

	dbAuth := newFixture(t, func(c *authgo.Config) {
		c.Adapter = store
		c.Session.MaxAuthAge = 8 * time.Hour
		c.Now = clock.Now
	})
	ctx := context.Background()
	if _, err := store.CreateUser(ctx, authgo.User{ID: "user-1", Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateSession(ctx, adapter.Session{SessionToken: "row-without-created-at", UserID: "user-1", Expires: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	refusedEverywhere(t, dbAuth.auth, "a database row without a creation time", "row-without-created-at")
}
