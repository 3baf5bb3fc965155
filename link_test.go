package authgo_test

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/providers"
)

// linkEvents records the events of a sign-in.
type linkEvents struct {
	mu                      sync.Mutex
	created, linked, signIn []string
	newUser                 []bool
}

func (e *linkEvents) config(c *authgo.Config) {
	c.Events.CreateUser = func(ctx context.Context, u *authgo.User) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.created = append(e.created, u.Email)
		return nil
	}
	c.Events.LinkAccount = func(ctx context.Context, ev authgo.LinkAccountEvent) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.linked = append(e.linked, ev.Account.Provider+"/"+ev.Account.ProviderAccountID+"->"+ev.User.ID)
		return nil
	}
	c.Events.SignIn = func(ctx context.Context, ev authgo.SignInEvent) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.signIn = append(e.signIn, ev.User.ID)
		e.newUser = append(e.newUser, ev.IsNewUser)
		return nil
	}
}

func withAdapter(ad *memory.Adapter, strategy authgo.SessionStrategy) func(*authgo.Config) {
	return func(c *authgo.Config) {
		c.Adapter = ad
		c.Session.Strategy = strategy
	}
}

func TestLinkNewUserAndReturningUser(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) {
			m := startMockIdP(t)
			ad := memory.New()
			var ev linkEvents
			f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock")), withAdapter(ad, strategy), ev.config, func(c *authgo.Config) {
				c.Pages.NewUser = "/welcome"
			})
			resp := oauthSignIn(f, "mock")
			if loc := location(t, resp); loc != f.url("/welcome?callbackUrl="+url.QueryEscape(f.url("/dashboard"))) {
				t.Errorf("first sign-in went to %q, want the new-user page with the callbackUrl", loc)
			}
			ctx := context.Background()
			u, _ := ad.GetUserByEmail(ctx, "john@example.com")
			if u == nil || u.Name != "John Doe" || u.EmailVerified != nil {
				t.Fatalf("stored user %+v", u)
			}
			acct, _ := ad.GetAccount(ctx, "mock", "johndoe")
			if acct == nil || acct.UserID != u.ID || acct.AccessToken == "" || acct.RefreshToken == "" || acct.IDToken == "" || acct.TokenType != "bearer" || acct.ExpiresAt == 0 || acct.Type != "oidc" {
				t.Fatalf("stored account %+v", acct)
			}
			if user, _ := f.session()["user"].(map[string]any); user["id"] != u.ID {
				t.Errorf("session user %v, want the stored user %s", user, u.ID)
			}
			// The second sign-in finds the account: not a new user.
			resp = oauthSignIn(f, "mock")
			if loc := location(t, resp); loc != f.url("/dashboard") {
				t.Errorf("second sign-in went to %q", loc)
			}
			ev.mu.Lock()
			defer ev.mu.Unlock()
			if len(ev.created) != 1 || len(ev.linked) != 1 || len(ev.signIn) != 2 || !ev.newUser[0] || ev.newUser[1] {
				t.Errorf("events: created %v linked %v signIn %v new %v", ev.created, ev.linked, ev.signIn, ev.newUser)
			}
		})
	}
}

func TestLinkEmailOfAnotherUser(t *testing.T) {
	m := startMockIdP(t)
	for _, dangerous := range []bool{false, true} {
		ad := memory.New()
		existing, err := ad.CreateUser(context.Background(), authgo.User{Email: "john@example.com", Name: "Existing John"})
		if err != nil {
			t.Fatal(err)
		}
		p := mockOIDC(m, "mock", func(c *providers.OAuthConfig) { c.AllowDangerousEmailAccountLinking = dangerous })
		f := newOAuthFixture(t, withProviders(p), withAdapter(ad, authgo.StrategyJWT))
		resp := oauthSignIn(f, "mock")
		acct, _ := ad.GetAccount(context.Background(), "mock", "johndoe")
		if !dangerous {
			wantFailure(t, f, resp, "/api/auth/signin?error=OAuthAccountNotLinked", "mock", "")
			if acct != nil {
				t.Error("the account was linked without AllowDangerousEmailAccountLinking")
			}
			continue
		}
		if location(t, resp) != f.url("/dashboard") || acct == nil || acct.UserID != existing.ID {
			t.Errorf("with dangerous linking: account %+v, want linked to %s", acct, existing.ID)
		}
	}
}

func TestLinkToSignedInUserAndConflicts(t *testing.T) {
	m := startMockIdP(t)
	ad := memory.New()
	ctx := context.Background()
	f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock"), mockOIDC(m, "other")), withAdapter(ad, authgo.StrategyJWT))

	// Alice signs in with mock, then adds her account at "other".
	m.profile(map[string]any{"sub": "alice", "email": "alice@example.com", "email_verified": true, "name": "Alice"})
	oauthSignIn(f, "mock")
	alice, _ := ad.GetUserByEmail(ctx, "alice@example.com")
	m.profile(map[string]any{"sub": "alice-other", "email": "alice.other@example.com", "email_verified": true})
	if loc := location(t, oauthSignIn(f, "other")); loc != f.url("/dashboard") {
		t.Fatalf("linking went to %q", loc)
	}
	if owner, _ := ad.GetUserByAccount(ctx, "other", "alice-other"); owner == nil || owner.ID != alice.ID {
		t.Fatalf("the new account belongs to %+v, want Alice %s", owner, alice.ID)
	}
	if u, _ := ad.GetUserByEmail(ctx, "alice.other@example.com"); u != nil {
		t.Error("linking created a second user")
	}

	// Bob's account exists; signing in with it while Alice is signed in
	// is refused.
	bob, _ := ad.CreateUser(ctx, authgo.User{Email: "bob@example.com"})
	if err := ad.LinkAccount(ctx, authgo.Account{UserID: bob.ID, Type: "oidc", Provider: "mock", ProviderAccountID: "bob"}); err != nil {
		t.Fatal(err)
	}
	m.profile(map[string]any{"sub": "bob", "email": "bob@example.com", "email_verified": true})
	resp := oauthSignIn(f, "mock")
	if loc := location(t, resp); loc != f.url("/api/auth/signin?error=OAuthAccountNotLinked") || sessionCookieSet(resp) {
		t.Errorf("signing in with Bob's account as Alice: %q", loc)
	}
	if user, _ := f.session()["user"].(map[string]any); user["id"] != alice.ID {
		t.Errorf("session is now %v, want Alice's unchanged", user)
	}
}

func TestLinkSignInCallbackDeniesOrRedirects(t *testing.T) {
	m := startMockIdP(t)
	ad := memory.New()
	var mode string
	f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock")), withAdapter(ad, authgo.StrategyJWT), func(c *authgo.Config) {
		c.Callbacks.SignIn = func(ctx context.Context, p authgo.SignInParams) (string, error) {
			if p.Account.Provider != "mock" || p.Profile["email"] != "john@example.com" {
				t.Errorf("SignIn callback got %+v %v", p.Account, p.Profile)
			}
			if mode == "deny" {
				return "", errors.New("not on the list")
			}
			return "/waitlist", nil
		}
	})
	mode = "deny"
	wantFailure(t, f, oauthSignIn(f, "mock"), "/api/auth/error?error=AccessDenied", "mock", "")
	if u, _ := ad.GetUserByEmail(context.Background(), "john@example.com"); u != nil {
		t.Error("a denied sign-in created a user")
	}
	mode = "redirect"
	resp := oauthSignIn(f, "mock")
	if loc := location(t, resp); loc != f.url("/waitlist") || sessionCookieSet(resp) {
		t.Errorf("redirecting SignIn callback: %q", loc)
	}
}

// TestStableUserIDNeverChanges: the ids StableUserID gave before authgo
// made its own UUIDs (they were github.com/google/uuid's NewSHA1): sessions
// and an app's own rows hold them, so they must stay.
func TestStableUserIDNeverChanges(t *testing.T) {
	for _, c := range []struct{ provider, account, want string }{
		{"github", "12345", "84cb5ba3-1a77-573b-9ae6-d665f6d8850f"},
		{"google", "1098765432109876543210", "1d048d99-9aac-51f5-b4ff-b9985ba51f07"},
	} {
		if got := authgo.StableUserID(c.provider, c.account); got != c.want {
			t.Errorf("StableUserID(%q, %q) = %s, want %s", c.provider, c.account, got, c.want)
		}
	}
}
