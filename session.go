package authgo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/jwt"
)

// lastSeenEvery is how often a database session's LastSeenAt is written.
const lastSeenEvery = time.Hour

// SessionRecord is a database session row.
type SessionRecord = adapter.Session

// sessionRead is one read of the session of a request: what a handler gets,
// and the cookies to write back.
type sessionRead struct {
	session *Session
	// write sets the refreshed cookie (or clears a dead one) on w; nil
	// when there is nothing to write.
	write func(w http.ResponseWriter)
}

// readSession reads, checks and refreshes the session of rq, as GET
// /session does. It returns a nil session when there is none or it is
// invalid (then write clears the cookies). Only a failing store is an
// error.
func (a *Auth) readSession(ctx context.Context, rq *request, trigger Trigger, data any) (*sessionRead, error) {
	if a.cfg.Session.Strategy == StrategyDatabase {
		return a.readDatabaseSession(ctx, rq, trigger, data)
	}
	return a.readJWTSession(ctx, rq, trigger, data)
}

func (a *Auth) clearSessionCookies(rq *request) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { cookie.ClearChunked(w, rq.r, rq.cookies.SessionToken) }
}

// jwtCookie is the session cookie of a request with JWT sessions: the v5
// cookie, else (with Session.AcceptNextAuthV4) a NextAuth v4 one.
type jwtCookie struct {
	raw  string
	opts cookie.Options // the cookie it was read from
	v4   bool
}

func (a *Auth) readJWTCookie(rq *request) jwtCookie {
	o := rq.cookies.SessionToken
	if raw := cookie.ReadChunked(rq.r, o.Name); raw != "" || !a.cfg.Session.AcceptNextAuthV4 {
		return jwtCookie{raw: raw, opts: o}
	}
	o.Name = strings.Replace(o.Name, "authjs.", "next-auth.", 1)
	return jwtCookie{raw: cookie.ReadChunked(rq.r, o.Name), opts: o, v4: true}
}

// decodeJWTCookie decodes the token of c and gives it the session claims it
// lacks (adoptSessionClaims).
func (a *Auth) decodeJWTCookie(c jwtCookie) (*Token, error) {
	var tok Token
	var err error
	if c.v4 {
		err = a.codec.DecodeV4(c.raw, &tok)
	} else {
		err = a.codec.DecodeInto(c.raw, c.opts.Name, &tok)
	}
	if err != nil {
		return nil, err
	}
	adoptSessionClaims(&tok, c.raw)
	return &tok, nil
}

func (a *Auth) readJWTSession(ctx context.Context, rq *request, trigger Trigger, data any) (*sessionRead, error) {
	c := a.readJWTCookie(rq)
	if c.raw == "" {
		return &sessionRead{}, nil
	}
	clearCookies := func(w http.ResponseWriter) { cookie.ClearChunked(w, rq.r, c.opts) }
	tok, err := a.decodeJWTCookie(c)
	if err != nil {
		lvl := a.log.InfoContext
		if !errors.Is(err, jwt.ErrExpired) {
			lvl = a.log.WarnContext
		}
		lvl(ctx, "authgo: session token refused", "type", string(JWTSessionError), "nextauth_v4", c.v4, "err", err)
		return &sessionRead{write: clearCookies}, nil
	}
	now := a.now()
	if live, err := a.tokenLive(ctx, tok, now); err != nil {
		return nil, err
	} else if !live {
		return &sessionRead{write: clearCookies}, nil
	}
	next, err := a.runJWT(ctx, JWTParams{Token: tok, Trigger: trigger, Session: data})
	if err != nil {
		return nil, err
	}
	if next == nil {
		return &sessionRead{write: clearCookies}, nil
	}
	keepSessionClaims(tok, next)
	expires, maxAge := a.sessionExpiry(tokenSignInTime(next), now)
	s, err := a.runSession(ctx, SessionParams{Session: defaultSession(next, expires), Token: next, Trigger: trigger, NewSession: data})
	if err != nil {
		return nil, err
	}
	if s != nil {
		s.Token = next
	}
	emit(ctx, a.log, "session", a.cfg.Events.Session, SessionEvent{Session: s, Token: next})
	// The token is re-encoded only when the cookie is written: a read that
	// cannot set cookies (Session(nil, r)) skips the encryption.
	return &sessionRead{session: s, write: func(w http.ResponseWriter) {
		o := rq.cookies.SessionToken
		value, err := a.codec.Encode(next, o.Name, maxAge)
		if err != nil {
			a.log.ErrorContext(ctx, "authgo: session token not re-encoded", "type", string(JWTSessionError), "err", err)
			return
		}
		cookie.WriteChunked(w, rq.r, o, value, expires)
		if c.v4 {
			clearCookies(w) // upgraded to a v5 cookie
		}
	}}, nil
}

// tokenLive reports whether a decoded token still stands for a session:
// not past Session.MaxAuthAge, not revoked. Only a failing revocation store
// is an error.
func (a *Auth) tokenLive(ctx context.Context, t *Token, now time.Time) (bool, error) {
	if a.authExpired(tokenSignInTime(t), now) {
		a.log.InfoContext(ctx, "authgo: session past Session.MaxAuthAge refused", "type", string(JWTSessionError))
		return false, nil
	}
	revoked, err := a.tokenRevoked(ctx, t)
	if err != nil {
		return false, err
	}
	if revoked {
		a.log.InfoContext(ctx, "authgo: revoked session token refused", "type", string(JWTSessionError))
	}
	return !revoked, nil
}

// authExpired reports whether a session that began at start is past
// Session.MaxAuthAge (never when it is not set).
func (a *Auth) authExpired(start, now time.Time) bool {
	m := a.cfg.Session.MaxAuthAge
	return m > 0 && !now.Before(start.Add(m))
}

// sessionExpiry is when a session that began at start, read (or begun) at
// now, expires: Session.MaxAge from now, but no later than
// Session.MaxAuthAge after start. The duration is the token lifetime to
// encode, at least a second (the codec counts in seconds).
func (a *Auth) sessionExpiry(start, now time.Time) (time.Time, time.Duration) {
	exp := now.Add(a.cfg.Session.MaxAge)
	if m := a.cfg.Session.MaxAuthAge; m > 0 && start.Add(m).Before(exp) {
		exp = start.Add(m)
	}
	return exp, max(exp.Sub(now), time.Second)
}

// defaultSession is Auth.js's default session of a token, plus the user id
// and role: typed claims flow to the client without a callback.
func defaultSession(t *Token, expires time.Time) *Session {
	return &Session{
		User:     &SessionUser{ID: t.Subject, Name: t.Name, Email: t.Email, Image: t.Picture, Role: t.Role},
		Expires:  expires,
		Error:    tokenError(t),
		AMR:      tokenAMR(t),
		AuthTime: tokenAuthTime(t),
	}
}

// tokenError is the "error" claim of t (set by refresh.Refresher when a
// provider token could not be refreshed), shown as Session.Error.
func tokenError(t *Token) string {
	s, _ := t.Extra["error"].(string)
	return s
}

func (a *Auth) runJWT(ctx context.Context, p JWTParams) (*Token, error) {
	if a.cfg.Callbacks.JWT == nil {
		return p.Token, nil
	}
	t, err := a.cfg.Callbacks.JWT(ctx, p)
	if err != nil {
		return nil, asError(err, JWTSessionError)
	}
	return t, nil
}

func (a *Auth) runSession(ctx context.Context, p SessionParams) (*Session, error) {
	if a.cfg.Callbacks.Session == nil {
		return p.Session, nil
	}
	s, err := a.cfg.Callbacks.Session(ctx, p)
	if err != nil {
		return nil, asError(err, JWTSessionError)
	}
	return s, nil
}

func (a *Auth) readDatabaseSession(ctx context.Context, rq *request, trigger Trigger, data any) (*sessionRead, error) {
	o := rq.cookies.SessionToken
	token := cookie.Value(rq.r, o.Name)
	if token == "" {
		return &sessionRead{}, nil
	}
	if len(token) > 512 {
		return &sessionRead{write: a.clearSessionCookies(rq)}, nil
	}
	ad := a.cfg.Adapter
	now := a.now()
	row, user, cached := a.sessionCache.get(token, now)
	if !cached {
		var err error
		if row, user, err = ad.GetSessionAndUser(ctx, token); err != nil {
			return nil, &Error{Type: SessionTokenError, Err: err}
		}
		if row == nil || user == nil {
			return &sessionRead{write: a.clearSessionCookies(rq)}, nil
		}
		a.sessionCache.put(row, user, now)
	}
	// A row without a creation time (written by another app) counts as
	// created at the zero time: past MaxAuthAge when that is set.
	if !row.Expires.After(now) || a.authExpired(row.CreatedAt, now) {
		a.sessionCache.forget(token)
		if rq.readOnly {
			return &sessionRead{}, nil // PeekSession: refused, left for a read that may write
		}
		if _, err := ad.DeleteSession(ctx, token); err != nil {
			return nil, &Error{Type: SessionTokenError, Err: err}
		}
		return &sessionRead{write: a.clearSessionCookies(rq)}, nil
	}
	maxAge, updateAge := a.cfg.Session.MaxAge, a.cfg.Session.UpdateAge
	expires, _ := a.sessionExpiry(row.CreatedAt, now)
	extend := !row.Expires.Add(-maxAge).Add(updateAge).After(now) && expires.After(row.Expires)
	// "Last seen" (shown in session lists) is written at most once per
	// lastSeenEvery, far less often than requests come.
	seen := now.Sub(row.LastSeenAt) >= min(updateAge, lastSeenEvery)
	if (extend || seen) && !rq.readOnly {
		if extend {
			row.Expires = expires
		}
		row.LastSeenAt = now
		if _, err := ad.UpdateSession(ctx, *row); err != nil {
			return nil, &Error{Type: SessionTokenError, Err: err}
		}
		a.sessionCache.put(row, user, now)
	}
	def := &Session{
		User:       &SessionUser{ID: user.ID, Name: user.Name, Email: user.Email, Image: user.Image, Role: user.Role},
		Expires:    row.Expires,
		UserRecord: user,
		AuthTime:   row.CreatedAt,
		AMR:        tokenMethods(token),
	}
	s, err := a.runSession(ctx, SessionParams{Session: def, User: user, Trigger: trigger, NewSession: data})
	if err != nil {
		return nil, err
	}
	if s != nil {
		s.UserRecord = user
	}
	emit(ctx, a.log, "session", a.cfg.Events.Session, SessionEvent{Session: s})
	return &sessionRead{session: s, write: func(w http.ResponseWriter) {
		cookie.Write(w, o.Cookie(token, expires))
	}}, nil
}

// handleGetSession is GET /session.
func (a *Auth) handleGetSession(w http.ResponseWriter, rq *request) {
	a.serveSession(w, rq, TriggerRead, nil)
}

// serveSession answers GET and POST /session: the session JSON (null when
// there is none) with the refreshed cookie.
func (a *Auth) serveSession(w http.ResponseWriter, rq *request, trigger Trigger, data any) {
	noStore(w)
	res, err := a.readSession(rq.r.Context(), rq, trigger, data)
	if err != nil {
		a.sessionFailed(w, rq, err)
		return
	}
	if s := res.apply(w); s != nil {
		if !a.showAuthMethods() && (s.AMR != nil || !s.AuthTime.IsZero()) {
			// The JSON stays Auth.js's unless the second factor is on.
			c := *s
			c.AMR, c.AuthTime = nil, time.Time{}
			s = &c
		}
		writeJSON(w, http.StatusOK, s)
		return
	}
	writeJSON(w, http.StatusOK, nil)
}

// apply writes the read's cookies to w (when w is not nil) and returns the
// session.
func (res *sessionRead) apply(w http.ResponseWriter) *Session {
	if w != nil && res.write != nil {
		res.write(w)
	}
	return res.session
}

// sessionFailed answers a session read whose store failed: 503 when the
// store is unavailable, else 500, with an Auth.js-style code.
func (a *Auth) sessionFailed(w http.ResponseWriter, rq *request, err error) {
	e := asError(err, SessionTokenError)
	a.logError(rq.r.Context(), rq, e)
	if errors.Is(err, adapter.ErrUnavailable) {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": string(Unavailable)})
		return
	}
	writeJSON(w, http.StatusInternalServerError, map[string]string{"error": string(e.ClientType())})
}

// handleUpdateSession is POST /session: the update of useSession().update
// and unstable_update. A missing or wrong CSRF token answers 400 null.
func (a *Auth) handleUpdateSession(w http.ResponseWriter, rq *request) {
	if !a.csrfValid(rq) {
		a.log.WarnContext(rq.r.Context(), "authgo: session update without a valid CSRF token", "type", string(MissingCSRF))
		writeJSON(w, http.StatusBadRequest, nil)
		return
	}
	var data any
	if raw, ok := rq.form.raw["data"]; ok {
		data = raw
	} else if v, ok := rq.form.values["data"]; ok {
		data = v
	}
	a.serveSession(w, rq, TriggerUpdate, data)
}

// issueSession starts the session of a user who just signed in: a JWT
// cookie (after the JWT callback with trigger signIn or signUp) or a
// database session row and its cookie.
//
// Every sign-in path ends here, so the second factor is enforced here
// (mfagate.go): when the user must still prove one, no session is issued;
// the "second factor pending" cookie is set instead and challenge is the
// URL to send the user to in place of the callback URL. The caller then
// tells no SignIn event and logs no success: the sign-in is not done.
func (a *Auth) issueSession(ctx context.Context, w http.ResponseWriter, rq *request, in signedIn) (challenge string, err error) {
	if challenge, err := a.secondFactorGate(ctx, w, rq, in); err != nil || challenge != "" {
		return challenge, err
	}
	return "", a.startSession(ctx, w, rq, in)
}

// startSession issues the session of in, whose factors are all proved.
func (a *Auth) startSession(ctx context.Context, w http.ResponseWriter, rq *request, in signedIn) error {
	now := a.now()
	expires, maxAge := a.sessionExpiry(now, now)
	if a.cfg.Session.Strategy == StrategyDatabase {
		row := SessionRecord{
			SessionToken: a.cfg.Session.GenerateToken() + a.sessionTokenMethods(in.methods),
			UserID:       in.user.ID,
			Expires:      expires,
			CreatedAt:    now,
			LastSeenAt:   now,
			UserAgent:    clip.String(strings.ToValidUTF8(rq.r.UserAgent(), "\uFFFD"), 512),
		}
		if a.cfg.Session.RecordClientIP {
			if ip := a.cfg.RateLimit.Proxies.ClientIP(rq.r); ip.IsValid() {
				row.IP = ip.String()
			}
		}
		created, err := a.cfg.Adapter.CreateSession(ctx, row)
		if err != nil {
			return &Error{Type: AdapterError, Err: err}
		}
		if created != nil {
			row = *created
		}
		// WriteChunked also deletes chunks of a JWT left over from the
		// other strategy.
		cookie.WriteChunked(w, rq.r, rq.cookies.SessionToken, row.SessionToken, row.Expires)
		return nil
	}
	trigger := TriggerSignIn
	if in.isNewUser {
		trigger = TriggerSignUp
	}
	// A new session id at every sign-in: signing out ends this session
	// alone (and a token planted before the sign-in is another session).
	def := &Token{Subject: in.user.ID, Name: in.user.Name, Email: in.user.Email, Picture: in.user.Image, Role: in.user.Role,
		Extra: map[string]any{authTimeClaim: float64(now.UnixMilli()) / 1000, sessionIDClaim: newSessionID()}}
	if len(in.methods) > 0 {
		def.Extra[amrClaim] = in.methods
	}
	tok, err := a.runJWT(ctx, JWTParams{Token: def, Trigger: trigger, User: in.user, Account: in.account, Profile: in.profile, IsNewUser: in.isNewUser})
	if err != nil {
		return err
	}
	o := rq.cookies.SessionToken
	if tok == nil {
		cookie.ClearChunked(w, rq.r, o)
		return nil
	}
	keepSessionClaims(def, tok)
	value, err := a.codec.Encode(tok, o.Name, maxAge)
	if err != nil {
		return errorf(JWTSessionError, "encode session token: %w", err)
	}
	cookie.WriteChunked(w, rq.r, o, value, expires)
	return nil
}

// signedIn is a completed sign-in, before its session is issued.
type signedIn struct {
	user      *User
	account   *Account
	profile   map[string]any
	isNewUser bool
	// methods are the RFC 8176 amr values the path proved (the AMR
	// constants): AMRPassword for credentials, AMRFederated for OAuth,
	// AMREmail for email links and codes; a passkey with user verification
	// adds AMRMultiFactor, which satisfies the second-factor check.
	methods []string
	// provider is the id of the provider that signed the user in.
	provider string
}
