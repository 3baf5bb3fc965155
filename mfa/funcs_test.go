package mfa_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/limittest"
)

// TestSecretRotation: a factor set up under one AUTH_SECRET still works
// after a new secret is put first (the sealed TOTP secret is opened with
// the older one and sealed again with the new one at the next use), and
// after the older secret is then retired.
func TestSecretRotation(t *testing.T) {
	old := newSite(t, nil)
	b := old.browser()
	b.signIn("ada@example.com")
	secret, backup := b.enrol()
	before, _ := old.store.GetSecondFactor(t.Context(), "user-1")

	const newSecret = "a-new-secret-0123456789abcdef0123456789abcdef"
	rotated := newSite(t, func(c *authgo.Config) {
		c.Secret = []string{newSecret, limittest.Secret}
		c.Adapter = old.store
		c.Now = old.clock.now
	})
	rb := rotated.browser()
	rb.signIn("ada@example.com")
	if r := rb.challenge(code(t, secret, old.clock.now())); r.status != http.StatusFound {
		t.Fatalf("after rotation: %d %s", r.status, r.body)
	}
	after, _ := old.store.GetSecondFactor(t.Context(), "user-1")
	if after.TOTPSecret == before.TOTPSecret {
		t.Fatal("the secret was not sealed again with the new AUTH_SECRET")
	}
	old.clock.advance(30 * time.Second)

	retired := newSite(t, func(c *authgo.Config) {
		c.Secret = []string{newSecret}
		c.Adapter = old.store
		c.Now = old.clock.now
	})
	xb := retired.browser()
	xb.signIn("ada@example.com")
	if r := xb.challenge(code(t, secret, old.clock.now())); r.status != http.StatusFound {
		t.Fatalf("after retiring the old secret: %d %s", r.status, r.body)
	}
	// Backup codes are hashed under the old secret's key: they work while
	// it is listed, not after it is retired.
	xb.signOut()
	xb.signIn("ada@example.com")
	if r := xb.challenge(backup[0]); r.status != http.StatusUnauthorized {
		t.Fatalf("backup code after retiring its secret: %d", r.status)
	}
	rb.signOut()
	rb.signIn("ada@example.com")
	if r := rb.challenge(backup[0]); r.status != http.StatusFound {
		t.Fatalf("backup code with its secret still listed: %d %s", r.status, r.body)
	}
}

// TestGoFunctionsEnrol: the functions for an app's own forms — status,
// enrolment, confirmation (a wrong code, then the right one, then a
// second confirmation).
func TestGoFunctionsEnrol(t *testing.T) {
	s := newSite(t, nil)
	ada := &authgo.User{ID: "user-1", Email: "ada@example.com", Role: "admin"}
	enrolGo(t, s, ada)
	if st, _ := s.auth.TwoFactorStatus(t.Context(), ada); !st.Enabled || st.BackupCodes != 10 {
		t.Fatalf("status %+v", st)
	}
	if _, err := s.auth.EnrollTOTP(s.form(), ada); !isCode(err, "already_enabled") {
		t.Fatalf("EnrollTOTP when on: %v", err)
	}
}

// TestGoFunctionsEnrolAgain: EnrollTOTP called again for the same
// browser returns the pending secret; NewTOTPEnrolment replaces it, and
// only the new secret's code confirms.
func TestGoFunctionsEnrolAgain(t *testing.T) {
	s := newSite(t, nil)
	ada := &authgo.User{ID: "user-1", Email: "ada@example.com"}
	first, err := s.auth.EnrollTOTP(s.form(), ada)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.auth.EnrollTOTP(s.form(), ada)
	if err != nil || again.Secret != first.Secret || again.URI != first.URI {
		t.Fatalf("EnrollTOTP again = %+v, %v; first %s", again, err, first.Secret)
	}
	renewed, err := s.auth.NewTOTPEnrolment(s.form(), ada)
	if err != nil || renewed.Secret == first.Secret || len(renewed.QRCode) == 0 {
		t.Fatalf("NewTOTPEnrolment = %+v, %v", renewed, err)
	}
	if got, _ := s.auth.EnrollTOTP(s.form(), ada); got.Secret != renewed.Secret {
		t.Fatalf("EnrollTOTP after NewTOTPEnrolment: %s, want %s", got.Secret, renewed.Secret)
	}
	if _, err := s.auth.ConfirmTOTP(s.form(), ada, code(t, first.Secret, s.clock.now())); !isCode(err, "invalid_code") {
		t.Fatalf("ConfirmTOTP with the replaced secret: %v", err)
	}
	if codes, err := s.auth.ConfirmTOTP(s.form(), ada, code(t, renewed.Secret, s.clock.now())); err != nil || len(codes) != 10 {
		t.Fatalf("ConfirmTOTP = %v, %v", codes, err)
	}
	if _, err := s.auth.NewTOTPEnrolment(s.form(), ada); !isCode(err, "already_enabled") {
		t.Fatalf("NewTOTPEnrolment when on: %v", err)
	}
}

// enrolGo sets a factor up for u with EnrollTOTP and ConfirmTOTP and
// returns its secret and backup codes; the clock moves on a step.
func enrolGo(t *testing.T, s *site, u *authgo.User) (string, []string) {
	t.Helper()
	e, err := s.auth.EnrollTOTP(s.form(), u)
	if err != nil || e.Secret == "" || len(e.QRCode) == 0 {
		t.Fatalf("EnrollTOTP = %+v, %v", e, err)
	}
	if _, err := s.auth.ConfirmTOTP(s.form(), u, "000000"); !isCode(err, "invalid_code") {
		t.Fatalf("ConfirmTOTP wrong code: %v", err)
	}
	codes, err := s.auth.ConfirmTOTP(s.form(), u, code(t, e.Secret, s.clock.now()))
	if err != nil || len(codes) != 10 {
		t.Fatalf("ConfirmTOTP = %v, %v", codes, err)
	}
	if _, err := s.auth.ConfirmTOTP(s.form(), u, code(t, e.Secret, s.clock.now())); !isCode(err, "no_enrolment") {
		t.Fatalf("second ConfirmTOTP: %v", err)
	}
	s.clock.advance(30 * time.Second)
	return e.Secret, codes
}

// form is a POST of an app's own form on the site, from a fixed client.
func (s *site) form(cookies ...*http.Cookie) *http.Request {
	r, _ := http.NewRequest("POST", s.srv.URL+"/my/form", nil)
	r.Header.Set("Origin", s.srv.URL)
	r.RemoteAddr = "192.0.2.7:1234"
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

// TestGoFunctionsSignIn: SignIn from an app's own form returns the
// challenge; VerifySecondFactor completes it; new backup codes need no
// code within FreshAuthMaxAge of the sign-in, and a code after it;
// DisableTwoFactor takes a backup code.
func TestGoFunctionsSignIn(t *testing.T) {
	s := newSite(t, nil)
	ada := &authgo.User{ID: "user-1", Email: "ada@example.com", Role: "admin"}
	secret, codes := enrolGo(t, s, ada)
	rec := &recorder{h: http.Header{}}
	to, err := s.auth.SignIn(rec, s.form(), "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}})
	if err != nil || !strings.HasSuffix(to, "/api/auth/two-factor/challenge") {
		t.Fatalf("SignIn = %q, %v", to, err)
	}
	r := s.form(rec.cookies()...)
	w := &recorder{h: http.Header{}}
	if _, err := s.auth.VerifySecondFactor(w, r, "123456", false); !isCode(err, "invalid_code") {
		t.Fatalf("VerifySecondFactor wrong code: %v", err)
	}
	to, err = s.auth.VerifySecondFactor(w, r, code(t, secret, s.clock.now()), false)
	if err != nil || !strings.HasPrefix(to, s.srv.URL) {
		t.Fatalf("VerifySecondFactor = %q, %v", to, err)
	}
	signedIn := s.form(w.cookies()...)
	sess, err := s.auth.Session(nil, signedIn)
	if err != nil || sess == nil || strings.Join(sess.AMR, ",") != "pwd,otp,mfa" || sess.AuthTime.IsZero() {
		t.Fatalf("Session after VerifySecondFactor = %+v, %v", sess, err)
	}
	fresh, err := s.auth.NewBackupCodes(signedIn, "")
	if err != nil || len(fresh) != 10 || fresh[0] == codes[0] {
		t.Fatalf("NewBackupCodes fresh = %v, %v", fresh, err)
	}
	s.clock.advance(6 * time.Minute)
	if _, err := s.auth.NewBackupCodes(signedIn, ""); !isCode(err, "invalid_code") {
		t.Fatalf("NewBackupCodes without a code after 6 minutes: %v", err)
	}
	if err := s.auth.DisableTwoFactor(signedIn, fresh[3]); err != nil {
		t.Fatalf("DisableTwoFactor with a backup code: %v", err)
	}
	if st, _ := s.auth.TwoFactorStatus(t.Context(), ada); st.Enabled {
		t.Fatalf("status after DisableTwoFactor %+v", st)
	}
}

func isCode(err error, code string) bool {
	var e *authgo.Error
	return errors.As(err, &e) && e.Code == code
}

// recorder is a ResponseWriter that keeps the cookies set.
type recorder struct {
	h      http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(s int)           { r.status = s }
func (r *recorder) cookies() []*http.Cookie {
	return (&http.Response{Header: r.h}).Cookies()
}
