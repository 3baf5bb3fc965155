package authgo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/providers"
)

// Attacks on the OAuth engine and on what authgo stores from a provider:
// look-alike email addresses, plain-http endpoints, and sign-in requests
// that try to rewrite the authorization request.

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

// TestAttackSignInQueryCannotRewriteAuthorization: query parameters of a
// sign-in request were laid over the configured authorization parameters,
// so ?scope=email&prompt=none reached the identity provider (and could
// drop a configured acr_values=mfa). Configured parameters win; protocol
// parameters never come from the request; other parameters (login_hint)
// still pass through, as in Auth.js. The flow completes.
func TestAttackSignInQueryCannotRewriteAuthorization(t *testing.T) {
	m := startMockIdP(t)
	p := mockOIDC(m, "mock", func(c *providers.OAuthConfig) {
		c.AuthorizationParams = url.Values{"prompt": {"consent"}, "acr_values": {"mfa"}}
	})
	f := newOAuthFixture(t, withProviders(p))
	attack := url.Values{
		"scope": {"email"}, "prompt": {"none"}, "acr_values": {""}, "response_type": {"token"}, "client_id": {"evil"},
		"redirect_uri": {"https://evil.example/cb"}, "code_challenge": {"x"}, "code_challenge_method": {"plain"},
		"nonce": {"n"}, "state": {"s"}, "response_mode": {"fragment"}, "claims": {`{"id_token":{"email":null}}`},
		"login_hint": {"mallory"}, "ui_locales": {"de"},
	}
	authURL := startSignIn(f, "mock", attack.Encode())
	u, _ := url.Parse(authURL)
	q := u.Query()
	for k, want := range map[string]string{
		"scope": "openid profile email", "prompt": "consent", "acr_values": "mfa", "response_type": "code",
		"client_id": mockClientID, "redirect_uri": f.url("/api/auth/callback/mock"), "code_challenge_method": "S256",
		"login_hint": "mallory", "ui_locales": "de",
	} {
		if got := q[k]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	for _, k := range []string{"code_challenge", "nonce", "state"} {
		if v := q.Get(k); v == "" || v == attack.Get(k) {
			t.Errorf("%s = %q: taken from the request", k, v)
		}
	}
	for _, k := range []string{"response_mode", "claims"} {
		if q.Has(k) {
			t.Errorf("%s = %q reached the provider", k, q.Get(k))
		}
	}
	if loc := location(t, f.get(authorizeAt(f, authURL))); loc != f.url("/dashboard") {
		t.Fatalf("callback went to %q", loc)
	}

	// An OAuth 2 provider without a nonce or state check: the request
	// cannot add them either, nor change the scope.
	plain := mockOAuth2(m, "plain", func(c *providers.OAuthConfig) { c.Checks = []string{providers.CheckPKCE} })
	g := newOAuthFixture(t, withProviders(plain))
	q = mustQuery(t, startSignIn(g, "plain", "scope=admin&nonce=n&state=s&code_challenge=x"))
	if q.Get("scope") != "read" || q.Has("nonce") || q.Has("state") || q.Get("code_challenge") == "x" {
		t.Errorf("OAuth 2 authorization query %v", q)
	}
}

// TestOAuthAttacks runs attacks against a sign-in with the real mock
// server; each must end on the right error page with no session.
func TestOAuthAttacks(t *testing.T) {
	m := startMockIdP(t)
	const errPage = "/api/auth/error?error=Configuration"
	const cbErr = "/api/auth/signin?error=OAuthCallbackError"
	newF := func(t *testing.T) *fixture {
		return newOAuthFixture(t, withProviders(mockOIDC(m, "mock"), mockOIDC(m, "mock2")))
	}
	// callbackWith runs a sign-in up to the callback URL, lets edit
	// change it, and sends it.
	callbackWith := func(f *fixture, edit func(q url.Values)) *http.Response {
		cb := authorizeAt(f, startSignIn(f, "mock", ""))
		u, _ := url.Parse(cb)
		q := u.Query()
		edit(q)
		u.RawQuery = q.Encode()
		return f.get(u.String())
	}
	cases := []struct {
		name       string
		run        func(t *testing.T, f *fixture) *http.Response
		want, step string
	}{
		{"wrong state", func(t *testing.T, f *fixture) *http.Response {
			return callbackWith(f, func(q url.Values) { q.Set("state", q.Get("state")+"x") })
		}, errPage, "check"},
		{"missing state", func(t *testing.T, f *fixture) *http.Response {
			return callbackWith(f, func(q url.Values) { q.Del("state") })
		}, errPage, "check"},
		{"missing check cookies", func(t *testing.T, f *fixture) *http.Response {
			cb := authorizeAt(f, startSignIn(f, "mock", ""))
			f.client.Jar, _ = cookiejar.New(nil)
			return f.get(cb)
		}, errPage, "check"},
		{"PKCE verifier mismatch", func(t *testing.T, f *fixture) *http.Response {
			// The code of one sign-in with the cookies and state of another.
			other := newF(t)
			otherCode := mustQuery(t, authorizeAt(other, startSignIn(other, "mock", ""))).Get("code")
			return callbackWith(f, func(q url.Values) { q.Set("code", otherCode) })
		}, cbErr, "token"},
		{"nonce replay", func(t *testing.T, f *fixture) *http.Response {
			other := newF(t)
			oauthSignIn(other, "mock")
			old, _ := m.lastTokenResponse()["id_token"].(string)
			if old == "" {
				t.Fatal("no id_token captured")
			}
			m.next(map[string]any{"response": map[string]any{"idToken": old}})
			return oauthSignIn(f, "mock")
		}, errPage, "check"},
		{"ID token bad signature", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"response": map[string]any{"idTokenTamper": true}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"ID token wrong aud", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"aud": "another-client"}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"ID token wrong azp", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"aud": []string{mockClientID, "another-client"}, "azp": "another-client"}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"ID token wrong iss", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"iss": "http://127.0.0.1:1/evil"}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"ID token expired", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"exp": map[string]any{"rel": -3600}, "iat": map[string]any{"rel": -7200}, "nbf": nil}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"ID token issued in the future", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"iat": map[string]any{"rel": 3600}, "nbf": nil}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"ID token alg none", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"response": map[string]any{"idTokenAlgNone": true}})
			return oauthSignIn(f, "mock")
		}, cbErr, "id_token"},
		{"code replay", func(t *testing.T, f *fixture) *http.Response {
			cb := authorizeAt(f, startSignIn(f, "mock", ""))
			base, _ := url.Parse(f.srv.URL)
			saved := f.client.Jar.Cookies(base)
			if resp := f.get(cb); location(t, resp) != f.url("/dashboard") {
				t.Fatal("the first use of the code failed")
			}
			// An attacker replays the callback with the victim's cookies.
			jar, _ := cookiejar.New(nil)
			jar.SetCookies(base, saved)
			f.client.Jar = jar
			return f.get(cb)
		}, cbErr, "token"},
		{"callback with another provider's check cookies", func(t *testing.T, f *fixture) *http.Response {
			cb := authorizeAt(f, startSignIn(f, "mock2", ""))
			return f.get(strings.Replace(cb, "/callback/mock2?", "/callback/mock?", 1))
		}, errPage, "check"},
		{"IdP error=access_denied", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"authorize": map[string]any{"error": "access_denied", "code": nil}})
			return oauthSignIn(f, "mock")
		}, cbErr, "authorize"},
		{"token endpoint 503", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"response": map[string]any{"statusCode": 503, "body": map[string]any{"error": "temporarily_unavailable"}}})
			return oauthSignIn(f, "mock")
		}, cbErr, "token"},
		{"token response without access_token", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"response": map[string]any{"body": map[string]any{"token_type": "Bearer"}}})
			return oauthSignIn(f, "mock")
		}, cbErr, "token"},
		{"missing email", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"email": nil}})
			return oauthSignIn(f, "mock")
		}, cbErr, "profile"},
		{"unverified email", func(t *testing.T, f *fixture) *http.Response {
			m.next(map[string]any{"idToken": map[string]any{"email_verified": false}})
			return oauthSignIn(f, "mock")
		}, cbErr, "profile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newF(t)
			resp := tc.run(t, f)
			wantFailure(t, f, resp, tc.want, "mock", tc.step)
		})
	}
}
