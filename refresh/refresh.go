// Package refresh keeps provider access tokens fresh: in the session token
// (Refresher.JWT as authgo.Callbacks.JWT) or in a stored account row
// (Refresher.Account). A token that expires within the leeway is refreshed
// with the refresh-token grant (RFC 6749 §6), and the rotated refresh token
// is kept.
//
// Concurrent requests with the same expiring token refresh once: calls are
// merged per user and provider in this process, the result is remembered
// for a few minutes for requests that still carry the old refresh token,
// and a Lock (the Redis one is NewRefreshLock in
// github.com/authgo/authgo/adapter/redis) extends both across instances,
// so a refresh token that rotates is never spent twice.
//
//	cfg := authgo.Config{Providers: ps, Adapter: ad}
//	r, err := refresh.New(cfg, refresh.Config{})
//	if err != nil { ... }
//	cfg.Callbacks.JWT = r.JWT
//	auth, err := authgo.New(cfg)
package refresh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/jwt"
	"github.com/authgo/authgo/providers"
	"golang.org/x/sync/singleflight"
)

// Func runs a refresh-token grant and returns the new tokens. A Func that
// gets no new refresh token back returns the old one or none (rotation is
// optional for the server).
type Func func(ctx context.Context, refreshToken string) (*providers.TokenSet, error)

// Lock serializes refreshes across instances (the Redis one is
// NewRefreshLock in github.com/authgo/authgo/adapter/redis). Do runs fn
// while holding the lock named key, unless a result stored under resultKey
// by an earlier holder is found first; then that result is returned and fn
// does not run. A result fn returns is stored under resultKey for a short
// time, so every instance that still holds the old refresh token gets the
// new tokens instead of spending a rotated refresh token. Results are
// opaque, encrypted bytes.
type Lock interface {
	Do(ctx context.Context, key, resultKey string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error)
}

// Claims of a session token that the Refresher reads and writes. They are
// the names of Auth.js's refresh-token-rotation guide, so a Next.js app
// with the same secret sees the same claims; ClaimError is the claim the
// session's Error is read from.
const (
	ClaimAccessToken  = "access_token"
	ClaimRefreshToken = "refresh_token"
	ClaimExpiresAt    = "expires_at"
	ClaimIDToken      = "id_token"
	ClaimProvider     = "provider"
	ClaimError        = "error"
)

// ErrRefreshToken is the error of a refresh that failed; compare with
// errors.Is.
var ErrRefreshToken = &authgo.Error{Type: authgo.RefreshTokenError}

// Config is what a Refresher adds to the app's authgo.Config. Every field
// is optional.
type Config struct {
	// Refresh refreshes the tokens of the provider with the given id. It
	// takes precedence over the OAuth providers of authgo.Config; use it
	// for a credentials provider whose Authorize logs into the app's own
	// backend (see providers.SetAccountTokens) and for providers with a
	// non-standard grant. Default: none.
	Refresh map[string]Func
	// Lock serializes refreshes across instances; the results it shares
	// are encrypted with the app's secret. Default: none, so refreshes are
	// serialized within this process only.
	Lock Lock
	// Leeway refreshes a token this long before it expires. Default one
	// minute.
	Leeway time.Duration
	// KeepIDToken also stores the id_token in the session token at
	// sign-in (for authgo.Auth.ProviderSignOutURL). It makes the cookie
	// larger. Default false.
	KeepIDToken bool
}

// Refresher keeps provider access tokens fresh; see the package
// documentation. A refresh that fails marks the token with error
// "RefreshTokenError" (shown as Session.Error) and is not tried again for
// that token, so a dead refresh token does not loop; the app should send
// the user to sign in again. It is safe for use by many goroutines.
type Refresher struct {
	cfg     Config
	funcs   map[string]Func
	adapter adapter.Adapter
	log     *slog.Logger
	now     func() time.Time
	codec   *jwt.Codec // encrypts the results shared through cfg.Lock
	group   singleflight.Group
	mu      sync.Mutex
	recent  map[string]recentRefresh // by hash of the old refresh token
}

// oauthRefresher is a provider with a refresh-token grant, such as
// providers.OAuth.
type oauthRefresher interface {
	ID() string
	Refresh(ctx context.Context, refreshToken string) (*providers.TokenSet, error)
}

// New returns a Refresher for the app configured by auth, the Config given
// to authgo.New (set its Callbacks.JWT to the Refresher's JWT afterwards).
// From auth it reads the Providers (each OAuth provider refreshes through
// its token endpoint), the Adapter (where Account stores rotated tokens),
// the Secret (with cfg.Lock: it encrypts the shared results; when empty,
// the AUTH_SECRET variables of the environment are read through
// auth.LookupEnv), the Logger (a line per refresh and per failure, naming
// the provider, never a token; default slog.Default()) and the clock Now
// (default time.Now).
func New(auth authgo.Config, cfg Config) (*Refresher, error) {
	if cfg.Leeway <= 0 {
		cfg.Leeway = time.Minute
	}
	r := &Refresher{cfg: cfg, funcs: map[string]Func{}, adapter: auth.Adapter, log: auth.Logger, now: auth.Now, recent: map[string]recentRefresh{}}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	for _, p := range auth.Providers {
		if op, ok := p.(oauthRefresher); ok {
			r.funcs[op.ID()] = op.Refresh
		}
	}
	maps.Copy(r.funcs, cfg.Refresh)
	if cfg.Lock != nil {
		secrets := auth.Secret
		if len(secrets) == 0 {
			secrets = authgo.SecretsFromEnv(auth.LookupEnv)
		}
		if len(secrets) == 0 {
			return nil, errors.New("refresh: Config.Lock needs the app's secret to encrypt the results it shares: set authgo.Config.Secret or AUTH_SECRET")
		}
		c, err := jwt.NewCodec(secrets, jwt.WithClock(r.now))
		if err != nil {
			return nil, fmt.Errorf("refresh: the secret: %w", err)
		}
		r.codec = c
	}
	return r, nil
}

// JWT is a JWT callback that keeps the provider's access token fresh. At
// sign-in it copies the account's tokens into the token (access_token,
// refresh_token, expires_at, provider, and id_token with KeepIDToken); on
// every other run it calls Token. Use it as authgo.Callbacks.JWT, or call
// it from your own callback.
func (r *Refresher) JWT(ctx context.Context, p authgo.JWTParams) (*authgo.Token, error) {
	if p.Token == nil {
		return nil, nil
	}
	if (p.Trigger == authgo.TriggerSignIn || p.Trigger == authgo.TriggerSignUp) && p.Account != nil {
		t := p.Token.Clone()
		if t.Extra == nil {
			t.Extra = map[string]any{}
		}
		t.Extra[ClaimProvider] = p.Account.Provider
		setTokenClaims(t, *p.Account, r.cfg.KeepIDToken)
		delete(t.Extra, ClaimError)
		return t, nil
	}
	return r.Token(ctx, p.Token)
}

// Token returns t with a fresh access token: t itself when the token is
// not about to expire (or has no expiry, or is already marked failed), a
// copy with the new tokens after a refresh, or a copy marked with error
// "RefreshTokenError" when the refresh failed. Only a provider Token
// cannot refresh is an error.
func (r *Refresher) Token(ctx context.Context, t *authgo.Token) (*authgo.Token, error) {
	if t == nil || t.Extra == nil {
		return t, nil
	}
	if e, _ := t.Extra[ClaimError].(string); e != "" {
		return t, nil
	}
	if r.fresh(int64Claim(t.Extra[ClaimExpiresAt])) {
		return t, nil
	}
	provider, _ := t.Extra[ClaimProvider].(string)
	rt, _ := t.Extra[ClaimRefreshToken].(string)
	out := t.Clone()
	if rt == "" {
		r.log.InfoContext(ctx, "authgo: access token expired and there is no refresh token", "provider", provider, "step", stepRefresh)
		out.Extra[ClaimError] = string(authgo.RefreshTokenError)
		return out, nil
	}
	ts, err := r.refresh(ctx, t.Subject, provider, rt)
	if err != nil {
		if errors.Is(err, errNoRefresher) {
			return nil, err
		}
		out.Extra[ClaimError] = string(authgo.RefreshTokenError)
		return out, nil
	}
	idToken, keepID := out.Extra[ClaimIDToken].(string)
	a := authgo.Account{IDToken: idToken}
	ts.CopyTo(&a)
	setTokenClaims(out, a, keepID)
	return out, nil
}

// Account returns acct with a fresh access token. When the token expires
// within the leeway it is refreshed and the new tokens are stored in the
// adapter's account row (through adapter.AccountUpdater when the adapter
// has it, else by linking the account again). A failed refresh is an error
// matching ErrRefreshToken, and nothing is stored.
func (r *Refresher) Account(ctx context.Context, acct authgo.Account) (*authgo.Account, error) {
	if r.fresh(acct.ExpiresAt) {
		return &acct, nil
	}
	if acct.RefreshToken == "" {
		return nil, &authgo.Error{Type: authgo.RefreshTokenError, Err: fmt.Errorf("the %s access token expired and there is no refresh token", acct.Provider)}
	}
	ts, err := r.refresh(ctx, acct.UserID, acct.Provider, acct.RefreshToken)
	if err != nil {
		if errors.Is(err, errNoRefresher) {
			return nil, err
		}
		return nil, &authgo.Error{Type: authgo.RefreshTokenError, Err: err}
	}
	next := acct
	ts.CopyTo(&next)
	if r.adapter != nil && next != acct {
		if err := storeAccount(ctx, r.adapter, next); err != nil {
			return nil, &authgo.Error{Type: authgo.AdapterError, Err: err}
		}
	}
	return &next, nil
}

// storeAccount replaces the stored account with a.
func storeAccount(ctx context.Context, ad adapter.Adapter, a authgo.Account) error {
	if up, ok := ad.(adapter.AccountUpdater); ok {
		return up.UpdateAccount(ctx, a)
	}
	if err := ad.UnlinkAccount(ctx, a.Provider, a.ProviderAccountID); err != nil {
		return err
	}
	return ad.LinkAccount(ctx, a)
}

var errNoRefresher = &authgo.Error{Type: authgo.Configuration, Err: errors.New("no refresh function for the provider: add it to authgo.Config.Providers or refresh.Config.Refresh")}

// fresh reports whether an access token that expires at exp (Unix
// seconds; zero for never) is good for longer than the leeway.
func (r *Refresher) fresh(exp int64) bool {
	return exp == 0 || r.now().Add(r.cfg.Leeway).Unix() < exp
}
