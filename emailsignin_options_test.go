package authgo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/email"
)

// The provider's own functions, as Auth.js's sendVerificationRequest,
// generateVerificationToken and normalizeIdentifier: what each receives
// and what each changes; an error in any of them stores nothing.
func TestEmailProviderFunctions(t *testing.T) {
	var (
		mu      sync.Mutex
		got     []email.VerificationRequest
		sendErr error
		tokens  = []string{"token-from-the-app-1", "a token with spaces", "token-from-the-app-3"}
	)
	f := newEmailFixture(t, func(o *email.Options) {
		o.Sender = nil
		o.MaxAge = 15 * time.Minute
		o.SendVerificationRequest = func(ctx context.Context, v email.VerificationRequest) error {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, v)
			return sendErr
		}
		o.GenerateVerificationToken = func() (string, error) {
			mu.Lock()
			defer mu.Unlock()
			t := tokens[0]
			tokens = tokens[1:]
			return t, nil
		}
		// The app's rule: drop "+tag" from the local part.
		o.NormalizeIdentifier = func(s string) (string, error) {
			e, err := email.NormalizeIdentifier(s)
			if err != nil {
				return "", err
			}
			local, domain, _ := strings.Cut(e, "@")
			if strings.HasSuffix(domain, ".invalid") {
				return "", errors.New("no .invalid domains")
			}
			local, _, _ = strings.Cut(local, "+")
			return local + "@" + domain, nil
		}
	}, nil)

	start := time.Now()
	location(t, f.ask("Ada+News@Example.com", nil))
	if len(got) != 1 {
		t.Fatalf("SendVerificationRequest ran %d times", len(got))
	}
	v := got[0]
	checkAppTokenSignIn(t, f, v, start)

	// NormalizeIdentifier refuses: the sign-in page's EmailSignin, nothing sent.
	if got := location(t, f.ask("ada@example.invalid", nil)); !strings.Contains(got, "error=EmailSignin") {
		t.Errorf("refused by NormalizeIdentifier: %q", got)
	}
	// A token that is not 1 to 512 printable characters is the app's bug: a
	// server error, nothing stored, nothing sent.
	before := f.store.live(t)
	resp := f.ask("grace@example.com", nil)
	if resp.StatusCode/100 == 2 || strings.Contains(resp.Header.Get("Location"), "verify-request") {
		t.Errorf("an unusable token was accepted: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// SendVerificationRequest fails: 503, nothing stored.
	sendErr = errors.New("the mail API answered 500")
	resp = f.ask("grace@example.com", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("SendVerificationRequest failed: status %d", resp.StatusCode)
	}
	if n := f.store.live(t); n != 0 || before != 0 || len(got) != 2 {
		t.Errorf("tokens left: %d (before %d); SendVerificationRequest ran %d times, want 2", n, before, len(got))
	}
	if logs := f.logs.String(); strings.Contains(logs, "grace@example.com") || strings.Contains(logs, "token-from-the-app") {
		t.Errorf("the log holds the address or the token:\n%s", logs)
	}
}

// checkAppTokenSignIn: the VerificationRequest the app received, the token
// stored hashed as Auth.js does, and the app's token signing in.
func checkAppTokenSignIn(t *testing.T, f *emailFixture, v email.VerificationRequest, start time.Time) {
	t.Helper()
	u, _ := url.Parse(v.URL)
	if v.Identifier != "ada@example.com" || v.Token != "token-from-the-app-1" || u.Query().Get("token") != v.Token ||
		u.Query().Get("email") != "ada@example.com" || v.Provider != "email" || v.Host != u.Host || v.From != "App <no-reply@app.example>" ||
		len(v.Code) != 6 || v.Request == nil || v.Request.Method != http.MethodPost {
		t.Fatalf("VerificationRequest: %+v", v)
	}
	if d := v.Expires.Sub(start); d < 14*time.Minute || d > 16*time.Minute || v.CodeExpires.After(v.Expires) {
		t.Errorf("Expires in %v (MaxAge 15 min), code expires %v", d, v.CodeExpires)
	}
	sum := sha256.Sum256([]byte(v.Token + testSecret))
	if f.store.created[0].Token != hex.EncodeToString(sum[:]) || f.store.created[0].Identifier != "ada@example.com" {
		t.Errorf("stored %+v, want the app's token hashed as Auth.js does", f.store.created[0])
	}
	if got := location(t, f.confirm(v.URL)); got != f.url("/dashboard") {
		t.Fatalf("the app's token did not sign in: %q", got)
	}
	if e := sessionEmail(f.fixture); e != "ada@example.com" {
		t.Fatalf("session %q", e)
	}
}
