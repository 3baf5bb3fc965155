package mfa_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/limittest"
)

// Someone who phished the password starts a sign-in and stands at the
// challenge with the pending state. The owner notices and signs out
// everywhere (RevokeUserSessions: what a password reset or change does).
// Before the fix the half-done sign-in outlived it: a code typed into it
// (phished in real time, say) still got a session. Now signing out
// everywhere also spends every pending state begun before it.
func TestAttackPendingStateOutlivesSignOutEverywhere(t *testing.T) {
	s := newSite(t, nil)
	owner := s.browser()
	owner.signIn("ada@example.com")
	secret, _ := owner.enrol()
	owner.signOut()

	phisher := s.browser()
	if r := phisher.signIn("ada@example.com"); r.status != http.StatusFound || !strings.Contains(r.location, "two-factor/challenge") {
		t.Fatalf("the phisher's first factor: %d %q", r.status, r.location)
	}
	s.clock.advance(time.Second)
	if _, err := s.auth.RevokeUserSessions(t.Context(), limittest.Users["ada@example.com"].User.ID); err != nil {
		t.Fatal(err)
	}
	s.clock.advance(time.Second)
	r := phisher.challenge(code(t, secret, s.clock.now()))
	if r.status == http.StatusFound && !strings.Contains(r.location, "error=") {
		t.Errorf("a sign-in begun before signing out everywhere completed: %d %q", r.status, r.location)
	}
	phisher.mustBeSignedOut("after the owner signed out everywhere")

	// The owner's own sign-in afterwards works.
	s.clock.advance(30 * time.Second)
	owner.signIn("ada@example.com")
	if r := owner.challenge(code(t, secret, s.clock.now())); r.status != http.StatusFound || strings.Contains(r.location, "error=") {
		t.Fatalf("the owner's sign-in after it: %d %q", r.status, r.location)
	}
}

// The same for a user whom policy sends to set a factor up: the pending
// state of the phished password led to enrolment, where the phisher would
// set up an authenticator of their own. Before the fix it outlived the
// owner's signing out everywhere (a user without a factor has no record
// to mark it spent in); now the user's revocation time refuses it too.
func TestAttackEnrolmentStateOutlivesSignOutEverywhere(t *testing.T) {
	s := newSite(t, func(c *authgo.Config) { c.TwoFactor.RequiredForAll = true })
	phisher := s.browser()
	if r := phisher.signIn("ada@example.com"); r.status != http.StatusFound || !strings.Contains(r.location, "two-factor/enroll") {
		t.Fatalf("the phisher's first factor: %d %q", r.status, r.location)
	}
	s.clock.advance(time.Second)
	if _, err := s.auth.RevokeUserSessions(t.Context(), limittest.Users["ada@example.com"].User.ID); err != nil {
		t.Fatal(err)
	}
	s.clock.advance(time.Second)
	r := phisher.get("/api/auth/two-factor/enroll", "Accept", "application/json")
	if secret, _ := r.json["secret"].(string); r.status == http.StatusOK || secret != "" {
		t.Errorf("enrolment with a state begun before signing out everywhere: %d %s", r.status, r.body)
	}
	phisher.mustBeSignedOut("after the owner signed out everywhere")
	// The owner's own sign-in afterwards is sent to enrolment as before.
	if r := s.browser().signIn("ada@example.com"); r.status != http.StatusFound || !strings.Contains(r.location, "two-factor/enroll") {
		t.Fatalf("the owner's sign-in after it: %d %q", r.status, r.location)
	}
}
