package passkey_test

import (
	"fmt"
	"log"
	"net/http"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/passkey"
)

// Passkeys on Auth.js's endpoints: next-auth/webauthn's signIn("passkey")
// works against this handler, and the built-in sign-in page offers them.
func ExampleProvider() {
	auth, err := authgo.New(authgo.Config{
		Secret:  []string{"a secret of at least 32 random bytes, from `authgo secret`"},
		URL:     "https://example.com/api/auth",
		Adapter: memory.New(), // use adapter/sql in production
		Providers: []authgo.Provider{passkey.Provider(passkey.Config{
			// Passkeys for every app on example.com's subdomains.
			RPID:    "example.com",
			Origins: []string{"https://example.com", "https://app.example.com"},
		})},
	})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/api/auth/", auth.Handler())
	fmt.Println(auth.Providers()[0].ID(), auth.Providers()[0].Type())
	// Output: passkey webauthn
}

// A settings handler lists the signed-in user's passkeys; RenamePasskey and
// DeletePasskey change them (or the JSON endpoints under /api/auth/passkeys).
func Example_settings() {
	auth, err := authgo.New(authgo.Config{
		Secret:    []string{"a secret of at least 32 random bytes, from `authgo secret`"},
		URL:       "https://example.com/api/auth",
		Adapter:   memory.New(),
		Providers: []authgo.Provider{passkey.Provider(passkey.Config{})},
	})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("GET /settings/passkeys", auth.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := auth.Session(w, r)
		list, err := auth.ListPasskeys(r.Context(), s.User.ID)
		if err != nil {
			http.Error(w, "try again later", http.StatusServiceUnavailable)
			return
		}
		for _, p := range list {
			fmt.Fprintf(w, "%s added %s, last used %s\n", p.Name, p.CreatedAt.Format("2 Jan 2006"), p.LastUsedAt.Format("2 Jan 2006"))
		}
	})))
}
