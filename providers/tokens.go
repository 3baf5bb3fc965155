package providers

import (
	"context"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/internal/signin"
)

// TokenSet is a provider's token response (RFC 6749 §5.1), as a
// ProfileFunc, a FetchProfileFunc and a refresh.Func see it. Every field is
// empty (zero) when the provider sent none.
type TokenSet struct {
	// AccessToken is the access token.
	AccessToken string `json:"access_token,omitempty"`
	// RefreshToken is the refresh token.
	RefreshToken string `json:"refresh_token,omitempty"`
	// IDToken is the OpenID Connect ID token.
	IDToken string `json:"id_token,omitempty"`
	// TokenType is the token type, lower-cased ("bearer", "dpop").
	TokenType string `json:"token_type,omitempty"`
	// Scope is the granted scope, space-separated.
	Scope string `json:"scope,omitempty"`
	// ExpiresAt is when the access token expires, Unix seconds: now +
	// expires_in, as Auth.js computes it.
	ExpiresAt int64 `json:"expires_at,omitempty"`
	// SessionState is the OpenID Connect session_state, if any.
	SessionState string `json:"session_state,omitempty"`
}

// CopyTo writes ts into the token fields of a, the one place where a token
// response becomes an account's tokens (at sign-in, and after a refresh).
// AccessToken and ExpiresAt are always written; RefreshToken, IDToken,
// TokenType (lower-cased), Scope and SessionState only when ts has them, so
// a refresh answer that leaves one out (a provider that keeps the refresh
// token) keeps the account's.
func (ts TokenSet) CopyTo(a *authgo.Account) {
	a.AccessToken, a.ExpiresAt = ts.AccessToken, ts.ExpiresAt
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&a.RefreshToken, ts.RefreshToken},
		{&a.IDToken, ts.IDToken},
		{&a.TokenType, strings.ToLower(ts.TokenType)},
		{&a.Scope, ts.Scope},
		{&a.SessionState, ts.SessionState},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
}

// SetAccountTokens records, from inside a credentials provider's
// Authorize, the tokens the app's own backend returned at login (the
// "existing backend" case). They land on the sign-in's Account (see
// CopyTo), so refresh.Refresher.JWT keeps them in the session token and
// refreshes them with the refresh.Func configured for the provider. It
// reports false when ctx is not the context of a credentials sign-in.
func SetAccountTokens(ctx context.Context, ts TokenSet) bool {
	a := signin.Account(ctx)
	if a == nil {
		return false
	}
	ts.CopyTo(a)
	return true
}

// OAuthError is a failed step of an OAuth or OIDC flow, or of a refresh:
// every error of OAuth's methods is one. Its fields are Provider (the
// provider's id), Step (the step that failed: "discovery", "authorize",
// "check", "token", "id_token", "userinfo", "profile" or "refresh"), Type
// (the Auth.js error type the sign-in fails with; empty means
// OAuthCallbackError), Code (the provider's error code, such as
// invalid_grant, if any) and Err (the cause). Its message never holds a
// token, a code or a secret.
type OAuthError = oauth.Error
