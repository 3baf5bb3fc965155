package accounts_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/ratelimit"
)

// emailLinkRe is the sign-in link of an email provider's mail.
var emailLinkRe = regexp.MustCompile(`http://\S+/api/auth/callback/email\?\S+`)

// emailSignIn signs c in through the email provider's link mailed to addr
// (its page's button, as a reader clicks it).
func emailSignIn(t *testing.T, x *app, box *mailbox, c *http.Client, addr string) {
	t.Helper()
	resp, _ := x.post(c, "signin/email", url.Values{"email": {addr}, "callbackUrl": {"/done"}})
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("email sign-in request: %d", resp.StatusCode)
	}
	_, text := box.last(t, addr)
	link := emailLinkRe.FindString(text)
	if link == "" {
		t.Fatalf("no sign-in link in:\n%s", text)
	}
	_, page := x.get(c, link)
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	form.Del("csrfToken")
	if resp, _ = x.post(c, "callback/email", form); resp.StatusCode != http.StatusFound || x.me(c) != addr {
		t.Fatalf("email sign-in: %d %q, session %q", resp.StatusCode, resp.Header.Get("Location"), x.me(c))
	}
}

// Pre-account takeover: an attacker signs up with the victim's address and
// a password of their own (the address is not verified, and sign-in does
// not require it by default), signs in, and waits. The victim later signs
// in with an email link, which proves the mailbox and marks the address
// verified on the attacker's account. Before the fix the attacker's
// password and session still worked on the account the victim now uses;
// now the first proof of the mailbox removes a password set by whoever
// signed up unverified and ends the sessions they held.
func TestAttackPreAccountTakeoverThroughEmailSignIn(t *testing.T) {
	emailBox, emailSender := startMailbox(t)
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) {
			x := newApp(t, stores[0].open(t), strategy, nil, providers.Email(providers.EmailConfig{Options: email.Options{Sender: emailSender}}))
			const victim, attackerPW = "victim@example.com", "attacker chose this 1"
			attacker := x.browser()
			if resp, _ := x.post(attacker, "account/signup", url.Values{"email": {victim}, "password": {attackerPW}}); resp.StatusCode != http.StatusFound {
				t.Fatalf("sign-up: %d", resp.StatusCode)
			}
			if !x.signIn(attacker, victim, attackerPW) {
				t.Fatal("the unverified sign-up does not sign in (the test's premise: RequireEmailVerification is off)")
			}
			v := x.browser()
			emailSignIn(t, x, emailBox, v, victim)
			if x.me(attacker) != "" {
				t.Error("the attacker's session still works after the owner proved the mailbox")
			}
			if x.signIn(x.browser(), victim, attackerPW) {
				t.Error("the attacker's password still signs in to the account the owner now uses")
			}
			if x.me(v) != victim {
				t.Error("the owner's own session ended")
			}
		})
	}
}

// countingBreached is a breach check that counts the passwords it was
// asked about (each is an outbound request in production).
type countingBreached struct{ n atomic.Int64 }

func (c *countingBreached) Breached(context.Context, string) (bool, error) {
	c.n.Add(1)
	return false, nil
}

// A reset with a made-up token: before the fix the new password was
// checked (the breach check's request) and hashed (argon2id) before the
// token, and the attempt's reservation was given back at once, so one
// client could make the server hash and call the breach service without
// any limit. Now the token is used first (a refused password puts it
// back, so a weak one still does not burn the link), a wrong token costs
// no hashing and counts against the client's limit. (TestAccountFlows
// checks that a weak password still does not burn a real link.)
func TestAttackResetWithBogusTokensHashesNothing(t *testing.T) {
	checks := &countingBreached{}
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) { o.Policy.Breached = checks })
	c := x.browser()
	limited := false
	for i := range 30 {
		resp, _ := x.post(c, "account/reset-password", url.Values{"token": {strings.Repeat("ab", 32)}, "id": {"some-user"}, "password": {"a fresh new password " + strconv.Itoa(i)}})
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("bogus token %d: %d", i, resp.StatusCode)
		}
	}
	if n := checks.n.Load(); n != 0 {
		t.Errorf("made-up tokens cost %d password checks (breach requests and hashes)", n)
	}
	if !limited {
		t.Error("30 made-up tokens from one client were never rate limited")
	}
}

// Enumeration through change of email: a signed-in user (the attacker,
// with an account and mailbox of their own) asks to move their account to
// addresses they want to test. Before the fix their own old address got
// "Your email is about to change" for a free address and nothing for a
// taken one, and a free address cost one more mail (slower, by a whole
// send, against a real mail server): both told which addresses have
// accounts. Now the old address gets the same notice either way and a
// taken address is answered after about the time a free one takes.
func TestAttackChangeEmailEnumeration(t *testing.T) {
	const n = 12
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) {
		l := ratelimit.Limit{Events: 10 * n, Per: time.Hour}
		o.SendLimits = email.SendLimits{PerEmail: l, PerEmailClient: l, PerIP: l}
	})
	const me = "prober@example.com"
	for i := range n {
		signUpVerified(t, x, fmt.Sprintf("taken%03d@example.com", i), strongPW)
	}
	c := signUpVerified(t, x, me, strongPW)
	x.box.setDelay(60 * time.Millisecond) // a mail server some way off
	notice := func() string {
		subject, text := x.box.last(t, me)
		return subject + "\n" + text
	}
	var free, taken []answer
	var freeNotice, takenNotice string
	for i := range n {
		free = append(free, x.measureAs(t, c, "account/change-email", url.Values{"currentPassword": {strongPW}, "email": {fmt.Sprintf("free%03d@example.com", i)}}, i%2 == 1))
		freeNotice = strings.ReplaceAll(notice(), fmt.Sprintf("free%03d", i), "X")
		taken = append(taken, x.measureAs(t, c, "account/change-email", url.Values{"currentPassword": {strongPW}, "email": {fmt.Sprintf("taken%03d@example.com", i)}}, i%2 == 1))
		takenNotice = strings.ReplaceAll(notice(), fmt.Sprintf("taken%03d", i), "X")
		if freeNotice != takenNotice {
			t.Fatalf("the prober's own mailbox tells a free address from a taken one:\nfree:  %q\ntaken: %q", freeNotice, takenNotice)
		}
	}
	compareAnswers(t, "change of email", free, taken, "free", "taken")
}

// Reset links that outlive a new password: a link lying in a mailbox (or
// forwarded, or read by someone who had the mailbox for a while) must
// stop working once the password changes, by that link's reset, another
// link's, or a change of password. Before the fix every other reset link
// stayed good for its whole hour after the password was reset or
// changed, so someone holding one took the account back from the owner
// who had just secured it. Now a reset link is bound to the password it
// replaces.
func TestAttackOldResetLinkAfterPasswordChange(t *testing.T) {
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) {
		l := ratelimit.Limit{Events: 20, Per: time.Hour}
		o.SendLimits = email.SendLimits{PerEmail: l, PerEmailClient: l, PerIP: l}
	})
	const addr = "ada@example.com"
	signUpVerified(t, x, addr, strongPW)
	links := make([]url.Values, 3)
	for i := range links {
		if resp, _ := x.post(x.browser(), "account/forgot-password", url.Values{"email": {addr}}); resp.StatusCode != http.StatusFound {
			t.Fatalf("forgot: %d", resp.StatusCode)
		}
		links[i] = query(t, x.link(addr))
	}
	reset := func(q url.Values, pw string) int {
		resp, _ := x.post(x.browser(), "account/reset-password", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "password": {pw}})
		return resp.StatusCode
	}
	if st := reset(links[0], "the owner's new password 1"); st != http.StatusFound {
		t.Fatalf("the owner's reset: %d", st)
	}
	if st := reset(links[1], "the holder's password 2"); st != http.StatusBadRequest {
		t.Errorf("another reset link still worked after a reset: %d", st)
	}
	c := x.browser()
	if !x.signIn(c, addr, "the owner's new password 1") {
		t.Fatal("the owner's new password does not sign in")
	}
	if resp, _ := x.post(x.browser(), "account/forgot-password", url.Values{"email": {addr}}); resp.StatusCode != http.StatusFound {
		t.Fatalf("forgot: %d", resp.StatusCode)
	}
	fresh := query(t, x.link(addr))
	if resp, _ := x.post(c, "account/change-password", url.Values{"currentPassword": {"the owner's new password 1"}, "password": {"the owner's newer password 3"}}); resp.StatusCode != http.StatusFound {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	if st := reset(fresh, "the holder's password 4"); st != http.StatusBadRequest {
		t.Errorf("a reset link still worked after a change of password: %d", st)
	}
	if !x.signIn(x.browser(), addr, "the owner's newer password 3") {
		t.Error("the owner's password does not sign in")
	}
}

// A reset link mailed to the old address must die when the address
// changes: an owner who moves the account away from a mailbox someone
// else reads expects that mailbox to lose its power. Before the fix a
// reset link sent there before the change still reset the password
// afterwards (for the rest of its hour); now a reset link is bound to the
// address too.
func TestAttackResetLinkAfterChangeOfEmail(t *testing.T) {
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) {
		l := ratelimit.Limit{Events: 20, Per: time.Hour}
		o.SendLimits = email.SendLimits{PerEmail: l, PerEmailClient: l, PerIP: l}
	})
	const old, next = "old@example.com", "new@example.com"
	c := signUpVerified(t, x, old, strongPW)
	if resp, _ := x.post(x.browser(), "account/forgot-password", url.Values{"email": {old}}); resp.StatusCode != http.StatusFound {
		t.Fatalf("forgot: %d", resp.StatusCode)
	}
	stale := query(t, x.link(old))
	if resp, _ := x.post(c, "account/change-email", url.Values{"currentPassword": {strongPW}, "email": {next}}); resp.StatusCode != http.StatusFound {
		t.Fatalf("change email: %d", resp.StatusCode)
	}
	q := query(t, x.link(next))
	if resp, _ := x.post(x.browser(), "account/confirm-email", url.Values{"token": {q.Get("token")}, "id": {q.Get("id")}, "email": {q.Get("email")}}); resp.StatusCode != http.StatusFound {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	resp, _ := x.post(x.browser(), "account/reset-password", url.Values{"token": {stale.Get("token")}, "id": {stale.Get("id")}, "password": {"the old mailbox's password"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a reset link sent to the old address worked after the change: %d", resp.StatusCode)
	}
	if !x.signIn(x.browser(), next, strongPW) {
		t.Error("the owner's password no longer signs in")
	}
}
