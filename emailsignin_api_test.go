package authgo_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// Auth.SignIn with an email provider (an app's own form): the mail goes
// out with the link to the app's callbackUrl, the binding cookie is set,
// and the failures are the documented errors; a failed send stores
// nothing.
func TestSignInEmailFromTheApp(t *testing.T) {
	mailbox := &email.Memory{}
	var down bool
	store := &tokenSpy{Adapter: memory.New()}
	a := mustNew(t, authgo.Config{
		Secret: []string{testSecret}, LookupEnv: noEnv, URL: "https://app.example/api/auth", Adapter: store,
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{Options: email.Options{
			Sender: email.SenderFunc(func(ctx context.Context, m *email.Message) error {
				if down {
					return &email.SendError{Step: email.StepDial, Err: errors.New("connection refused")}
				}
				return mailbox.Send(ctx, m)
			}),
		}})},
	})
	signIn := func(addr string) (*httptest.ResponseRecorder, string, error) {
		w := httptest.NewRecorder()
		to, err := a.SignIn(w, httptest.NewRequest("POST", "https://app.example/login", nil), "email", authgo.SignInOptions{Email: addr, RedirectTo: "/posts"})
		return w, to, err
	}
	w, to, err := signIn(" Ada@Example.com")
	if err != nil || to != "https://app.example/api/auth/verify-request?provider=email&type=email" {
		t.Fatalf("SignIn: %q, %v", to, err)
	}
	if c := strings.Join(w.Header().Values("Set-Cookie"), "\n"); !strings.Contains(c, "authgo.email-binding=") || !strings.Contains(c, "authjs.callback-url=https://app.example/posts") {
		t.Errorf("no binding cookie: %q", w.Header().Values("Set-Cookie"))
	}
	m, ok := mailbox.Last("ada@example.com")
	if !ok || !strings.Contains(m.Text, "callbackUrl=https%3A%2F%2Fapp.example%2Fposts") {
		t.Fatalf("mail: %v\n%s", ok, m.Text)
	}

	_, _, err = signIn("ada@example.com,eve@evil.example")
	var e *authgo.Error
	if !errors.Is(err, authgo.ErrEmailSignin) || !errors.As(err, &e) || e.Fields["email"] == "" {
		t.Errorf("a bad address: %v, want ErrEmailSignin with a field error", err)
	}

	down = true
	before := store.live(t)
	if _, _, err = signIn("grace@example.com"); !errors.Is(err, authgo.ErrUnavailable) {
		t.Errorf("mail server down: %v, want ErrUnavailable", err)
	}
	if n := store.live(t); n != 0 || before != 2 {
		t.Errorf("tokens stored: %d before (want link and code), %d left after a failed send", before, n)
	}

	if _, err := a.SignIn(httptest.NewRecorder(), httptest.NewRequest("POST", "https://app.example/login", nil), "github", authgo.SignInOptions{}); err == nil {
		t.Error("SignIn with an unknown provider succeeded")
	}
}
