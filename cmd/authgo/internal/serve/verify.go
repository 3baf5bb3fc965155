package serve

import (
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/guardpath"
)

// verifier is the forward-auth endpoint, GET <base>/verify.
type verifier struct {
	auth     *authgo.Auth
	rules    *rules
	identity *identity
	trusted  []netip.Prefix
	base     string // the base path, /api/auth
	// signIn is the sign-in page: an absolute URL, or a path on the
	// original request's origin (no AUTH_URL).
	signIn        string
	issuer        string // the signed header's iss: the auth server's origin
	defaultScheme string
	metrics       *metrics
	log           *slog.Logger
	now           func() time.Time
}

// The decisions counted in authgo_verify_decisions_total.
const (
	decAllow       = "allow"
	decSignIn      = "unauthenticated"
	decForbid      = "forbidden"
	decUnavailable = "unavailable"
	decBad         = "bad_request"
)

// ServeHTTP answers a proxy's question: may this request through?
//
//   - 200 with the identity headers when the rules allow it;
//   - without a session: a 302 to the sign-in page with the original URL as
//     callbackUrl for a page request, or 401 (with the same URL in
//     Location) for API requests, non-GET requests and ?status=401 (nginx
//     auth_request takes only 2xx, 401 and 403);
//   - 403 when a rule denies it;
//   - 503 with Retry-After when a store the session read needs is down:
//     it fails closed;
//   - 400 when the forwarding headers cannot be trusted or read.
//
// It never writes a cookie or a session row (authgo.Auth.PeekSession).
func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	v.metrics.verify.WithLabelValues(v.serve(w, r)).Inc()
}

func (v *verifier) serve(w http.ResponseWriter, r *http.Request) string {
	// The escaped path, so that the original path's escapes (%2F) reach
	// the rules as the app's router will see them.
	suffix := strings.TrimPrefix(r.URL.EscapedPath(), v.base+"/verify")
	o, err := readOriginal(r, suffix, peerTrusted(r, v.trusted), v.defaultScheme)
	if err != nil {
		v.log.WarnContext(r.Context(), "authgo serve: verify refused", "reason", err.Error(), "peer", r.RemoteAddr)
		http.Error(w, "verify: "+err.Error(), http.StatusBadRequest)
		return decBad
	}
	// The session cookie is the browser's: the proxy passes it on.
	s, err := v.auth.PeekSession(r)
	if err != nil {
		v.log.ErrorContext(r.Context(), "authgo serve: verify cannot read the session; refusing", "err", err)
		w.Header().Set("Retry-After", "5")
		http.Error(w, "The sign-in service is unavailable. Try again in a moment.", http.StatusServiceUnavailable)
		return decUnavailable
	}
	verdict, by := v.rules.decide(o.host, o.port, guardpath.Readings(o.request()), s, v.auth.HasRole)
	switch verdict {
	case allow:
		iss := v.issuer
		if iss == "" {
			iss = o.origin() // AUTH_TRUST_HOST: the auth endpoints are on the app's host
		}
		if err := v.identity.set(w.Header(), s, v.auth.HasRole, iss, o.origin(), v.now()); err != nil {
			v.log.ErrorContext(r.Context(), "authgo serve: signing the identity header failed", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return decUnavailable
		}
		w.WriteHeader(http.StatusOK)
		return decAllow
	case forbid:
		v.log.InfoContext(r.Context(), "authgo serve: verify denied", "rule", by.String(), "host", o.host)
		http.Error(w, "You do not have access to this page.", http.StatusForbidden)
		return decForbid
	}
	loc := v.signInURL(o)
	w.Header().Set("Location", loc)
	if r.URL.Query().Get("status") == "401" && suffix == "" || o.method != http.MethodGet && o.method != http.MethodHead || wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"Unauthorized"}`))
		return decSignIn
	}
	w.WriteHeader(http.StatusFound)
	return decSignIn
}

// signInURL is the sign-in page with the original URL as callbackUrl.
func (v *verifier) signInURL(o *original) string {
	page := v.signIn
	if strings.HasPrefix(page, "/") {
		page = o.origin() + page
	}
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	return page + sep + "callbackUrl=" + url.QueryEscape(o.String())
}

// wantsJSON reports whether the client asked for JSON (an API call): it
// gets 401, not a redirect it cannot follow.
func wantsJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}
