package authgo_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/providers"
)

// An app's own sign-up form calls SignUp: a weak password is an
// *account.Error with a sentence per field; a new address and a taken one
// both end on "check your email" (the owner of a taken one is told by
// mail instead).
func ExampleAuth_SignUp() {
	mailbox := &email.Memory{} // email.NewSMTP(…) in production
	auth, _ := authgo.New(authgo.Config{
		Secret: []string{exampleSecret}, URL: "http://localhost/api/auth",
		Adapter: memory.New(), // keeps users, password hashes and tokens
		Providers: []authgo.Provider{providers.Password(providers.PasswordConfig{PasswordOptions: account.PasswordOptions{
			Sender: mailbox, From: "Example <no-reply@example.com>",
			Policy: password.Policy{Breached: password.NewBreachedList("password123")},
		}})},
	})
	signUp := func(w http.ResponseWriter, r *http.Request) {
		err := auth.SignUp(w, r, account.SignUpInput{Email: r.FormValue("email"), Password: r.FormValue("password")})
		var ae *account.Error
		switch {
		case errors.As(err, &ae):
			http.Error(w, ae.Message+" "+ae.Fields["password"], ae.Status)
		case err != nil: // rate limited, or the mail server is down
			http.Error(w, "Try again in a few minutes.", http.StatusServiceUnavailable)
		default:
			http.Redirect(w, r, "/check-your-email", http.StatusSeeOther)
		}
	}
	for _, pw := range []string{"password123", "correct horse battery staple", "correct horse battery staple"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "http://localhost/signup", strings.NewReader(url.Values{"email": {"ada@example.com"}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		signUp(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Header().Get("Location")+rec.Body.String()))
	}
	for _, m := range mailbox.Messages() {
		fmt.Println(m.Subject)
	}
	// Output:
	// 400 Choose another password. This password is known from a data breach; choose another.
	// 303 /check-your-email
	// 303 /check-your-email
	// Verify your email for localhost
	// Someone tried to sign up for localhost with your address
}
