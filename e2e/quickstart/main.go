package main

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/providers"
)

func main() {
	// One user, to try it; yours come from your database, which stores
	// password.Hash's result and never the password.
	hash, err := password.Hash("correct horse battery staple")
	if err != nil {
		log.Fatal(err)
	}
	users := map[string]string{"ada@example.com": hash}

	auth, err := authgo.New(authgo.Config{
		// Development runs without AUTH_SECRET and AUTH_URL: a random secret
		// (sessions end with the process) and the origin from the Host header.
		// In production remove it and set both (`authgo secret` makes a secret).
		Development: true,
		Providers: []authgo.Provider{
			providers.Credentials(providers.CredentialsConfig{
				Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
					stored, ok := users[c["email"]] // the email arrives trimmed and lower-cased
					if !ok {
						_, err := password.DummyVerify(c["password"]) // as slow as a wrong password
						return nil, err
					}
					if ok, err := password.Verify(c["password"], stored); !ok {
						return nil, err // nil, nil refuses: "wrong email or password"
					}
					return &authgo.User{ID: "1", Name: "Ada", Email: c["email"]}, nil
				},
			}),
		},
	})
	if err != nil {
		log.Fatal(err) // a sentence saying what to set
	}

	mux := http.NewServeMux()
	mux.Handle("/api/auth/", auth.Handler()) // sign-in page: /api/auth/signin
	mux.Handle("/{$}", auth.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := auth.Session(w, r) // never nil behind RequireAuth
		fmt.Fprintf(w, "Hello %s! Sign out at /api/auth/signout\n", s.User.Name)
	})))
	addr := cmp.Or(os.Getenv("ADDR"), "localhost:8080")
	log.Printf("open http://%s/ and sign in as ada@example.com, password correct horse battery staple", addr)
	log.Fatal(http.ListenAndServe(addr, mux))
}
