package accounts_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/ratelimit"
	"golang.org/x/crypto/bcrypt"
)

// postJSON posts form as an API client (Accept: application/json).
func (x *app) postJSON(c *http.Client, path string, form url.Values) (int, map[string]any) {
	x.t.Helper()
	form.Set("csrfToken", x.csrf(c))
	req, _ := http.NewRequest(http.MethodPost, x.srv.URL+"/api/auth/"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// The JSON answers, the CSRF check, the rate limit of account mail, the
// built-in pages, the Go functions, expired and deleted-user links, a
// bcrypt import, and logs without secrets.
func TestAccountSurfaces(t *testing.T) {
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) {
		o.SendLimits.PerIP = ratelimit.Limit{Events: 30, Per: time.Hour}
	})
	c := x.browser()

	t.Run("JSON", func(t *testing.T) { surfaceJSON(t, x, c) })
	t.Run("RateLimited", func(t *testing.T) { surfaceRateLimited(t, x, c) })
	t.Run("Pages", func(t *testing.T) { surfacePages(t, x) })
	t.Run("GoFunctions", func(t *testing.T) { surfaceGoFunctions(t, x) })
	t.Run("ResendVerification", func(t *testing.T) { surfaceResendVerification(t, x, c) })
	t.Run("ExpiredResetLink", func(t *testing.T) { surfaceExpiredResetLink(t) })
	t.Run("ResetForDeletedUser", func(t *testing.T) { surfaceResetForDeletedUser(t, x) })
	t.Run("BcryptImportRehashed", func(t *testing.T) { surfaceBcryptImportRehashed(t, x) })
	t.Run("LogsHoldNoSecrets", func(t *testing.T) { surfaceLogsHoldNoSecrets(t, x) })
}

// surfaceJSON is the JSON step of TestAccountSurfaces.
func surfaceJSON(t *testing.T, x *app, c *http.Client) {
	st, m := x.postJSON(c, "account/signup", url.Values{"email": {"json@example.com"}, "password": {"short"}})
	fields, _ := m["fields"].(map[string]any)
	if st != http.StatusBadRequest || m["error"] != "weak_password" || fields["password"] == nil {
		t.Fatalf("weak password: %d %v", st, m)
	}
	st, m = x.postJSON(c, "account/signup", url.Values{"email": {"json@example.com"}, "password": {strongPW}})
	if st != http.StatusOK || m["ok"] != true || !strings.Contains(m["url"].(string), "/account/check-email") {
		t.Fatalf("sign-up: %d %v", st, m)
	}
	resp, err := c.PostForm(x.srv.URL+"/api/auth/account/forgot-password", url.Values{"email": {"json@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("no CSRF token: %d", resp.StatusCode)
	}
	if st, _ := x.postJSON(x.browser(), "account/change-password", url.Values{"currentPassword": {"x"}, "password": {strongPW}}); st != http.StatusUnauthorized {
		t.Fatalf("change-password without a session: %d", st)
	}
}

// surfaceRateLimited is the RateLimited step of TestAccountSurfaces.
func surfaceRateLimited(t *testing.T, x *app, c *http.Client) {
	// 3 mails per address and client per 15 minutes by default.
	var last int
	var body map[string]any
	for range 4 {
		last, body = x.postJSON(c, "account/forgot-password", url.Values{"email": {"limit@example.com"}})
	}
	if last != http.StatusTooManyRequests || body["error"] != "RateLimited" {
		t.Fatalf("4th reset request for one address: %d %v", last, body)
	}
}

// surfacePages is the Pages step of TestAccountSurfaces.
func surfacePages(t *testing.T, x *app) {
	for step, want := range map[string]string{
		"signup": "Create an account", "check-email": "Check your email", "forgot-password": "Forgot your password?",
		"reset-password?token=t&id=u": "Choose a new password", "verify-email?token=t&email=a%40b.c": "Verify a@b.c",
		"confirm-email?token=t&id=u&email=a%40b.c": "Change my email to a@b.c", "resend-verification": "Send the verification email again",
	} {
		code, page := x.get(x.browser(), x.srv.URL+"/api/auth/account/"+step)
		if code != http.StatusOK || !strings.Contains(page, want) || !strings.Contains(page, `name="csrfToken"`) {
			t.Errorf("page %s: %d, want %q", step, code, want)
		}
	}
	resp, err := x.browser().Get(x.srv.URL + "/api/auth/account/change-password")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "/api/auth/signin") {
		t.Fatalf("change-password page without a session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, page := x.get(x.browser(), x.srv.URL+"/api/auth/signin"); code != http.StatusOK || !strings.Contains(page, "/api/auth/account/forgot-password\">Forgot password?") || !strings.Contains(page, "/api/auth/account/signup") {
		t.Errorf("sign-in page without the account links: %d", code)
	}
	if code, _ := x.get(x.browser(), x.srv.URL+"/api/auth/account/nope"); code != http.StatusBadRequest {
		t.Fatalf("unknown step: %d", code)
	}
}

// surfaceGoFunctions is the GoFunctions step of TestAccountSurfaces.
func surfaceGoFunctions(t *testing.T, x *app) {
	own := x.browser()
	resp, err := own.PostForm(x.srv.URL+"/own/signup", url.Values{"email": {"own@example.com"}, "password": {"tiny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("SignUp with a weak password: %d", resp.StatusCode)
	}
	for _, step := range []struct{ path, email string }{{"/own/signup", "own@example.com"}, {"/own/forgot", "own@example.com"}} {
		resp, err := own.PostForm(x.srv.URL+step.path, url.Values{"email": {step.email}, "password": {strongPW}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s: %d", step.path, resp.StatusCode)
		}
	}
	q := query(t, x.link("own@example.com"))
	resp, err = own.PostForm(x.srv.URL+"/own/reset", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"own new passphrase"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || x.me(own) != "own@example.com" {
		t.Fatalf("ResetPassword: %d, session %q", resp.StatusCode, x.me(own))
	}
	resp, err = own.PostForm(x.srv.URL+"/own/change-password", url.Values{"current": {"own new passphrase"}, "password": {"own newer passphrase"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || !x.signIn(x.browser(), "own@example.com", "own newer passphrase") {
		t.Fatalf("ChangePassword: %d", resp.StatusCode)
	}
}

// surfaceResendVerification is the ResendVerification step of TestAccountSurfaces.
func surfaceResendVerification(t *testing.T, x *app, c *http.Client) {
	const unverified, verified = "resend@example.com", "done@example.com"
	x.post(x.browser(), "account/signup", url.Values{"email": {unverified}, "password": {strongPW}})
	signUpVerified(t, x, verified, strongPW)
	before := [3]int{x.box.count(unverified), x.box.count(verified), x.box.count("stranger@example.com")}
	var first *http.Response
	var firstBody string
	for _, addr := range []string{unverified, verified, "stranger@example.com"} {
		resp, body := x.post(x.browser(), "account/resend-verification", url.Values{"email": {addr}})
		if first == nil {
			first, firstBody = resp, body
		}
		if resp.StatusCode != first.StatusCode || resp.Header.Get("Location") != first.Header.Get("Location") || body != firstBody {
			t.Fatalf("resend for %s answered otherwise: %d %q", addr, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	after := [3]int{x.box.count(unverified), x.box.count(verified), x.box.count("stranger@example.com")}
	if after != [3]int{before[0] + 1, before[1], before[2]} {
		t.Fatalf("mail counts %v → %v: only the unverified address gets a new mail", before, after)
	}
	q := query(t, x.link(unverified))
	if resp, _ := x.post(x.browser(), "account/verify-email", url.Values{"token": {q.Get("token")}, "email": {q.Get("email")}}); resp.StatusCode != http.StatusFound {
		t.Fatalf("the resent link: %d", resp.StatusCode)
	}
	// 3 mails per address and client per 15 minutes.
	var st int
	for range 3 {
		st, _ = x.postJSON(c, "account/resend-verification", url.Values{"email": {"limited@example.com"}})
	}
	if st != http.StatusOK {
		t.Fatalf("3rd resend: %d", st)
	}
	if st, _ = x.postJSON(c, "account/resend-verification", url.Values{"email": {"limited@example.com"}}); st != http.StatusTooManyRequests {
		t.Fatalf("4th resend within 15 minutes: %d", st)
	}
}

// surfaceExpiredResetLink is the ExpiredResetLink step of TestAccountSurfaces.
func surfaceExpiredResetLink(t *testing.T) {
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) { o.ResetMaxAge = 300 * time.Millisecond })
	signUpVerified(t, x, "late@example.com", strongPW)
	x.post(x.browser(), "account/forgot-password", url.Values{"email": {"late@example.com"}})
	q := query(t, x.link("late@example.com"))
	time.Sleep(400 * time.Millisecond)
	resp, body := x.post(x.browser(), "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"too late phrase"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "expired") {
		t.Fatalf("expired link: %d", resp.StatusCode)
	}
}

// surfaceResetForDeletedUser is the ResetForDeletedUser step of TestAccountSurfaces.
func surfaceResetForDeletedUser(t *testing.T, x *app) {
	signUpVerified(t, x, "gone@example.com", strongPW)
	x.post(x.browser(), "account/forgot-password", url.Values{"email": {"gone@example.com"}})
	q := query(t, x.link("gone@example.com"))
	if err := x.db.DeleteUser(t.Context(), q.Get("id")); err != nil {
		t.Fatal(err)
	}
	resp, body := x.post(x.browser(), "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {"ghost passphrase"}})
	// The link was bound to the password the deletion removed: it is
	// an invalid link now, and nothing comes back to life.
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "This link is invalid") {
		t.Fatalf("reset for a deleted user: %d", resp.StatusCode)
	}
	if u, err := x.db.GetUserByEmail(t.Context(), "gone@example.com"); err != nil || u != nil {
		t.Fatalf("the deleted user after the reset: %v, %v", u, err)
	}
}

// surfaceBcryptImportRehashed is the BcryptImportRehashed step of TestAccountSurfaces.
func surfaceBcryptImportRehashed(t *testing.T, x *app) {
	ps := x.db.(adapter.PasswordStore)
	b, _ := bcrypt.GenerateFromPassword([]byte("imported secret 1"), 4)
	now := time.Now()
	u, err := ps.CreateUserWithPassword(t.Context(), adapter.User{Email: "legacy@example.com", EmailVerified: &now}, string(b))
	if err != nil {
		t.Fatal(err)
	}
	if !x.signIn(x.browser(), "legacy@example.com", "imported secret 1") {
		t.Fatal("a bcrypt hash does not sign in")
	}
	h, _ := ps.GetPasswordHash(t.Context(), u.ID)
	if !strings.HasPrefix(h, "$argon2id$") || password.NeedsRehash(h) {
		t.Fatalf("not rehashed: %q", h)
	}
	if !x.signIn(x.browser(), "legacy@example.com", "imported secret 1") {
		t.Fatal("the rehashed password does not sign in")
	}
}

// surfaceLogsHoldNoSecrets is the LogsHoldNoSecrets step of TestAccountSurfaces.
func surfaceLogsHoldNoSecrets(t *testing.T, x *app) {
	logs := x.logs.String()
	if !strings.Contains(logs, "identifier_hash=") {
		t.Fatalf("no log lines? %q", logs)
	}
	for _, secret := range []string{strongPW, "own new passphrase", "imported secret 1", "@example.com", "token="} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
