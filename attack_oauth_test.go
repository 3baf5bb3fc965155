package authgo_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/providers"
)

// Attacks on the OAuth engine and on what authgo stores from a provider:
// look-alike email addresses.

// lookAlikes are addresses that NFKC folds into a plain ASCII address
// (john@example.com, save the last) but that are other strings to the
// identity provider that verified them.
var lookAlikes = []string{
	"ＪＯＨＮ@ｅｘａｍｐｌｅ.ｃｏｍ",      // full-width letters
	"john＠example.com",      // full-width @ (GHSA-7rqj-j65f-68wh)
	"ｊohn@example.com",      // one full-width letter
	"𝐣𝐨𝐡𝐧@example.com",      // mathematical bold
	"ⓙohn@example.com",      // circled letter
	"john@example.co\u2098", // subscript m
	"\ufb01@example.com",    // the ligature ﬁ (→ fi@example.com)
}

// TestAttackLookAlikeOAuthEmail: OAuth profile emails were only
// lower-cased while credentials emails are NFKC-normalised, so an identity
// provider's address in full-width letters became a second user that looks
// like john@example.com. Through a real OIDC flow, each look-alike is now
// refused — with and without dangerous email linking — and nothing is
// stored: the provider verified a string authgo would not store as is.
func TestAttackLookAlikeOAuthEmail(t *testing.T) {
	m := startMockIdP(t)
	ctx := context.Background()
	for _, linking := range []bool{false, true} {
		t.Run("dangerous linking "+strconv.FormatBool(linking), func(t *testing.T) {
			ad := memory.New()
			john, err := ad.CreateUser(ctx, adapter.User{Email: "john@example.com", Name: "John"})
			if err != nil {
				t.Fatal(err)
			}
			p := mockOIDC(m, "mock", func(c *providers.OAuthConfig) { c.AllowDangerousEmailAccountLinking = linking })
			for i, email := range lookAlikes {
				sub := fmt.Sprintf("mallory-%v-%d", linking, i)
				m.profile(map[string]any{"sub": sub, "email": email, "email_verified": true, "name": "Mallory"})
				f := newOAuthFixture(t, withProviders(p), withAdapter(ad, authgo.StrategyJWT))
				resp := oauthSignIn(f, "mock")
				if acct, _ := ad.GetAccount(ctx, "mock", sub); acct != nil {
					t.Errorf("%q: the account was stored for user %s (john is %s)", email, acct.UserID, john.ID)
					continue
				}
				if u, _ := ad.GetUserByEmail(ctx, strings.ToLower(email)); u != nil {
					t.Errorf("%q: a look-alike user %+v was created", email, u)
				}
				wantFailure(t, f, resp, "/api/auth/signin?error=OAuthCallbackError", "mock", "profile")
			}
			if u, _ := ad.GetUserByEmail(ctx, "john@example.com"); u == nil || u.ID != john.ID || u.Name != "John" {
				t.Errorf("john is now %+v", u)
			}
		})
	}
}

// TestOAuthEmailCaseIsOneAccount: what NFKC leaves alone but case and
// spaces change is the same address: stored in its canonical form, it
// finds the existing user (OAuthAccountNotLinked without dangerous
// linking, linked with it) and a new user is stored lower-case.
func TestOAuthEmailCaseIsOneAccount(t *testing.T) {
	m := startMockIdP(t)
	ctx := context.Background()
	ad := memory.New()
	john, _ := ad.CreateUser(ctx, adapter.User{Email: "john@example.com"})

	m.profile(map[string]any{"sub": "john-upper", "email": " John@Example.COM ", "email_verified": true})
	f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock")), withAdapter(ad, authgo.StrategyJWT))
	wantFailure(t, f, oauthSignIn(f, "mock"), "/api/auth/signin?error=OAuthAccountNotLinked", "mock", "")

	linking := mockOIDC(m, "linking", func(c *providers.OAuthConfig) { c.AllowDangerousEmailAccountLinking = true })
	f = newOAuthFixture(t, withProviders(linking), withAdapter(ad, authgo.StrategyJWT))
	if loc := location(t, oauthSignIn(f, "linking")); loc != f.url("/dashboard") {
		t.Fatalf("linking sign-in went to %q", loc)
	}
	if acct, _ := ad.GetAccount(ctx, "linking", "john-upper"); acct == nil || acct.UserID != john.ID {
		t.Errorf("account %+v, want linked to john %s", acct, john.ID)
	}

	// Canonically equivalent forms (a decomposed é) are one address too.
	m.profile(map[string]any{"sub": "jose", "email": "Jose\u0301@Example.com", "email_verified": true})
	f = newOAuthFixture(t, withProviders(mockOIDC(m, "mock")), withAdapter(ad, authgo.StrategyJWT))
	if loc := location(t, oauthSignIn(f, "mock")); loc != f.url("/dashboard") {
		t.Fatalf("new user sign-in went to %q", loc)
	}
	if u, _ := ad.GetUserByEmail(ctx, "jos\u00e9@example.com"); u == nil {
		t.Error("the new user was not stored under the canonical address")
	}
}

// TestAttackLookAlikeCredentialsEmail: a credentials user that Authorize
// returns with a look-alike of a stored address was created as a second
// user under database sessions; the adapter is now asked for the
// canonical address, which finds the stored user.
func TestAttackLookAlikeCredentialsEmail(t *testing.T) {
	ctx := context.Background()
	ad := memory.New()
	ada, _ := ad.CreateUser(ctx, adapter.User{Email: "ada@example.com", Name: "Ada"})
	cred := credentialsFunc(func() (*authgo.User, error) {
		return &authgo.User{Email: "ＡＤＡ@example.com", Name: "Ada"}, nil
	})
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = []authgo.Provider{cred}
		c.Adapter = ad
		c.Session.Strategy = authgo.StrategyDatabase
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	user, _ := f.session()["user"].(map[string]any)
	if user["id"] != ada.ID {
		t.Errorf("session user %v, want the stored ada %s", user, ada.ID)
	}
	for _, e := range []string{"ＡＤＡ@example.com", "ａｄａ@example.com"} {
		if u, _ := ad.GetUserByEmail(ctx, e); u != nil {
			t.Errorf("a look-alike user was created: %+v", u)
		}
	}
}

// TestAttackLookAlikeIdentifierSharesRateLimit: an identifier typed in a
// text field (not declared as email) was only lower-cased for the rate
// limit, so full-width variants of one address each got a fresh budget.
func TestAttackLookAlikeIdentifierSharesRateLimit(t *testing.T) {
	cred := providers.Credentials(providers.CredentialsConfig{
		Fields:    []authgo.Field{{Name: "email", Type: "text"}, {Name: "password", Type: "password"}},
		Authorize: func(context.Context, authgo.Credentials, *http.Request) (*authgo.User, error) { return nil, nil },
	})
	f := newFixture(t, func(c *authgo.Config) { c.Providers = []authgo.Provider{cred} })
	for i := 0; i < 5; i++ {
		location(t, f.signIn("ada@example.com", "wrong password "+strconv.Itoa(i)))
	}
	for _, v := range []string{"ＡＤＡ@example.com", "ada＠example.com", "ⓐda@example.com"} {
		if resp := f.signIn(v, "another wrong one"); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("look-alike %q got a fresh budget: %d", v, resp.StatusCode)
		}
	}
}
