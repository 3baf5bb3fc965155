package authgo

import "net/http"

// OAuthProvider is an OAuth 2.0 or OpenID Connect provider. The package
// providers implements it over one engine; see issue #4 for the flow.
type OAuthProvider interface {
	Provider
	// FormPost reports whether the provider answers with
	// response_mode=form_post (a cross-site POST to the callback).
	FormPost() bool
}

// startOAuth begins an OAuth sign-in (POST /signin/{provider}).
func (a *Auth) startOAuth(w http.ResponseWriter, rq *request, p OAuthProvider, callbackURL string) {
	a.fail(w, rq, errorf(Configuration, "OAuth sign-in is not available yet for provider %q", p.ID()))
}

// finishOAuth completes an OAuth sign-in (GET|POST /callback/{provider}).
func (a *Auth) finishOAuth(w http.ResponseWriter, rq *request, p OAuthProvider) {
	a.fail(w, rq, errorf(Configuration, "OAuth callback is not available yet for provider %q", p.ID()))
}
