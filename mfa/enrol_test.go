package mfa_test

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
	"github.com/authgo/authgo/internal/limittest"
)

const enrolPath = "/api/auth/two-factor/enroll"

// openEnrolment is GET two-factor/enroll as JSON: the secret shown.
func (b *browser) openEnrolment() string {
	b.s.t.Helper()
	r := b.get(enrolPath, "Accept", "application/json")
	secret, _ := r.json["secret"].(string)
	if r.status != http.StatusOK || secret == "" {
		b.s.t.Fatalf("open enrolment: %d %s", r.status, r.body)
	}
	return secret
}

// confirmEnrolment posts the first code as JSON and returns the answer.
func (b *browser) confirmEnrolment(code string) response {
	b.s.t.Helper()
	return b.post(enrolPath, url.Values{"code": {code}}, "Accept", "application/json")
}

// factorVersion is the number of writes of the user's second-factor
// record.
func (s *site) factorVersion(email string) int64 {
	s.t.Helper()
	f, err := s.store.GetSecondFactor(s.t.Context(), limittest.Users[email].User.ID)
	if err != nil || f == nil {
		s.t.Fatalf("second-factor record: %+v, %v", f, err)
	}
	return f.Version
}

var pageSecret = regexp.MustCompile(`<code>([A-Z2-7]+)</code>`)

// TestEnrolmentOpenedAgain: opening the enrolment again within
// EnrollMaxAge — a reload, the page in a second tab, five tabs at once —
// shows the secret shown first and writes nothing, and the code of the
// QR code scanned at the first opening confirms it; for JWT and database
// sessions.
func TestEnrolmentOpenedAgain(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) {
			s := newSite(t, func(c *authgo.Config) { c.Session.Strategy = strategy })
			b := s.browser()
			b.signIn("ada@example.com")
			first := b.openEnrolment()
			written := s.factorVersion("ada@example.com")
			s.clock.advance(5 * time.Minute)
			if again := b.openEnrolment(); again != first {
				t.Fatalf("opened again: secret %s, first %s", again, first)
			}
			page := b.get(enrolPath)
			if m := pageSecret.FindStringSubmatch(page.body); page.status != http.StatusOK || m == nil || m[1] != first {
				t.Fatalf("the page in another tab: %d %v (first %s)", page.status, m, first)
			}
			secrets := make([]string, 5)
			var wg sync.WaitGroup
			for i := range secrets {
				wg.Go(func() { secrets[i] = b.openEnrolment() })
			}
			wg.Wait()
			for i, got := range secrets {
				if got != first {
					t.Fatalf("tab %d of five: secret %s, first %s", i, got, first)
				}
			}
			if v := s.factorVersion("ada@example.com"); v != written {
				t.Fatalf("record written %d times by the openings after the first", v-written)
			}
			r := b.confirmEnrolment(code(t, first, s.clock.now()))
			if list, _ := r.json["backupCodes"].([]any); r.status != http.StatusOK || len(list) != 10 {
				t.Fatalf("confirm with the first opening's secret: %d %s", r.status, r.body)
			}
		})
	}
}

// TestEnrolmentOpenedTogether: five tabs that open the enrolment of a user
// with none at the same moment are all shown one secret, stored once.
func TestEnrolmentOpenedTogether(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("grace@example.com")
	secrets := make([]string, 5)
	var wg sync.WaitGroup
	for i := range secrets {
		wg.Go(func() { secrets[i] = b.openEnrolment() })
	}
	wg.Wait()
	for i, got := range secrets {
		if got != secrets[0] {
			t.Fatalf("tab %d: secret %s, tab 0 %s", i, got, secrets[0])
		}
	}
	if v := s.factorVersion("grace@example.com"); v != 1 {
		t.Fatalf("five openings at once wrote the record %d times", v)
	}
	if r := b.confirmEnrolment(code(t, secrets[0], s.clock.now())); r.status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
}

// TestEnrolmentExpires: after EnrollMaxAge the pending secret is gone: the
// next opening shows a new one, and a code of the old one confirms
// nothing; a confirmation after it with no opening in between is told the
// key is no longer valid (409 no_enrolment in JSON; the page with a new
// key), and that new key's code confirms.
func TestEnrolmentExpires(t *testing.T) {
	// EnrollMaxAge 4 min: the session stays within the 10 minutes of
	// sign-in that adding a factor needs (TestEnrolmentNeedsRecentSignIn).
	s := newSite(t, func(c *authgo.Config) { c.TwoFactor.EnrollMaxAge = 4 * time.Minute })
	b := s.browser()
	b.signIn("ada@example.com")
	old := b.openEnrolment()
	written := s.factorVersion("ada@example.com")
	s.clock.advance(4*time.Minute + time.Second)
	renewed := b.openEnrolment()
	if renewed == old {
		t.Fatal("an expired pending secret was shown again")
	}
	if v := s.factorVersion("ada@example.com"); v != written+1 {
		t.Fatalf("the new secret: record written %d times", v-written)
	}
	if r := b.confirmEnrolment(code(t, old, s.clock.now())); r.status != http.StatusUnauthorized || r.json["code"] != "invalid_code" {
		t.Fatalf("code of the expired secret: %d %s", r.status, r.body)
	}

	s.clock.advance(4*time.Minute + time.Second)
	if r := b.confirmEnrolment(code(t, renewed, s.clock.now())); r.status != http.StatusConflict || r.json["code"] != "no_enrolment" {
		t.Fatalf("JSON confirmation after EnrollMaxAge: %d %s", r.status, r.body)
	}
	page := b.post(enrolPath, url.Values{"code": {code(t, renewed, s.clock.now())}})
	m := pageSecret.FindStringSubmatch(page.body)
	if page.status != http.StatusUnauthorized || !strings.Contains(page.body, "no longer valid") || m == nil || m[1] == renewed {
		t.Fatalf("page confirmation after EnrollMaxAge: %d %v %s", page.status, m, page.body)
	}
	if got := b.openEnrolment(); got != m[1] {
		t.Fatalf("the page's new key %s is not the pending one %s", m[1], got)
	}
	if r := b.confirmEnrolment(code(t, m[1], s.clock.now())); r.status != http.StatusOK {
		t.Fatalf("confirm the new key: %d %s", r.status, r.body)
	}
}

// TestEnrolmentNewSecret: POST two-factor/enroll newSecret=true replaces
// the pending secret (JSON: the new enrolment; a form: back to the page,
// which shows it); the replaced secret's code confirms nothing; without
// the CSRF token nothing changes.
func TestEnrolmentNewSecret(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("ada@example.com")
	first := b.openEnrolment()
	r := b.post(enrolPath, url.Values{"newSecret": {"true"}}, "Accept", "application/json")
	second, _ := r.json["secret"].(string)
	if r.status != http.StatusOK || second == "" || second == first || !strings.Contains(r.json["uri"].(string), second) {
		t.Fatalf("new secret (JSON): %d %s", r.status, r.body)
	}
	if got := b.openEnrolment(); got != second {
		t.Fatalf("opened after a new secret: %s, want %s", got, second)
	}
	r = b.post(enrolPath, url.Values{"newSecret": {"true"}})
	if r.status != http.StatusFound || path(r.location) != enrolPath {
		t.Fatalf("new secret (form): %d %q", r.status, r.location)
	}
	third := b.openEnrolment()
	if third == second || third == first {
		t.Fatalf("the form's new secret %s is an old one", third)
	}
	if r := b.do("POST", enrolPath, url.Values{"newSecret": {"true"}}, "Accept", "application/json"); r.status == http.StatusOK {
		t.Fatalf("new secret without the CSRF token: %d %s", r.status, r.body)
	}
	if got := b.openEnrolment(); got != third {
		t.Fatalf("after a refused request: %s, want %s", got, third)
	}
	if r := b.confirmEnrolment(code(t, second, s.clock.now())); r.status != http.StatusUnauthorized {
		t.Fatalf("code of a replaced secret: %d %s", r.status, r.body)
	}
	if r := b.confirmEnrolment(code(t, third, s.clock.now())); r.status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
}

// TestEnrolmentSecretStaysWithItsBrowser: the pending secret is shown
// again only to the browser it was first shown to. A phisher whose stolen
// password sent them to enrolment (policy requires a factor) opens it
// first; the user's own opening gets another secret, which replaces the
// phisher's, so the phisher does not know the secret the user scans.
// Another signed-in browser of a user is likewise shown a secret of its
// own.
func TestEnrolmentSecretStaysWithItsBrowser(t *testing.T) {
	s := newSite(t, func(c *authgo.Config) { c.TwoFactor.RequiredForAll = true })
	phisher, owner := s.browser(), s.browser()
	for _, br := range []*browser{phisher, owner} {
		if r := br.signIn("ada@example.com"); path(r.location) != enrolPath {
			t.Fatalf("sign-in: %d %q", r.status, r.location)
		}
	}
	phished := phisher.openEnrolment()
	own := owner.openEnrolment()
	if own == phished {
		t.Fatal("the owner was shown the secret the phisher opened")
	}
	if r := phisher.confirmEnrolment(code(t, phished, s.clock.now())); r.status != http.StatusUnauthorized {
		t.Fatalf("the phisher's replaced secret: %d %s", r.status, r.body)
	}
	phisher.mustBeSignedOut("the phisher's replaced secret")
	if r := owner.confirmEnrolment(code(t, own, s.clock.now())); r.status != http.StatusOK {
		t.Fatalf("the owner's secret: %d %s", r.status, r.body)
	}

	s2 := newSite(t, nil)
	laptop, phone := s2.browser(), s2.browser()
	laptop.signIn("grace@example.com")
	phone.signIn("grace@example.com")
	if laptop.openEnrolment() == phone.openEnrolment() {
		t.Fatal("two sessions of a user were shown one secret")
	}
}

// TestEnrolmentNeedsRecentSignIn: a copied session cookie must not turn
// on a second factor its owner does not hold (the owner would be locked
// out). Adding the factor needs a sign-in within
// account.DefaultReauthMaxAge: a browser on an older session is sent to
// the sign-in page and back, JSON clients get 403 reauth_required, and a
// confirmation is refused with nothing stored; after signing in again the
// enrolment goes through.
func TestEnrolmentNeedsRecentSignIn(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("ada@example.com")
	secret := b.openEnrolment()
	s.clock.advance(account.DefaultReauthMaxAge)
	written := s.factorVersion("ada@example.com")

	if r := b.get(enrolPath, "Accept", "application/json"); r.status != http.StatusForbidden || r.json["code"] != "reauth_required" {
		t.Fatalf("JSON enrolment on an old session: %d %s", r.status, r.body)
	}
	page := b.get(enrolPath)
	to, _ := url.Parse(page.location)
	if page.status != http.StatusFound || to == nil || to.Path != "/api/auth/signin" || !strings.HasSuffix(to.Query().Get("callbackUrl"), enrolPath) {
		t.Fatalf("enrolment page on an old session: %d %q, want the sign-in page and back", page.status, page.location)
	}
	if r := b.confirmEnrolment(code(t, secret, s.clock.now())); r.status != http.StatusForbidden || r.json["code"] != "reauth_required" {
		t.Fatalf("confirmation on an old session: %d %s", r.status, r.body)
	}
	if v := s.factorVersion("ada@example.com"); v != written {
		t.Fatalf("a refused enrolment wrote the factor record %d times", v-written)
	}
	if st, _ := s.auth.TwoFactorStatus(t.Context(), &authgo.User{ID: "user-1"}); st.Enabled {
		t.Fatal("the factor was turned on from an old session")
	}

	b.signIn("ada@example.com")
	fresh := b.openEnrolment()
	if r := b.confirmEnrolment(code(t, fresh, s.clock.now())); r.status != http.StatusOK {
		t.Fatalf("confirmation after signing in again: %d %s", r.status, r.body)
	}
}
