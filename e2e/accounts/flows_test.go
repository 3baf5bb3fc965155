package accounts_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/ratelimit"
)

const strongPW = "correct horse battery staple"

// Every flow over HTTP, mail through SMTP, on each database and with both
// session strategies.
func TestAccountFlows(t *testing.T) {
	for _, s := range stores {
		for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
			t.Run(s.name+"/"+string(strategy), func(t *testing.T) {
				x := newApp(t, s.open(t), strategy, func(o *account.PasswordOptions) {
					o.RequireEmailVerification = true
					// The races below spend 38 wrong tokens from one client.
					o.SendLimits.PerIP = ratelimit.Limit{Events: 200, Per: time.Hour}
				})
				t.Run("SignUpAndVerify", func(t *testing.T) { testSignUpVerify(t, x) })
				t.Run("ResetPassword", func(t *testing.T) { testReset(t, x) })
				t.Run("ChangePassword", func(t *testing.T) { testChangePassword(t, x) })
				t.Run("ChangeEmail", func(t *testing.T) { testChangeEmail(t, x) })
				t.Run("DeleteAccount", func(t *testing.T) { testDelete(t, x) })
				t.Run("ParallelResetTokens", func(t *testing.T) { testParallelReset(t, x) })
				t.Run("MailServerDown", func(t *testing.T) { testMailDown(t, x) })
			})
		}
	}
}

// signUpVerified makes a verified account through the link of its mail.
func signUpVerified(t *testing.T, x *app, addr, pw string) *http.Client {
	t.Helper()
	c := x.browser()
	resp, _ := x.post(c, "account/signup", url.Values{"email": {addr}, "password": {pw}, "name": {"Ada"}})
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "/api/auth/account/check-email") {
		t.Fatalf("sign-up: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := query(t, x.link(addr))
	resp, _ = x.post(c, "account/verify-email", url.Values{"token": {q.Get("token")}, "email": {q.Get("email")}})
	if resp.StatusCode != http.StatusFound || x.me(c) != addr {
		t.Fatalf("verify: %d, session %q", resp.StatusCode, x.me(c))
	}
	return c
}

func testSignUpVerify(t *testing.T, x *app) {
	c := x.browser()
	const addr = "ada@example.com"
	checkSignUpRefusals(t, x, c, addr)
	// NFKC: the password is signed up with composed characters and typed
	// decomposed.
	resp, _ := x.post(c, "account/signup", url.Values{"email": {"Ada@Example.com"}, "password": {"Pässwörd-café-2024"}, "name": {"Ada Lovelace"}})
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "/account/check-email") {
		t.Fatalf("sign-up: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	subject, text := x.box.last(t, addr)
	if !strings.HasPrefix(subject, "Verify your email") || !regexp.MustCompile(`\d{6}`).MatchString(text) {
		t.Fatalf("verification mail %q:\n%s", subject, text)
	}
	decomposed := "Pa\u0308sswo\u0308rd-cafe\u0301-2024"
	if x.signIn(x.browser(), addr, decomposed) {
		t.Fatal("signed in before verifying with RequireEmailVerification")
	}
	link := x.link(addr)
	// The GET of the link (a mail scanner) consumes nothing.
	for range 2 {
		if code, page := x.get(x.browser(), link); code != http.StatusOK || !strings.Contains(page, "Verify ada@example.com") {
			t.Fatalf("link page: %d\n%s", code, page)
		}
	}
	link = x.link(addr) // the refused sign-in mailed a fresh link
	q := query(t, link)
	resp, _ = x.post(c, "account/verify-email", url.Values{"token": {q.Get("token")}, "email": {q.Get("email")}, "callbackUrl": {"/welcome"}})
	if resp.StatusCode != http.StatusFound || !strings.HasSuffix(resp.Header.Get("Location"), "/welcome") || x.me(c) != addr {
		t.Fatalf("verify: %d %q, session %q", resp.StatusCode, resp.Header.Get("Location"), x.me(c))
	}
	resp, _ = x.post(x.browser(), "account/verify-email", url.Values{"token": {q.Get("token")}, "email": {q.Get("email")}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a used link: %d", resp.StatusCode)
	}
	if !x.signIn(x.browser(), addr, decomposed) {
		t.Fatal("the verified user cannot sign in with the NFKC-equal password")
	}
	if x.signIn(x.browser(), addr, "wrong password!") {
		t.Fatal("a wrong password signed in")
	}
	hash, _ := x.db.(adapter.PasswordStore).GetPasswordHash(t.Context(), userByEmail(t, x, addr).ID)
	if !strings.HasPrefix(hash, "$argon2id$") {
		t.Fatalf("stored hash %q", hash)
	}

	checkVerifyByCode(t, x)
}

// checkSignUpRefusals: a weak, a breached and a 10 KB password are refused
// with their messages, and no mail is sent.
func checkSignUpRefusals(t *testing.T, x *app, c *http.Client, addr string) {
	t.Helper()
	resp, body := x.post(c, "account/signup", url.Values{"email": {"Ada@Example.com"}, "password": {"short"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "at least 8 characters") {
		t.Fatalf("weak password: %d %s", resp.StatusCode, body)
	}
	resp, body = x.post(c, "account/signup", url.Values{"email": {addr}, "password": {"password123"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "data breach") {
		t.Fatalf("breached password: %d", resp.StatusCode)
	}
	resp, body = x.post(c, "account/signup", url.Values{"email": {addr}, "password": {strings.Repeat("x", 10<<10)}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "too long") {
		t.Fatalf("10 KB password: %d", resp.StatusCode)
	}
	if x.box.count(addr) != 0 {
		t.Fatal("a refused sign-up sent mail")
	}
}

// checkVerifyByCode: verification by code works in the browser that signed up only.
func checkVerifyByCode(t *testing.T, x *app) {
	t.Helper()
	// Verification by code, in the browser that signed up.
	c2 := x.browser()
	const bob = "bob@example.com"
	x.post(c2, "account/signup", url.Values{"email": {bob}, "password": {strongPW}})
	_, text := x.box.last(t, bob)
	code := regexp.MustCompile(`\b(\d{6})\b`).FindStringSubmatch(text)[1]
	if resp, _ := x.post(x.browser(), "account/verify-email", url.Values{"code": {code}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a code in another browser: %d", resp.StatusCode)
	}
	if resp, _ := x.post(c2, "account/verify-email", url.Values{"code": {code}}); resp.StatusCode != http.StatusFound || x.me(c2) != bob {
		t.Fatalf("code: %d, session %q", resp.StatusCode, x.me(c2))
	}
}

func userByEmail(t *testing.T, x *app, addr string) *adapter.User {
	t.Helper()
	u, err := x.db.GetUserByEmail(t.Context(), addr)
	if err != nil || u == nil {
		t.Fatalf("user %s: %v %v", addr, u, err)
	}
	return u
}

func testReset(t *testing.T, x *app) {
	const addr = "reset@example.com"
	other := signUpVerified(t, x, addr, strongPW) // a session elsewhere
	c := x.browser()
	resp, unknownBody := x.post(c, "account/forgot-password", url.Values{"email": {"nobody@example.com"}})
	unknownLoc := resp.Header.Get("Location")
	resp, knownBody := x.post(c, "account/forgot-password", url.Values{"email": {addr}})
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != unknownLoc || knownBody != unknownBody {
		t.Fatalf("unknown and known addresses answered differently: %q vs %q", unknownLoc, resp.Header.Get("Location"))
	}
	if x.box.count("nobody@example.com") != 0 {
		t.Fatal("mail to an unknown address")
	}
	link := x.link(addr)
	if code, page := x.get(x.browser(), link); code != http.StatusOK || !strings.Contains(page, "Choose a new password") {
		t.Fatalf("reset page: %d", code)
	}
	q := query(t, link)
	resp, _ = x.post(c, "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"qwertyuiop"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("weak new password: %d", resp.StatusCode)
	}
	// Another user's id with this token is refused, and burns nothing.
	bob := userByEmail(t, x, "bob@example.com")
	if resp, _ := x.post(c, "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {bob.ID}, "password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("token of one user for another: %d", resp.StatusCode)
	}
	resp, _ = x.post(c, "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"a brand new passphrase"}})
	if resp.StatusCode != http.StatusFound || x.me(c) != addr {
		t.Fatalf("reset: %d, session %q", resp.StatusCode, x.me(c))
	}
	if x.me(other) != "" {
		t.Fatal("the other session survived the reset")
	}
	if subject, _ := x.box.last(t, addr); subject != "Your password was changed" {
		t.Fatalf("no notice: %q", subject)
	}
	if x.signIn(x.browser(), addr, strongPW) || !x.signIn(x.browser(), addr, "a brand new passphrase") {
		t.Fatal("old password works or new one does not")
	}
	if resp, _ := x.post(x.browser(), "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"yet another passphrase"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a used reset link: %d", resp.StatusCode)
	}
}

func testChangePassword(t *testing.T, x *app) {
	const addr = "change@example.com"
	c := signUpVerified(t, x, addr, strongPW)
	other := x.browser()
	if !x.signIn(other, addr, strongPW) {
		t.Fatal("second sign-in")
	}
	if resp, _ := x.post(x.browser(), "account/change-password", url.Values{"currentPassword": {strongPW}, "password": {"new secret phrase"}}); resp.StatusCode == http.StatusFound && !strings.Contains(resp.Header.Get("Location"), "signin") {
		t.Fatalf("change without a session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := x.post(c, "account/change-password", url.Values{"currentPassword": {"not it at all"}, "password": {"new secret phrase"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("wrong current password: %d", resp.StatusCode)
	}
	resp, _ := x.post(c, "account/change-password", url.Values{"currentPassword": {strongPW}, "password": {"new secret phrase"}})
	if resp.StatusCode != http.StatusFound || x.me(c) != addr {
		t.Fatalf("change: %d, session %q", resp.StatusCode, x.me(c))
	}
	if x.me(other) != "" {
		t.Fatal("the other session survived the change")
	}
	if !x.signIn(x.browser(), addr, "new secret phrase") {
		t.Fatal("new password does not sign in")
	}
}

func testChangeEmail(t *testing.T, x *app) {
	const addr, next = "old@example.com", "new@example.com"
	c := signUpVerified(t, x, addr, strongPW)
	other := x.browser()
	if !x.signIn(other, addr, strongPW) {
		t.Fatal("second sign-in")
	}
	resp, _ := x.post(c, "account/change-email", url.Values{"currentPassword": {strongPW}, "email": {next}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("change email: %d", resp.StatusCode)
	}
	if subject, _ := x.box.last(t, addr); subject != "Your email is about to change" {
		t.Fatalf("notice to the old address: %q", subject)
	}
	link := x.link(next)
	if code, _ := x.get(x.browser(), link); code != http.StatusOK {
		t.Fatalf("confirm page: %d", code)
	}
	if userByEmail(t, x, addr) == nil {
		t.Fatal("changed before the link was used")
	}
	q := query(t, link)
	resp, _ = x.post(x.browser(), "account/confirm-email", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "email": {"evil@example.com"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a link with another address: %d", resp.StatusCode)
	}
	c2 := x.browser()
	resp, _ = x.post(c2, "account/confirm-email", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "email": {q.Get("email")}})
	if resp.StatusCode != http.StatusFound || x.me(c2) != next {
		t.Fatalf("confirm: %d, session %q", resp.StatusCode, x.me(c2))
	}
	if x.me(other) != "" || x.me(c) != "" {
		t.Fatal("a session from before the change of email survived it")
	}
	if !x.signIn(x.browser(), next, strongPW) || x.signIn(x.browser(), addr, strongPW) {
		t.Fatal("sign-in by the new / old address")
	}
}

func testDelete(t *testing.T, x *app) {
	const addr = "delete@example.com"
	c := signUpVerified(t, x, addr, strongPW)
	other := x.browser()
	x.signIn(other, addr, strongPW)
	id := userByEmail(t, x, addr).ID
	if resp, _ := x.post(c, "account/delete", url.Values{"currentPassword": {"wrong one here"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("delete with a wrong password: %d", resp.StatusCode)
	}
	resp, _ := x.post(c, "account/delete", url.Values{"currentPassword": {strongPW}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if u, _ := x.db.GetUser(t.Context(), id); u != nil {
		t.Fatal("user still there")
	}
	if h, _ := x.db.(adapter.PasswordStore).GetPasswordHash(t.Context(), id); h != "" {
		t.Fatal("hash still there")
	}
	if x.me(c) != "" || x.me(other) != "" {
		t.Fatal("a session survived the deletion")
	}
	if x.signIn(x.browser(), addr, strongPW) {
		t.Fatal("a deleted account signs in")
	}
	// A reset for the deleted user: the same answer, no mail.
	n := x.box.count(addr)
	if resp, _ := x.post(x.browser(), "account/forgot-password", url.Values{"email": {addr}}); resp.StatusCode != http.StatusFound || x.box.count(addr) != n {
		t.Fatalf("reset of a deleted account: %d, mail %d→%d", resp.StatusCode, n, x.box.count(addr))
	}
}

// Twenty browsers post the same link at once: exactly one uses it. A
// verification link is checked at once, so five (the per-user-and-client
// limit) reach the store together; a reset first hashes the new password,
// at most as many at a time as the process allows (the others get 503).
func testParallelReset(t *testing.T, x *app) {
	const addr = "race@example.com"
	signUpVerified(t, x, addr, strongPW)
	x.post(x.browser(), "account/forgot-password", url.Values{"email": {addr}})
	q := query(t, x.link(addr))
	won, lost := raceLink(t, x, "account/reset-password", func(i int) url.Values {
		return url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"parallel winner " + string(rune('a'+i)) + " phrase"}}
	})
	if len(won) != 1 || !x.signIn(x.browser(), addr, won[0].Get("password")) {
		t.Fatalf("%d parallel resets with one link succeeded", len(won))
	}
	t.Logf("reset link: 1 won, %d found it used", lost)

	const addr2 = "race2@example.com"
	x.post(x.browser(), "account/signup", url.Values{"email": {addr2}, "password": {strongPW}})
	v := query(t, x.link(addr2))
	won, lost = raceLink(t, x, "account/verify-email", func(int) url.Values {
		return url.Values{"token": {v.Get("token")}, "email": {v.Get("email")}}
	})
	if len(won) != 1 || lost == 0 {
		t.Fatalf("verification link: %d won, %d found it used; want 1 and some", len(won), lost)
	}
	t.Logf("verification link: 1 won, %d found it used", lost)
}

// raceLink posts form(i) from 20 browsers at once and returns the forms
// that succeeded and how many found the token used (400).
func raceLink(t *testing.T, x *app, path string, form func(i int) url.Values) (won []url.Values, lost int) {
	const n = 20
	type client struct {
		c    *http.Client
		form url.Values
	}
	clients := make([]client, n)
	for i := range clients {
		c := x.browser()
		f := form(i)
		f.Set("csrfToken", x.csrf(c))
		clients[i] = client{c, f}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, cl := range clients {
		wg.Go(func() {
			resp, err := cl.c.PostForm(x.srv.URL+"/api/auth/"+path, cl.form)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			switch resp.StatusCode {
			case http.StatusFound:
				won = append(won, cl.form)
			case http.StatusBadRequest:
				lost++
			}
		})
	}
	wg.Wait()
	return won, lost
}

// With the mail server down: 503, nothing stored; once it is back the
// same sign-up works as a new one.
func testMailDown(t *testing.T, x *app) {
	const addr = "down@example.com"
	x.box.setDown(true)
	resp, body := x.post(x.browser(), "account/signup", url.Values{"email": {addr}, "password": {strongPW}})
	x.box.setDown(false)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Nothing was changed") {
		t.Fatalf("sign-up with the mail server down: %d\n%s", resp.StatusCode, body)
	}
	if u, _ := x.db.GetUserByEmail(t.Context(), addr); u != nil {
		t.Fatal("a user was left after the failed sign-up")
	}
	signUpVerified(t, x, addr, strongPW)
}
