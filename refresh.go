package authgo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/jwt"
	"golang.org/x/sync/singleflight"
)

// AccountUpdater is implemented by adapters that can replace the tokens of
// a stored account in place; see adapter.AccountUpdater. TokenRefresher
// uses it to persist rotated tokens; without it the account is unlinked and
// linked again.
type AccountUpdater = adapter.AccountUpdater

// RefreshFunc runs a refresh-token grant and returns the new tokens. A
// RefreshFunc that gets no new refresh token back returns the old one
// (rotation is optional for the server).
type RefreshFunc func(ctx context.Context, refreshToken string) (*TokenSet, error)

// RefreshLock serializes refreshes across instances (see
// NewRedisRefreshLock). Do runs fn while holding the lock named key,
// unless a result stored under resultKey by an earlier holder is found
// first; then that result is returned and fn does not run. A result fn
// returns is stored under resultKey for a short time, so every instance
// that still holds the old refresh token gets the new tokens instead of
// spending a rotated refresh token. Results are opaque, encrypted bytes.
type RefreshLock interface {
	Do(ctx context.Context, key, resultKey string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error)
}

// Claims of a session token that TokenRefresher reads and writes. They are
// the names of Auth.js's refresh-token-rotation guide, so a Next.js app
// with the same secret sees the same claims.
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
var ErrRefreshToken = &Error{Type: RefreshTokenError}

// TokenRefresherConfig configures a TokenRefresher.
type TokenRefresherConfig struct {
	// Providers are the providers whose tokens are refreshed: every
	// OAuthProvider among them refreshes through its token endpoint.
	// Usually the same list as Config.Providers.
	Providers []Provider
	// Refresh refreshes the tokens of the provider with the given id. It
	// takes precedence over Providers; use it for a credentials provider
	// whose Authorize logs into the app's own backend (see
	// SetAccountTokens) and for providers with a non-standard grant.
	Refresh map[string]RefreshFunc
	// Adapter is where Account persists rotated tokens.
	Adapter adapter.Adapter
	// Lock serializes refreshes across instances. Without it, refreshes
	// are serialized within this process only.
	Lock RefreshLock
	// Secret encrypts the results shared through Lock (use AUTH_SECRET).
	// Required with Lock.
	Secret []string
	// Leeway refreshes a token this long before it expires. Default one
	// minute.
	Leeway time.Duration
	// KeepIDToken also stores the id_token in the session token at
	// sign-in (for ProviderSignOutURL). It makes the cookie larger.
	KeepIDToken bool
	// Logger receives a line per refresh and per failure, naming the
	// provider, never a token. Default slog.Default().
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// TokenRefresher keeps provider access tokens fresh: in the session token
// (use JWT as Callbacks.JWT, or call Token from your own JWT callback) or
// in a stored account row (Account). A token that expires within Leeway is
// refreshed with the refresh-token grant, and the rotated refresh token is
// kept.
//
// Concurrent requests with the same expiring token refresh once: calls are
// merged per user and provider in this process, the result is remembered
// for a few minutes for requests that still carry the old refresh token,
// and Lock extends both across instances. A refresh that fails marks the
// token with error "RefreshTokenError" (shown as Session.Error) and is not
// tried again for that token, so a dead refresh token does not loop; the
// app should send the user to sign in again.
type TokenRefresher struct {
	cfg    TokenRefresherConfig
	funcs  map[string]RefreshFunc
	codec  *jwt.Codec
	group  singleflight.Group
	mu     sync.Mutex
	recent map[string]recentRefresh // by hash of the old refresh token
}

type recentRefresh struct {
	ts    TokenSet
	until time.Time
}

const (
	refreshResultSalt = "authgo.refresh-result"
	recentRefreshTTL  = 2 * time.Minute
	maxRecentRefresh  = 10000
	maxRefreshHops    = 3
	refreshTimeout    = 30 * time.Second
)

// NewTokenRefresher returns a TokenRefresher for cfg.
func NewTokenRefresher(cfg TokenRefresherConfig) (*TokenRefresher, error) {
	if cfg.Leeway <= 0 {
		cfg.Leeway = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	r := &TokenRefresher{cfg: cfg, funcs: map[string]RefreshFunc{}, recent: map[string]recentRefresh{}}
	for _, p := range cfg.Providers {
		if op, ok := p.(OAuthProvider); ok {
			r.funcs[p.ID()] = op.Refresh
		}
	}
	maps.Copy(r.funcs, cfg.Refresh)
	if cfg.Lock != nil {
		if len(cfg.Secret) == 0 {
			return nil, configErr("TokenRefresherConfig.Lock needs Secret to encrypt the shared results")
		}
		c, err := jwt.NewCodec(cfg.Secret, jwt.WithClock(cfg.Now))
		if err != nil {
			return nil, configErr("TokenRefresherConfig.Secret: %v", err)
		}
		r.codec = c
	}
	return r, nil
}

// JWT is a JWT callback that keeps the provider's access token fresh. At
// sign-in it copies the account's tokens into the token (access_token,
// refresh_token, expires_at, provider, and id_token with KeepIDToken); on
// every other run it calls Token. Use it as Callbacks.JWT, or call it from
// your own callback.
func (r *TokenRefresher) JWT(ctx context.Context, p JWTParams) (*Token, error) {
	if p.Token == nil {
		return nil, nil
	}
	if (p.Trigger == TriggerSignIn || p.Trigger == TriggerSignUp) && p.Account != nil {
		t := p.Token.Clone()
		if t.Extra == nil {
			t.Extra = map[string]any{}
		}
		a := p.Account
		t.Extra[ClaimProvider] = a.Provider
		setClaim(t, ClaimAccessToken, a.AccessToken)
		setClaim(t, ClaimRefreshToken, a.RefreshToken)
		if a.ExpiresAt != 0 {
			t.Extra[ClaimExpiresAt] = a.ExpiresAt
		} else {
			delete(t.Extra, ClaimExpiresAt)
		}
		if r.cfg.KeepIDToken {
			setClaim(t, ClaimIDToken, a.IDToken)
		}
		delete(t.Extra, ClaimError)
		return t, nil
	}
	return r.Token(ctx, p.Token)
}

func setClaim(t *Token, k, v string) {
	if v == "" {
		delete(t.Extra, k)
		return
	}
	t.Extra[k] = v
}

// Token returns t with a fresh access token: t itself when the token is
// not about to expire (or has no expiry, or is already marked failed), a
// copy with the new tokens after a refresh, or a copy marked with error
// "RefreshTokenError" when the refresh failed. Only a provider Token
// cannot refresh is an error.
func (r *TokenRefresher) Token(ctx context.Context, t *Token) (*Token, error) {
	if t == nil || t.Extra == nil {
		return t, nil
	}
	if e, _ := t.Extra[ClaimError].(string); e != "" {
		return t, nil
	}
	exp := int64Claim(t.Extra[ClaimExpiresAt])
	if exp == 0 || r.cfg.Now().Add(r.cfg.Leeway).Unix() < exp {
		return t, nil
	}
	provider, _ := t.Extra[ClaimProvider].(string)
	rt, _ := t.Extra[ClaimRefreshToken].(string)
	out := t.Clone()
	if rt == "" {
		r.cfg.Logger.InfoContext(ctx, "authgo: access token expired and there is no refresh token", "provider", provider, "step", StepRefresh)
		out.Extra[ClaimError] = string(RefreshTokenError)
		return out, nil
	}
	ts, err := r.refresh(ctx, t.Subject, provider, rt)
	if err != nil {
		if errors.Is(err, errNoRefresher) {
			return nil, err
		}
		out.Extra[ClaimError] = string(RefreshTokenError)
		return out, nil
	}
	setClaim(out, ClaimAccessToken, ts.AccessToken)
	setClaim(out, ClaimRefreshToken, ts.RefreshToken)
	if ts.ExpiresAt != 0 {
		out.Extra[ClaimExpiresAt] = ts.ExpiresAt
	} else {
		delete(out.Extra, ClaimExpiresAt)
	}
	if _, ok := out.Extra[ClaimIDToken]; ok && ts.IDToken != "" {
		out.Extra[ClaimIDToken] = ts.IDToken
	}
	return out, nil
}

// Account returns acct with a fresh access token. When the token expires
// within Leeway it is refreshed and the new tokens are stored in the
// adapter's account row (through AccountUpdater when the adapter has it,
// else by linking the account again). A failed refresh is an error
// matching ErrRefreshToken, and nothing is stored.
func (r *TokenRefresher) Account(ctx context.Context, acct Account) (*Account, error) {
	if acct.ExpiresAt == 0 || r.cfg.Now().Add(r.cfg.Leeway).Unix() < acct.ExpiresAt {
		return &acct, nil
	}
	if acct.RefreshToken == "" {
		return nil, &Error{Type: RefreshTokenError, Err: fmt.Errorf("the %s access token expired and there is no refresh token", acct.Provider)}
	}
	ts, err := r.refresh(ctx, acct.UserID, acct.Provider, acct.RefreshToken)
	if err != nil {
		if errors.Is(err, errNoRefresher) {
			return nil, err
		}
		return nil, &Error{Type: RefreshTokenError, Err: err}
	}
	next := acct
	next.AccessToken = ts.AccessToken
	if ts.RefreshToken != "" {
		next.RefreshToken = ts.RefreshToken
	}
	next.ExpiresAt = ts.ExpiresAt
	if ts.IDToken != "" {
		next.IDToken = ts.IDToken
	}
	if ts.TokenType != "" {
		next.TokenType = ts.TokenType
	}
	if ts.Scope != "" {
		next.Scope = ts.Scope
	}
	if ad := r.cfg.Adapter; ad != nil && next != acct {
		if err := storeAccount(ctx, ad, next); err != nil {
			return nil, &Error{Type: AdapterErrorType, Err: err}
		}
	}
	return &next, nil
}

// storeAccount replaces the stored account with a.
func storeAccount(ctx context.Context, ad adapter.Adapter, a Account) error {
	if up, ok := ad.(AccountUpdater); ok {
		return up.UpdateAccount(ctx, a)
	}
	if err := ad.UnlinkAccount(ctx, a.Provider, a.ProviderAccountID); err != nil {
		return err
	}
	return ad.LinkAccount(ctx, a)
}

var errNoRefresher = &Error{Type: Configuration, Err: errors.New("no refresh function for the provider: add it to TokenRefresherConfig.Providers or .Refresh")}

func hashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// refresh refreshes rt once per user and provider at a time, and answers a
// refresh token refreshed a moment ago with its result while that result's
// access token is still fresh (by the same Leeway as a token in a cookie).
// A remembered result whose access token has expired is not handed out: the
// refresh token it rotated to is followed instead, so a request that still
// carries an old cookie ends with a live access token or RefreshTokenError,
// never with a dead access token.
func (r *TokenRefresher) refresh(ctx context.Context, userID, provider, rt string) (*TokenSet, error) {
	fn, ok := r.funcs[provider]
	if !ok {
		return nil, errNoRefresher
	}
	for range maxRefreshHops {
		ts, next := r.recentResult(hashToken(rt))
		if ts != nil {
			return ts, nil
		}
		if next == "" {
			break
		}
		rt = next
	}
	h := hashToken(rt)
	key := provider + "\x00" + userID
	v, err, _ := r.group.Do(key, func() (any, error) {
		if ts, _ := r.recentResult(h); ts != nil {
			return ts, nil
		}
		// The work is shared, so it must not end with the first caller's
		// request.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		ts, err := r.run(wctx, fn, key, provider, rt)
		if err != nil {
			r.cfg.Logger.WarnContext(ctx, "authgo: token refresh failed", "provider", provider, "step", StepRefresh, "err", err)
			return nil, err
		}
		r.cfg.Logger.InfoContext(ctx, "authgo: token refreshed", "provider", provider, "rotated", ts.RefreshToken != rt)
		return ts, nil
	})
	if err != nil {
		return nil, err
	}
	ts := *v.(*TokenSet)
	return &ts, nil
}

// run calls fn for rt, under the cross-instance lock when there is one, and
// remembers the result. A result another instance shared under the lock is
// used only while its access token is fresh; a stale one is followed to the
// refresh token it rotated to, at most maxRefreshHops times.
func (r *TokenRefresher) run(ctx context.Context, fn RefreshFunc, key, provider, rt string) (*TokenSet, error) {
	for hop := 0; ; hop++ {
		ts, shared, err := r.runOnce(ctx, fn, key, provider, rt)
		if err != nil {
			return nil, err
		}
		r.remember(hashToken(rt), *ts)
		if !shared || r.fresh(ts) || ts.RefreshToken == rt || hop == maxRefreshHops {
			return ts, nil
		}
		rt = ts.RefreshToken
	}
}

// runOnce calls fn for rt, or, with a Lock, takes the result of the
// instance holding it; shared reports that fn did not run here.
func (r *TokenRefresher) runOnce(ctx context.Context, fn RefreshFunc, key, provider, rt string) (ts *TokenSet, shared bool, err error) {
	call := func(ctx context.Context) (*TokenSet, error) {
		ts, err := fn(ctx, rt)
		if err != nil {
			return nil, err
		}
		if ts == nil || ts.AccessToken == "" {
			return nil, fmt.Errorf("the %s refresh answered no access token", provider)
		}
		out := *ts
		if out.RefreshToken == "" {
			out.RefreshToken = rt
		}
		return &out, nil
	}
	if r.cfg.Lock == nil {
		ts, err := call(ctx)
		return ts, false, err
	}
	type sealed struct {
		TS TokenSet `json:"ts"`
	}
	ran := false
	b, err := r.cfg.Lock.Do(ctx, hashToken(key), hashToken(rt), func(ctx context.Context) ([]byte, error) {
		ran = true
		ts, err := call(ctx)
		if err != nil {
			return nil, err
		}
		s, err := r.codec.Encode(sealed{TS: *ts}, refreshResultSalt, recentRefreshTTL)
		return []byte(s), err
	})
	if err != nil {
		return nil, false, err
	}
	var s sealed
	if err := r.codec.DecodeInto(string(b), refreshResultSalt, &s); err != nil {
		return nil, false, fmt.Errorf("shared refresh result: %w", err)
	}
	return &s.TS, !ran, nil
}

// fresh reports whether ts's access token is good for longer than Leeway,
// the rule a token in a cookie is held to.
func (r *TokenRefresher) fresh(ts *TokenSet) bool {
	return ts.ExpiresAt == 0 || r.cfg.Now().Add(r.cfg.Leeway).Unix() < ts.ExpiresAt
}

// recentResult returns the result remembered for the refresh token hashed
// as h while its access token is fresh. For a stale one it returns next,
// the refresh token that result rotated to (empty when it did not rotate).
func (r *TokenRefresher) recentResult(h string) (ts *TokenSet, next string) {
	r.mu.Lock()
	e, ok := r.recent[h]
	r.mu.Unlock()
	if !ok || r.cfg.Now().After(e.until) {
		return nil, ""
	}
	if !r.fresh(&e.ts) {
		if hashToken(e.ts.RefreshToken) == h {
			return nil, ""
		}
		return nil, e.ts.RefreshToken
	}
	return &e.ts, ""
}

func (r *TokenRefresher) remember(h string, ts TokenSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.cfg.Now()
	if len(r.recent) >= maxRecentRefresh {
		for k, e := range r.recent {
			if now.After(e.until) {
				delete(r.recent, k)
			}
		}
		if len(r.recent) >= maxRecentRefresh {
			clear(r.recent)
		}
	}
	r.recent[h] = recentRefresh{ts: ts, until: now.Add(recentRefreshTTL)}
}

// int64Claim reads a numeric claim as decoded from JSON.
func int64Claim(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case json.Number:
		n, _ := x.Int64()
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

type signInAccountKey struct{}

// withSignInAccount gives a credentials provider's Authorize the account of
// the sign-in, for SetAccountTokens.
func withSignInAccount(ctx context.Context, a *Account) context.Context {
	return context.WithValue(ctx, signInAccountKey{}, a)
}

// SetAccountTokens records, from inside a credentials provider's
// Authorize, the tokens the app's own backend returned at login (the
// "existing backend" case). They land on the sign-in's Account, so
// TokenRefresher.JWT keeps them in the session token and refreshes them
// with the RefreshFunc configured for the provider. It reports false when
// ctx is not the context of a credentials sign-in.
func SetAccountTokens(ctx context.Context, ts TokenSet) bool {
	a, ok := ctx.Value(signInAccountKey{}).(*Account)
	if !ok || a == nil {
		return false
	}
	a.AccessToken, a.RefreshToken, a.IDToken = ts.AccessToken, ts.RefreshToken, ts.IDToken
	a.ExpiresAt, a.TokenType, a.Scope = ts.ExpiresAt, ts.TokenType, ts.Scope
	return true
}
