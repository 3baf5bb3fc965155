package authgo_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// An app's own "email me a link" form calls SignIn with the email
// provider's id, as an Auth.js server action calls signIn("nodemailer",
// formData): the mail goes out and the browser goes to the "check your
// email" page.
func ExampleAuth_SignIn_email() {
	mailbox := &email.Memory{} // email.NewSMTP(…) in production
	auth, _ := authgo.New(authgo.Config{
		Secret: []string{exampleSecret}, URL: "http://localhost/api/auth",
		Adapter: memory.New(), // keeps the link's token and the users
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{Options: email.Options{
			Sender: mailbox, From: "Example <no-reply@example.com>",
		}})},
	})
	emailMe := func(w http.ResponseWriter, r *http.Request) {
		to, err := auth.SignIn(w, r, "email", authgo.SignInOptions{Email: r.FormValue("email"), RedirectTo: "/dashboard"})
		var e *authgo.Error
		switch {
		case errors.Is(err, authgo.ErrEmailSignin) && errors.As(err, &e):
			http.Error(w, e.Fields["email"], http.StatusBadRequest)
		case errors.As(err, &e) && e.Type == authgo.RateLimited:
			http.Error(w, fmt.Sprintf("Too many emails; try again in %d seconds.", e.RetryAfter), http.StatusTooManyRequests)
		case err != nil: // ErrUnavailable: the mail server did not take it
			http.Error(w, "The email could not be sent. Try again in a few minutes.", http.StatusServiceUnavailable)
		default:
			http.Redirect(w, r, to, http.StatusSeeOther)
		}
	}
	for _, addr := range []string{"Ada@Example.com", "ada@evil.example,ada@example.com"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "http://localhost/login/email", strings.NewReader(url.Values{"email": {addr}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		emailMe(rec, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Header().Get("Location"), " ", strings.TrimSpace(rec.Body.String()))))
	}
	m, _ := mailbox.Last("ada@example.com")
	fmt.Println(m.Subject)
	// Output:
	// 303 http://localhost/api/auth/verify-request?provider=email&type=email
	// 400  Enter one email address, like name@example.com.
	// Sign in to localhost
}
