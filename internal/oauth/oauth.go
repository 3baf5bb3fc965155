// Package oauth is the contract between authgo's OAuth flow and its one
// engine. The root package keeps what Auth.js keeps in the browser (the
// check cookies, the state JWE, account linking, the session); package
// providers implements the provider's side (x/oauth2 and go-oidc) in
// providers.OAuth. The contract lives here, below both, because providers
// imports the root package; users never implement it, they configure
// providers.OAuth2, providers.OIDC or a preset.
package oauth

import (
	"context"
	"net/url"
	"strings"

	"github.com/authgo/authgo/adapter"
)

// Provider is an OAuth 2.0 or OpenID Connect provider, as the root
// package's sign-in and callback actions drive it.
type Provider interface {
	ID() string
	Name() string
	Type() string
	// FormPost reports whether the provider answers with
	// response_mode=form_post (a cross-site POST to the callback).
	FormPost() bool
	// Checks returns the checks the flow uses. It may run OIDC discovery
	// (a provider whose metadata lacks PKCE S256 drops PKCE, as Auth.js
	// does), so it can fail; the error is an *Error.
	Checks(ctx context.Context) (Checks, error)
	// AuthCodeURL returns the authorization URL the browser is sent to.
	AuthCodeURL(ctx context.Context, req AuthorizationRequest) (string, error)
	// Exchange completes the flow at the provider: it trades the code for
	// tokens, verifies the ID token (signature, iss, aud, azp, exp, iat,
	// nonce), fetches the user info and maps the profile to a user. Every
	// failure is an *Error naming the step.
	Exchange(ctx context.Context, req CallbackRequest) (*Result, error)
	// AllowDangerousEmailAccountLinking reports whether a new account of
	// this provider may be linked to an existing user with the same email
	// address (Auth.js's allowDangerousEmailAccountLinking).
	AllowDangerousEmailAccountLinking() bool
}

// EndSession is a Provider that supports OpenID Connect RP-initiated
// logout (its discovery document has end_session_endpoint).
type EndSession interface {
	// EndSessionURL returns the URL that ends the user's session at the
	// provider. idTokenHint is the ID token of the sign-in (it may be
	// empty); postLogoutRedirectURI must be registered at the provider.
	EndSessionURL(ctx context.Context, idTokenHint, postLogoutRedirectURI, state string) (string, error)
}

// Checks are the browser-bound checks of an authorization code flow.
type Checks struct {
	PKCE  bool // RFC 7636 PKCE with S256
	State bool // the state parameter (RFC 6749 §10.12)
	Nonce bool // the OIDC nonce, checked in the ID token
}

// AuthorizationRequest is what the root package gives a provider to build
// the authorization URL. State, Nonce and CodeChallenge are empty when the
// check is off.
type AuthorizationRequest struct {
	RedirectURI   string
	State         string
	Nonce         string
	CodeChallenge string // S256 of the verifier
	// Params are extra authorization parameters from the sign-in request
	// (its query string), e.g. prompt or login_hint, as Auth.js passes
	// them. They never hold a protocol parameter (scope, response_type,
	// client_id, redirect_uri, state, nonce, code_challenge,
	// code_challenge_method, response_mode, claims, request, request_uri);
	// a provider adds them only where it has no value of its own, so a
	// configured parameter (prompt=consent, acr_values) always wins.
	Params url.Values
}

// CallbackRequest is what the root package gives a provider to finish the
// flow: the callback parameters and the checked values of the check
// cookies.
type CallbackRequest struct {
	RedirectURI  string
	Params       url.Values // the query, or the form_post body
	CodeVerifier string     // empty when PKCE is off
	Nonce        string     // empty when the nonce check is off
}

// Result is a completed flow at the provider.
type Result struct {
	// Account is the provider account with the tokens of the sign-in:
	// Type, Provider, ProviderAccountID (the provider's id of the user)
	// and the token fields are set, UserID is left to the root package.
	Account adapter.Account
	// Profile is the raw profile: the ID token claims for OIDC, the user
	// info response for OAuth 2 (plus what a preset adds, e.g. Apple's
	// user form field).
	Profile map[string]any
	// User is the profile mapped to a user. User.ID is the provider's
	// account id; the root package replaces it with the stored user's id
	// or a stable derived one.
	User adapter.User
}

// The steps of a flow, as Error.Step names them in logs.
const (
	StepDiscovery = "discovery"
	StepAuthorize = "authorize"
	StepCheck     = "check"
	StepToken     = "token"
	StepIDToken   = "id_token"
	StepUserinfo  = "userinfo"
	StepProfile   = "profile"
	StepRefresh   = "refresh"
)

// Error is a failed step of an OAuth or OIDC flow. Its message never holds
// a token, a code or a secret: only the provider, the step, the provider's
// error code and a cause written for logs.
type Error struct {
	// Provider is the provider's id.
	Provider string
	// Step is the step that failed: one of the Step constants.
	Step string
	// Type is the Auth.js error type (an authgo.ErrorType) the request
	// fails with; empty means OAuthCallbackError.
	Type string
	// Code is the provider's error code (e.g. invalid_grant), if any.
	Code string
	// Err is the cause.
	Err error
}

// Error names the provider, the step and the cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("oauth")
	if e.Provider != "" {
		b.WriteString(" " + e.Provider)
	}
	b.WriteString(": " + e.Step)
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
