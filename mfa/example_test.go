package mfa_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/mfa"
	"github.com/pquerna/otp/totp"
)

// A TOTP secret, its otpauth URI (what the QR code holds) and a code
// checked one step later, within the allowed skew.
func ExampleTOTP() {
	t := mfa.TOTP{}
	secret, uri, err := t.Key("app.example.com", "ada@example.com", "JBSWY3DPEHPK3PXP")
	if err != nil {
		panic(err)
	}
	fmt.Println(uri)
	at := time.Unix(1_700_000_000, 0)
	code, _ := totp.GenerateCode(secret, at)
	step, ok := t.Verify(secret, code, at.Add(30*time.Second))
	fmt.Println(step == at.Unix()/30, ok)
	png, _ := t.QRCode(uri)
	fmt.Println(len(png) > 0, string(png[1:4]))
	// Output:
	// otpauth://totp/app.example.com:ada@example.com?algorithm=SHA1&digits=6&issuer=app.example.com&period=30&secret=JBSWY3DPEHPK3PXP
	// true true
	// true PNG
}

// The second factor on every sign-in, required of admins, and an admin
// area that needs two factors in this session: a signed-out API request
// is answered 401, a signed-in one without the second factor 403
// {"error":"FactorRequired"}, a page request is sent to the challenge.
func Example_requireFactor() {
	auth, err := authgo.New(authgo.Config{
		Secret:  []string{"an-example-secret-of-at-least-32-characters"},
		URL:     "https://app.example.com",
		Adapter: memory.New(), // stores the factors (adapter.SecondFactorStore)
		TwoFactor: authgo.TwoFactorConfig{
			TOTP:     mfa.TOTP{},
			Required: func(_ context.Context, u *authgo.User) bool { return u.Role == "admin" },
		},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", auth.Handler())
	admin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "admin") })
	mux.Handle("/api/admin", auth.RequireAuth(auth.RequireFactor(amr.MultiFactor)(admin)))

	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "https://app.example.com/api/admin", nil))
	fmt.Println(w.Code, w.Body.String())
	// Output: 401 {"error":"Unauthorized"}
}
