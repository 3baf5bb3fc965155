package providers

import (
	"context"
	"errors"
	"net/url"

	"github.com/authgo/authgo/internal/oauth"
	"golang.org/x/oauth2"
)

// The refresh-token grant and RP-initiated logout.

// Refresh runs the refresh-token grant. When the provider sends no new
// refresh token, the old one is kept (x/oauth2 does so).
func (o *OAuth) Refresh(ctx context.Context, refreshToken string) (*TokenSet, error) {
	if refreshToken == "" {
		return nil, o.fail(oauth.StepRefresh, "", errors.New("no refresh token"))
	}
	d, err := o.discover(ctx)
	if err != nil {
		return nil, err
	}
	conf, err := o.oauth2Config(ctx, d, "")
	if err != nil {
		return nil, err
	}
	tok, err := conf.TokenSource(o.withClient(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, o.tokenError(oauth.StepRefresh, err)
	}
	ts := o.tokenSet(tok)
	return &ts, nil
}

// EndSessionURL returns the provider's end_session_endpoint with
// id_token_hint, client_id, post_logout_redirect_uri and state (OpenID
// Connect RP-Initiated Logout 1.0 §2). It fails when the provider has no
// such endpoint.
func (o *OAuth) EndSessionURL(ctx context.Context, idTokenHint, postLogoutRedirectURI, state string) (string, error) {
	d, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	if d.endSession == "" {
		return "", o.fail(oauth.StepDiscovery, "", errors.New("the provider has no end_session_endpoint"))
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		return "", o.fail(oauth.StepDiscovery, "", err)
	}
	q := u.Query()
	q.Set("client_id", o.cfg.ClientID)
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if postLogoutRedirectURI != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirectURI)
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

var (
	_ oauth.Provider   = (*OAuth)(nil)
	_ oauth.EndSession = (*OAuth)(nil)
)
