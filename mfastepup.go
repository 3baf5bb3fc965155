package authgo

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/authgo/authgo/internal/cookie"
)

// Step-up: guards for sensitive actions ("change password", "delete
// account", an admin area) that need a recent sign-in or a given factor,
// and the re-issue of a session with a factor it proved later.

// RequireFreshAuth returns middleware that lets through only sessions that
// began (Session.AuthTime) less than maxAge ago. Others are sent to sign
// in again and come back (callbackUrl) — with a second factor when the
// user has one; API requests get 401 {"error":"FreshAuthRequired"}.
// Signed-out requests are answered as RequireAuth answers them.
func (a *Auth) RequireFreshAuth(maxAge time.Duration) func(http.Handler) http.Handler {
	return a.stepUpGuard(func(w http.ResponseWriter, r *http.Request, s *Session) bool {
		return a.checkFresh(w, r, s, maxAge)
	})
}

// RequireFactor returns middleware that lets through only sessions whose
// amr holds one of methods (amr.OTP, amr.MultiFactor, ...). A user who has a
// second factor is sent to prove it (two-factor/challenge) and comes back
// with it in the session; one who has none is sent to set it up first.
// API requests get 403 {"error":"FactorRequired","methods":[...]}.
func (a *Auth) RequireFactor(methods ...string) func(http.Handler) http.Handler {
	return a.stepUpGuard(func(w http.ResponseWriter, r *http.Request, s *Session) bool {
		return a.checkFactor(w, r, s, methods)
	})
}

// CheckFreshAuth is RequireFreshAuth for a handler: it returns the session
// when it began less than maxAge ago; otherwise it has answered w (a
// redirect to sign in again, or 401 JSON) and returns nil.
func (a *Auth) CheckFreshAuth(w http.ResponseWriter, r *http.Request, maxAge time.Duration) *Session {
	return a.checkStepUp(w, r, func(s *Session) bool { return a.checkFresh(w, r, s, maxAge) })
}

// CheckFactor is RequireFactor for a handler: it returns the session when
// its amr holds one of methods; otherwise it has answered w (a redirect to
// the challenge, or 403 JSON) and returns nil.
func (a *Auth) CheckFactor(w http.ResponseWriter, r *http.Request, methods ...string) *Session {
	return a.checkStepUp(w, r, func(s *Session) bool { return a.checkFactor(w, r, s, methods) })
}

func (a *Auth) checkStepUp(w http.ResponseWriter, r *http.Request, pass func(*Session) bool) *Session {
	s, ok := a.readForRequest(w, r)
	if !ok {
		return nil
	}
	if s == nil || s.User == nil {
		a.unauthenticated(w, r)
		return nil
	}
	if !pass(s) {
		return nil
	}
	return s
}

func (a *Auth) stepUpGuard(pass func(http.ResponseWriter, *http.Request, *Session) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r, s, ok := a.guard(w, r)
			switch {
			case !ok:
			case s == nil || s.User == nil:
				a.unauthenticated(w, r)
			case pass(w, r, s):
				next.ServeHTTP(w, r)
			}
		})
	}
}

// checkFresh passes a session younger than maxAge, else answers w.
func (a *Auth) checkFresh(w http.ResponseWriter, r *http.Request, s *Session, maxAge time.Duration) bool {
	if a.signedInWithin(s, maxAge) {
		return true
	}
	a.log.InfoContext(r.Context(), "authgo: fresh sign-in required", "path", r.URL.Path, "max_age", maxAge.String())
	if a.isAPI(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "FreshAuthRequired", "maxAge": int(maxAge.Seconds())})
		return false
	}
	a.unauthenticated(w, r)
	return false
}

// checkFactor passes a session whose amr holds one of methods, else
// answers w.
func (a *Auth) checkFactor(w http.ResponseWriter, r *http.Request, s *Session, methods []string) bool {
	if hasMethod(s, methods...) {
		return true
	}
	a.log.InfoContext(r.Context(), "authgo: second factor required", "path", r.URL.Path, "methods", strings.Join(methods, ","))
	if a.isAPI(r) || a.twoFactor == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		writeJSON(w, http.StatusForbidden, map[string]any{"error": "FactorRequired", "methods": methods})
		return false
	}
	step := "two-factor/challenge"
	if st, err := a.TwoFactorStatus(r.Context(), sessionUser(s)); err == nil && !st.Enabled {
		step = "two-factor/enroll"
	}
	rq := a.newRequest(r)
	http.Redirect(w, r, withQuery(rq.actionURL(a, step), "callbackUrl", backPath(r)), http.StatusFound)
	return false
}

// backPath is the path and query of r, to come back to.
func backPath(r *http.Request) string {
	cb := r.URL.EscapedPath()
	if cb == "" || !strings.HasPrefix(cb, "/") || strings.HasPrefix(cb, "//") {
		cb = "/"
	}
	if r.URL.RawQuery != "" {
		cb += "?" + r.URL.RawQuery
	}
	return cb
}

// addSessionMethods re-issues the session s of rq with more methods in its
// amr: a JWT is encoded again (same session id and sign-in time); a
// database session is replaced by a new row (a new token, as a change of
// privilege calls for) whose token records the methods.
func (a *Auth) addSessionMethods(ctx context.Context, w http.ResponseWriter, rq *request, s *Session, more ...string) error {
	if a.cfg.Session.Strategy == StrategyDatabase {
		return a.upgradeDatabaseSession(ctx, w, rq, more)
	}
	if s.Token == nil {
		return errorf(JWTSessionError, "step-up of a session without a token")
	}
	tok := s.Token.Clone()
	if tok.Extra == nil {
		tok.Extra = map[string]any{}
	}
	tok.Extra[amrClaim] = withMethods(tokenAMR(tok), more...)
	expires, maxAge := a.sessionExpiry(tokenSignInTime(tok), a.now())
	o := rq.cookies.SessionToken
	value, err := a.codec.Encode(tok, o.Name, maxAge)
	if err != nil {
		return errorf(JWTSessionError, "encode session token: %w", err)
	}
	cookie.WriteChunked(w, rq.r, o, value, expires)
	return nil
}

func (a *Auth) upgradeDatabaseSession(ctx context.Context, w http.ResponseWriter, rq *request, more []string) error {
	ad, o := a.cfg.Adapter, rq.cookies.SessionToken
	old := cookie.Value(rq.r, o.Name)
	row, err := ad.GetSession(ctx, old)
	if err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	if row == nil {
		return errorf(SessionTokenError, "the session ended during the step-up")
	}
	next := *row
	next.SessionToken = a.cfg.Session.GenerateToken() + methodsSuffix(withMethods(tokenMethods(old), more...))
	created, err := ad.CreateSession(ctx, next)
	if err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	if created != nil {
		next = *created
	}
	a.sessionCache.forget(old)
	if _, err := ad.DeleteSession(ctx, old); err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	cookie.Write(w, o.Cookie(next.SessionToken, next.Expires))
	return nil
}

// A database session's methods are the end of its token, after "~":
// "<random>~pwd.otp.mfa". The token is the row's key, so the end cannot
// be changed without losing the session; no column is needed.
const methodsSep = "~"

var methodPattern = regexp.MustCompile(`^[a-z_]{1,16}$`)

// methodsSuffix is the end of a database session token that records
// methods; "" for none.
func methodsSuffix(methods []string) string {
	if len(methods) == 0 {
		return ""
	}
	return methodsSep + strings.Join(methods, ".")
}

// sessionTokenMethods is the end of a new database session's token: the
// methods, when the second factor is on (else tokens look as Auth.js's).
func (a *Auth) sessionTokenMethods(methods []string) string {
	if a.twoFactor == nil {
		return ""
	}
	return methodsSuffix(methods)
}

// tokenMethods reads the methods a database session token records.
func tokenMethods(token string) []string {
	i := strings.LastIndex(token, methodsSep)
	if i < 0 {
		return nil
	}
	var out []string
	for m := range strings.SplitSeq(token[i+1:], ".") {
		if methodPattern.MatchString(m) {
			out = append(out, m)
		}
	}
	return out
}
