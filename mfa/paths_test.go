package mfa_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/providers"
)

// oauthSignIn runs the OAuth sign-in of b with provider "mock" through the
// real IdP and returns the answer of the callback.
func (b *browser) oauthSignIn() response {
	t := b.s.t
	t.Helper()
	r := b.post("/api/auth/signin/mock", url.Values{"callbackUrl": {"/dashboard"}})
	for hops := 0; r.status == http.StatusFound && !strings.HasPrefix(r.location, b.s.srv.URL+"/api/auth/callback/"); hops++ {
		if hops > 5 {
			t.Fatalf("no way back from the IdP: %q", r.location)
		}
		r = b.get(r.location)
	}
	if r.status != http.StatusFound {
		t.Fatalf("IdP answered %d %s", r.status, r.body)
	}
	return b.get(r.location)
}

// TestOAuthSignInNeedsSecondFactor: an OAuth sign-in against the real
// oauth2-mock-server yields no session once the user has a factor, until
// the code; the session then records fed, otp, mfa, and the JWT callback
// saw the OAuth account at that moment.
func TestOAuthSignInNeedsSecondFactor(t *testing.T) {
	issuer := testenv.StartJohnIdP(t)
	var sawAccount []string
	s := newSite(t, func(c *authgo.Config) {
		c.Session.Strategy = authgo.StrategyJWT
		c.Providers = append(c.Providers, providers.OIDC(providers.OAuthConfig{ID: "mock", Name: "Mock", Issuer: issuer, ClientID: "authgo-client", ClientSecret: "s3cret"}))
		c.Callbacks.JWT = func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if p.Trigger == authgo.TriggerSignIn || p.Trigger == authgo.TriggerSignUp {
				provider := ""
				if p.Account != nil {
					provider = p.Account.Provider
				}
				sawAccount = append(sawAccount, provider)
			}
			return p.Token, nil
		}
	})
	b := s.browser()
	if r := b.oauthSignIn(); path(r.location) != "/dashboard" {
		t.Fatalf("first OAuth sign-in: %d %q %s", r.status, r.location, r.body)
	}
	if got := sessionAMR(b.session()); got != "fed" {
		t.Fatalf("amr = %q", got)
	}
	secret, _ := b.enrol()
	b.signOut()
	r := b.oauthSignIn()
	if path(r.location) != "/api/auth/two-factor/challenge" {
		t.Fatalf("OAuth sign-in with a factor: %d %q", r.status, r.location)
	}
	b.mustBeSignedOut("after OAuth")
	if len(sawAccount) != 1 {
		t.Fatalf("the JWT callback ran before the second factor: %v", sawAccount)
	}
	if r := b.challenge(code(t, secret, s.clock.now())); path(r.location) != "/dashboard" {
		t.Fatalf("challenge: %d %q", r.status, r.location)
	}
	if got := sessionAMR(b.session()); got != "fed,otp,mfa" {
		t.Fatalf("amr = %q", got)
	}
	if len(sawAccount) != 2 || sawAccount[1] != "mock" {
		t.Fatalf("JWT callback at sign-in saw accounts %v", sawAccount)
	}
}

var (
	mailLink = regexp.MustCompile(`https?://\S+/api/auth/callback/email\?\S+`)
	mailCode = regexp.MustCompile(`code: (\d{6,12})`)
	hidden   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// TestEmailSignInNeedsSecondFactor: a magic link and a mailed code, each
// right, yield no session for a user with a factor until the code.
func TestEmailSignInNeedsSecondFactor(t *testing.T) {
	mail := &email.Memory{}
	s := newSite(t, func(c *authgo.Config) {
		c.Providers = append(c.Providers, providers.Email(providers.EmailConfig{Options: email.Options{Sender: mail, From: "App <no-reply@app.example>"}}))
	})
	b := s.browser()
	ask := func() (link, code string) {
		t.Helper()
		if r := b.post("/api/auth/signin/email", url.Values{"email": {"eve@example.com"}, "callbackUrl": {"/dashboard"}}); r.status != http.StatusFound {
			t.Fatalf("ask: %d %s", r.status, r.body)
		}
		m, ok := mail.Last("eve@example.com")
		if !ok {
			t.Fatal("no mail")
		}
		c := mailCode.FindStringSubmatch(m.Text)
		if c == nil {
			t.Fatalf("no code in %q", m.Text)
		}
		return mailLink.FindString(m.Text), c[1]
	}
	byLink := func(link string) response {
		t.Helper()
		page := b.get(link)
		form := url.Values{}
		for _, m := range hidden.FindAllStringSubmatch(page.body, -1) {
			form.Set(m[1], strings.ReplaceAll(m[2], "&amp;", "&"))
		}
		return b.do("POST", "/api/auth/callback/email", form)
	}
	link, _ := ask()
	if r := byLink(link); path(r.location) != "/dashboard" {
		t.Fatalf("first link: %d %q %s", r.status, r.location, r.body)
	}
	if got := sessionAMR(b.session()); got != "email" {
		t.Fatalf("amr = %q", got)
	}
	secret, _ := b.enrol()
	b.signOut()

	link, _ = ask()
	if r := byLink(link); path(r.location) != "/api/auth/two-factor/challenge" {
		t.Fatalf("link with a factor: %d %q", r.status, r.location)
	}
	b.mustBeSignedOut("after the link")
	if r := b.challenge(code(t, secret, s.clock.now())); path(r.location) != "/dashboard" {
		t.Fatalf("challenge after the link: %d %q", r.status, r.location)
	}
	if got := sessionAMR(b.session()); got != "email,otp,mfa" {
		t.Fatalf("amr = %q", got)
	}
	b.signOut()
	s.clock.advance(30 * time.Second)

	_, mailed := ask()
	r := b.post("/api/auth/callback/email", url.Values{"email": {"eve@example.com"}, "code": {mailed}})
	if path(r.location) != "/api/auth/two-factor/challenge" {
		t.Fatalf("mailed code with a factor: %d %q %s", r.status, r.location, r.body)
	}
	b.mustBeSignedOut("after the mailed code")
	if r := b.challenge(code(t, secret, s.clock.now())); r.status != http.StatusFound {
		t.Fatalf("challenge after the mailed code: %d", r.status)
	}
	if got := sessionAMR(b.session()); got != "email,otp,mfa" {
		t.Fatalf("amr = %q", got)
	}
}

// TestPolicyRequiresEnrolment: the policy hook requires a factor of
// admins; an admin without one is sent to enrolment after the password and
// gets a session only when it is confirmed (a wrong first code changes
// nothing); the factor cannot then be turned off. Other users are not
// asked.
func TestPolicyRequiresEnrolment(t *testing.T) {
	s := newSite(t, func(c *authgo.Config) {
		c.TwoFactor.Required = func(_ context.Context, u *authgo.User) bool { return u.Role == "admin" }
	})
	grace := s.browser()
	if r := grace.signIn("grace@example.com"); path(r.location) != "/dashboard" {
		t.Fatalf("a viewer was asked: %q", r.location)
	}
	b := s.browser()
	r := b.signIn("ada@example.com")
	if path(r.location) != "/api/auth/two-factor/enroll" {
		t.Fatalf("admin without a factor: %d %q", r.status, r.location)
	}
	b.mustBeSignedOut("sent to enrolment")
	page := b.get("/api/auth/two-factor/enroll")
	if page.status != 200 || !strings.Contains(page.body, `src="data:image/png;base64,`) || !strings.Contains(page.body, "needs a second factor") {
		t.Fatalf("enrolment page: %d %s", page.status, page.body)
	}
	secret := regexp.MustCompile(`<code>([A-Z2-7]+)</code>`).FindStringSubmatch(page.body)
	if secret == nil {
		t.Fatal("no secret on the page")
	}
	// Going to the challenge instead does not help.
	if r := b.challenge("123456"); path(r.location) != "/api/auth/two-factor/enroll" {
		t.Fatalf("challenge while enrolment is due: %d %q", r.status, r.location)
	}
	r = b.post("/api/auth/two-factor/enroll", url.Values{"code": {"000000"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, secret[1]) {
		t.Fatalf("wrong first code: %d (the same secret must be shown again)", r.status)
	}
	b.mustBeSignedOut("wrong first code")
	if st, _ := s.auth.TwoFactorStatus(t.Context(), &authgo.User{ID: "user-1", Role: "admin"}); st.Enabled || !st.Required {
		t.Fatalf("after a wrong first code: %+v", st)
	}
	r = b.post("/api/auth/two-factor/enroll", url.Values{"code": {code(t, secret[1], s.clock.now())}})
	if r.status != 200 || strings.Count(r.body, "<li><code>") != 10 || !strings.Contains(r.body, "/dashboard") {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	if got := sessionAMR(b.session()); got != "pwd,otp,mfa" {
		t.Fatalf("amr = %q", got)
	}
	r = b.post("/api/auth/two-factor/disable", nil, "Accept", "application/json")
	if r.status != http.StatusForbidden || r.json["code"] != "required" {
		t.Fatalf("disable by a required user: %d %s", r.status, r.body)
	}
}

// TestRequiredForAllAndParallelConfirm: with RequiredForAll every user is
// sent to enrolment; two confirmations of one enrolment at once turn it on
// once, with one set of backup codes.
func TestRequiredForAllAndParallelConfirm(t *testing.T) {
	s := newSite(t, func(c *authgo.Config) { c.TwoFactor.RequiredForAll = true })
	b := s.browser()
	if r := b.signIn("grace@example.com"); path(r.location) != "/api/auth/two-factor/enroll" {
		t.Fatalf("RequiredForAll: %q", r.location)
	}
	e := b.get("/api/auth/two-factor/enroll", "Accept", "application/json")
	secret := e.json["secret"].(string)
	c := code(t, secret, s.clock.now())
	forms := []url.Values{{"code": {c}, "csrfToken": {b.csrf()}}, {"code": {c}, "csrfToken": {b.csrf()}}}
	results := make([]response, 2)
	var wg sync.WaitGroup
	for i := range forms {
		wg.Go(func() {
			results[i] = b.do("POST", "/api/auth/two-factor/enroll", forms[i], "Accept", "application/json")
		})
	}
	wg.Wait()
	ok := 0
	for _, r := range results {
		switch r.status {
		case 200:
			ok++
		case http.StatusConflict, http.StatusUnauthorized:
		default:
			t.Fatalf("confirmation: %d %s", r.status, r.body)
		}
	}
	if ok != 1 {
		t.Fatalf("%d confirmations succeeded: %+v", ok, results)
	}
	if st, _ := s.auth.TwoFactorStatus(t.Context(), &authgo.User{ID: "user-2"}); !st.Enabled || st.BackupCodes != 10 {
		t.Fatalf("status %+v", st)
	}
}
