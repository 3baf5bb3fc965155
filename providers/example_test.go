package providers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// A preset needs only the client id and secret of the OAuth app made at the
// provider (for GitHub: Settings → Developer settings → OAuth Apps, with
// the callback URL <URL>/callback/github). Signing in sends the browser to
// GitHub with the app's client id and callback URL, state and PKCE.
func ExampleGitHub() {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	auth, err := authgo.New(authgo.Config{
		Secret: []string{"example-secret-that-is-at-least-32-bytes-long"}, // default: AUTH_SECRET
		URL:    srv.URL + "/api/auth",                                     // default: AUTH_URL
		Providers: []authgo.Provider{
			providers.GitHub(providers.Options{
				ClientID:     "Iv1.example", // os.Getenv("AUTH_GITHUB_ID")
				ClientSecret: "example",     // os.Getenv("AUTH_GITHUB_SECRET")
			}),
		},
	})
	if err != nil {
		panic(err)
	}
	mux.Handle("/api/auth/", auth.Handler())

	// What the "Sign in with GitHub" button of /api/auth/signin does.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := browser.Get(srv.URL + "/api/auth/csrf")
	var csrf struct{ CSRFToken string }
	_ = json.NewDecoder(resp.Body).Decode(&csrf)
	resp, _ = browser.PostForm(srv.URL+"/api/auth/signin/github", url.Values{"csrfToken": {csrf.CSRFToken}})
	to, _ := url.Parse(resp.Header.Get("Location"))
	q := to.Query()
	fmt.Println(resp.StatusCode, to.Host+to.Path)
	fmt.Println("client_id:", q.Get("client_id"))
	fmt.Println("redirect_uri:", strings.TrimPrefix(q.Get("redirect_uri"), srv.URL))
	fmt.Println("scope:", q.Get("scope"))
	fmt.Println("state and PKCE:", q.Get("state") != "", q.Get("code_challenge_method"))
	// Output:
	// 302 github.com/login/oauth/authorize
	// client_id: Iv1.example
	// redirect_uri: /api/auth/callback/github
	// scope: read:user user:email
	// state and PKCE: true S256
}

// An app that takes over the users of an existing backend passes their
// input through untouched: Authorize receives the email and the password
// as typed, whatever their case or length, and compares them as the old
// backend did. Rate limits still count the email case-folded.
func ExampleInputAsIs() {
	auth, err := authgo.New(authgo.Config{
		Secret: []string{"example-secret-that-is-at-least-32-bytes-long"},
		URL:    "https://app.example.com/api/auth",
		Providers: []authgo.Provider{
			providers.Credentials(providers.CredentialsConfig{
				Input: providers.InputAsIs(),
				Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
					fmt.Printf("Authorize received %q and %q\n", c["email"], c["password"])
					if c["email"] == "Ada.Lovelace@Example.com" && c["password"] == "1843" { // the old backend's check
						return &authgo.User{ID: "legacy-1843", Email: c["email"]}, nil
					}
					return nil, nil
				},
			}),
		},
	})
	if err != nil {
		panic(err)
	}
	_, err = auth.SignIn(httptest.NewRecorder(), httptest.NewRequest("POST", "/login", nil), "credentials", authgo.SignInOptions{
		Credentials: map[string]string{"email": "Ada.Lovelace@Example.com", "password": "1843"},
	})
	fmt.Println("signed in:", err == nil)
	// Output:
	// Authorize received "Ada.Lovelace@Example.com" and "1843"
	// signed in: true
}
