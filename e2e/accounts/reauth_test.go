package accounts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/providers"
)

// oauthSignIn signs c in with provider "mock" through the real IdP.
func oauthSignIn(t *testing.T, x *app, c *http.Client, addr string) {
	t.Helper()
	resp, _ := x.post(c, "signin/mock", url.Values{"callbackUrl": {"/done"}})
	for hops := 0; resp.StatusCode == http.StatusFound && !strings.HasPrefix(resp.Header.Get("Location"), x.srv.URL+"/api/auth/callback/"); hops++ {
		if hops > 5 {
			t.Fatalf("no way back from the IdP: %q", resp.Header.Get("Location"))
		}
		r, err := c.Get(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		resp = r
	}
	r, err := c.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusFound || !strings.HasSuffix(r.Header.Get("Location"), "/done") || x.me(c) != addr {
		t.Fatalf("OAuth sign-in: %d %q, session %q", r.StatusCode, r.Header.Get("Location"), x.me(c))
	}
}

// A user without a password (signed in with OAuth, or with an email link)
// proves who they are by a recent sign-in: within ReauthMaxAge of it they
// set a first password, change their email and delete the account with no
// current password; after it each is refused with reauth_required and
// nothing changes, until they sign in again.
func TestReauthWithoutPassword(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) { testReauthWithoutPassword(t, strategy) })
	}
}

func testReauthWithoutPassword(t *testing.T, strategy authgo.SessionStrategy) {
	const maxAge = 3 * time.Second // a JWT's auth_time is in whole seconds
	issuer := testenv.StartJohnIdP(t)
	linkBox, linkSender := startMailbox(t)
	x := newApp(t, stores[0].open(t), strategy, func(o *account.PasswordOptions) { o.ReauthMaxAge = maxAge },
		providers.Email(providers.EmailConfig{Options: email.Options{Sender: linkSender}}),
		providers.OIDC(providers.OAuthConfig{ID: "mock", Name: "Mock", Issuer: issuer, ClientID: "authgo-client", ClientSecret: "s3cret"}))
	ps := x.db.(adapter.PasswordStore)
	const oauthAddr, mailAddr, mailAddr2 = "john@example.com", "link@example.com", "link2@example.com"
	refused := func(c *http.Client, who, path string, form url.Values) {
		t.Helper()
		if st, m := x.postJSON(c, path, form); st != http.StatusForbidden || m["error"] != "reauth_required" {
			t.Fatalf("%s %s after ReauthMaxAge: %d %v", who, path, st, m)
		}
	}

	// Within ReauthMaxAge of signing in.
	oauth, mail, mail2 := x.browser(), x.browser(), x.browser()
	oauthSignIn(t, x, oauth, oauthAddr)
	emailSignIn(t, x, linkBox, mail, mailAddr)
	emailSignIn(t, x, linkBox, mail2, mailAddr2)
	if resp, _ := x.post(oauth, "account/change-email", url.Values{"email": {"john.new@example.com"}}); resp.StatusCode != http.StatusFound || x.box.count("john.new@example.com") != 1 {
		t.Fatalf("OAuth user's fresh change of email: %d, %d mails", resp.StatusCode, x.box.count("john.new@example.com"))
	}
	if resp, _ := x.post(mail, "account/change-email", url.Values{"email": {"link.new@example.com"}}); resp.StatusCode != http.StatusFound || x.box.count("link.new@example.com") != 1 {
		t.Fatalf("email user's fresh change of email: %d", resp.StatusCode)
	}
	if resp, _ := x.post(mail2, "account/delete", url.Values{}); resp.StatusCode != http.StatusFound || x.me(mail2) != "" {
		t.Fatalf("email user's fresh delete: %d, session %q", resp.StatusCode, x.me(mail2))
	}
	if u, err := x.db.GetUserByEmail(t.Context(), mailAddr2); err != nil || u != nil {
		t.Fatalf("the deleted email user: %v, %v", u, err)
	}

	// After it: refused, and nothing changed.
	time.Sleep(maxAge + 1500*time.Millisecond)
	for _, u := range []struct {
		c         *http.Client
		who, addr string
	}{{oauth, "OAuth user", oauthAddr}, {mail, "email user", mailAddr}} {
		if x.me(u.c) != u.addr {
			t.Fatalf("%s: the session itself ended", u.who)
		}
		n := x.box.count("later@example.com")
		refused(u.c, u.who, "account/change-password", url.Values{"password": {"a first passphrase"}})
		refused(u.c, u.who, "account/change-email", url.Values{"email": {"later@example.com"}})
		refused(u.c, u.who, "account/delete", url.Values{})
		user := userByEmail(t, x, u.addr)
		if user == nil || x.box.count("later@example.com") != n {
			t.Fatalf("%s: a refused step changed something (user %v)", u.who, user)
		}
		if h, _ := ps.GetPasswordHash(t.Context(), user.ID); h != "" {
			t.Fatalf("%s: a refused first password was stored", u.who)
		}
	}

	// A fresh sign-in opens the window again.
	emailSignIn(t, x, linkBox, mail, mailAddr)
	if resp, _ := x.post(mail, "account/change-password", url.Values{"password": {"a first passphrase"}}); resp.StatusCode != http.StatusFound || x.me(mail) != mailAddr {
		t.Fatalf("email user's fresh first password: %d, session %q", resp.StatusCode, x.me(mail))
	}
	if !x.signIn(x.browser(), mailAddr, "a first passphrase") {
		t.Fatal("the first password does not sign in")
	}
	// Now the user has a password: the window no longer stands in for it.
	if st, m := x.postJSON(mail, "account/delete", url.Values{}); st != http.StatusForbidden || m["error"] != "wrong_password" {
		t.Fatalf("delete without the new password: %d %v", st, m)
	}
	oauthSignIn(t, x, oauth, oauthAddr)
	id := userByEmail(t, x, oauthAddr).ID
	if resp, _ := x.post(oauth, "account/delete", url.Values{}); resp.StatusCode != http.StatusFound || x.me(oauth) != "" {
		t.Fatalf("OAuth user's fresh delete: %d", resp.StatusCode)
	}
	if u, _ := x.db.GetUser(t.Context(), id); u != nil {
		t.Fatal("the OAuth user is still there")
	}
}
