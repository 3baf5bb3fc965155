package refresh_test

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/refresh"
)

// The session keeps GitHub's access token fresh: the Refresher is the JWT
// callback, and the Session callback hands the token to the app.
func Example() {
	cfg := authgo.Config{
		URL:       "https://app.example.com",
		Providers: []authgo.Provider{providers.GitHub(providers.Options{ClientID: "id", ClientSecret: "secret"})},
	}
	r, err := refresh.New(cfg, refresh.Config{})
	if err != nil {
		log.Fatal(err)
	}
	cfg.Callbacks.JWT = r.JWT
	cfg.Callbacks.Session = func(ctx context.Context, p authgo.SessionParams) (*authgo.Session, error) {
		p.Session.Extra = map[string]any{"accessToken": p.Token.Extra[refresh.ClaimAccessToken]}
		return p.Session, nil
	}
	auth, err := authgo.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/api/auth/", auth.Handler())
}

// An app whose own API issues the tokens (the "existing backend"): the
// credentials provider's Authorize records them with
// providers.SetAccountTokens, and a refresh.Func renews them.
func Example_existingBackend() {
	login := func(ctx context.Context, email, password string) (providers.TokenSet, *authgo.User, error) {
		return providers.TokenSet{AccessToken: "…", RefreshToken: "…", ExpiresAt: time.Now().Add(time.Hour).Unix()}, &authgo.User{ID: "42", Email: email}, nil
	}
	renew := func(ctx context.Context, refreshToken string) (*providers.TokenSet, error) {
		return &providers.TokenSet{AccessToken: "…", RefreshToken: "…", ExpiresAt: time.Now().Add(time.Hour).Unix()}, nil
	}
	cfg := authgo.Config{
		URL: "https://app.example.com",
		Providers: []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			ID: "backend",
			Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
				tokens, user, err := login(ctx, c["email"], c["password"])
				if err != nil || user == nil {
					return nil, err
				}
				providers.SetAccountTokens(ctx, tokens)
				return user, nil
			},
		})},
	}
	r, err := refresh.New(cfg, refresh.Config{Refresh: map[string]refresh.Func{"backend": renew}})
	if err != nil {
		log.Fatal(err)
	}
	cfg.Callbacks.JWT = r.JWT
	if _, err := authgo.New(cfg); err != nil {
		log.Fatal(err)
	}
}
