package pages_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// authServer serves authgo's real /api/auth handler with a credentials
// provider that knows one account and a GitHub preset.
func authServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	auth, err := authgo.New(authgo.Config{
		URL:    srv.URL + "/api/auth",
		Secret: []string{"e2e-pages-secret-0123456789abcdef0123456789"},
		Providers: []authgo.Provider{
			providers.GitHub(providers.Options{ClientID: "id", ClientSecret: "secret"}),
			providers.Credentials(providers.CredentialsConfig{
				Authorize: func(_ context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) {
					if c["email"] == "ada@example.com" && c["password"] == "correct horse battery" {
						return &authgo.User{ID: "1", Email: "ada@example.com"}, nil
					}
					return nil, nil
				},
			}),
		},
		LookupEnv: func(string) (string, bool) { return "", false },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/api/auth/", auth.Handler())
	return srv
}

// TestBrowserSignInFormComesBack submits the built-in credentials form with
// a wrong password, then with a too-short one, as a person would: each time
// the browser must land on the sign-in page's own URL (not on
// /callback/credentials) with the email as typed, the password empty, and
// the error shown.
func TestBrowserSignInFormComesBack(t *testing.T) {
	bctx := startBrowser(t)
	srv := authServer(t)
	dir := screenshotDir(t)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := newTab(t, bctx)
			type state struct {
				URL, Email, Password, Alert, PasswordError string
			}
			const read = `({URL: location.pathname + location.search,
				Email: document.querySelector('#input-email-for-credentials-provider').value,
				Password: document.querySelector('#input-password-for-credentials-provider').value,
				Alert: (document.querySelector('[role=alert]') || {textContent: ''}).textContent.trim(),
				PasswordError: (document.querySelector('#input-password-for-credentials-provider-error') || {textContent: ''}).textContent.trim()})`
			submit := func(password string) state {
				t.Helper()
				err := chromedp.Do(ctx,
					chromedp.Navigate(srv.URL+"/api/auth/signin"),
					chromedp.SendKeys(chromedp.CSS("#input-email-for-credentials-provider"), "ada@example.com"),
					chromedp.SendKeys(chromedp.CSS("#input-password-for-credentials-provider"), password),
					chromedp.Click(chromedp.CSS("form.provider-credentials button[type=submit]")),
					chromedp.WaitVisible(chromedp.CSS("[role=alert]")),
				)
				if err != nil {
					t.Fatalf("submit: %v", err)
				}
				s, err := chromedp.Run(ctx, chromedp.Evaluate[state](read))
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			if err := chromedp.Do(ctx, setViewport(vp, false)); err != nil {
				t.Fatal(err)
			}
			got := submit("not the right password")
			want := state{URL: "/api/auth/signin?error=CredentialsSignin&code=credentials", Email: "ada@example.com",
				Alert: "Sign in failed. Check the details you provided are correct."}
			if got != want {
				t.Errorf("after a wrong password:\n got %+v\nwant %+v", got, want)
			}
			got = submit("short")
			want = state{URL: "/api/auth/signin?error=CredentialsSignin&code=invalid_input", Email: "ada@example.com",
				Alert: want.Alert, PasswordError: "Passwords have at least 8 characters."}
			if got != want {
				t.Errorf("after a short password:\n got %+v\nwant %+v", got, want)
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "signin-form-back-"+vp.name+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot %s", file)
		})
	}
}
