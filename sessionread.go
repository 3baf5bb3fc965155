package authgo

import (
	"context"
	"errors"
	"hash/maphash"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/jwt"
)

// sessionRead is one read of the session of a request: what a handler gets,
// and the cookies to write back (apply). It is a value with no closures:
// a session is read on every request.
type sessionRead struct {
	session *Session
	r       *http.Request
	// set, when its Name is not empty, is the session cookie to write
	// with expires: value, or token re-encoded for maxAge when token is
	// not nil (only when the cookie is written: a read that cannot set
	// cookies, Session(nil, r), skips the encryption).
	set     cookie.Options
	value   string
	token   *Token
	maxAge  time.Duration
	expires time.Time
	// clear, when its Name is not empty, is a session cookie to delete
	// with its chunks: a dead session's, or a NextAuth v4 cookie upgraded
	// to a v5 one.
	clear cookie.Options
	codec *jwt.Codec
	log   *slog.Logger
}

// readSession reads, checks and refreshes the session of rq, as GET
// /session does. It returns a nil session when there is none or it is
// invalid (then apply clears the cookies). Only a failing store is an
// error.
func (a *Auth) readSession(ctx context.Context, rq *request, trigger Trigger, data any) (sessionRead, error) {
	if a.cfg.Session.Strategy == StrategyDatabase {
		return a.readDatabaseSession(ctx, rq, trigger, data)
	}
	return a.readJWTSession(ctx, rq, trigger, data)
}

// apply writes the read's cookies to w (when w is not nil) and returns the
// session.
func (res *sessionRead) apply(w http.ResponseWriter) *Session {
	if w == nil {
		return res.session
	}
	switch {
	case res.token != nil:
		value, err := res.codec.Encode(res.token, res.set.Name, res.maxAge)
		if err != nil {
			res.log.ErrorContext(res.r.Context(), "authgo: session token not re-encoded", "type", string(JWTSessionError), "err", err)
			return res.session
		}
		cookie.WriteChunked(w, res.r, res.set, value, res.expires)
	case res.set.Name != "":
		cookie.WriteValue(w, res.set, res.value, res.expires)
	}
	if res.clear.Name != "" {
		cookie.ClearChunked(w, res.r, res.clear)
	}
	return res.session
}

// clearRead is the read of a dead session: no session, the cookie o
// cleared.
func clearRead(rq *request, o cookie.Options) sessionRead {
	return sessionRead{r: rq.r, clear: o}
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
	tok, _, err := a.decodeJWT(c)
	return tok, err
}

// decodeJWT is decodeJWTCookie, and reports whether the token was given a
// session claim (so the cookie must be re-issued to carry it).
func (a *Auth) decodeJWT(c jwtCookie) (*Token, bool, error) {
	var tok Token
	var err error
	if c.v4 {
		err = a.codec.DecodeV4(c.raw, &tok)
	} else {
		err = a.codec.DecodeInto(c.raw, c.opts.Name, &tok)
	}
	if err != nil {
		return nil, false, err
	}
	adopted := adoptSessionClaims(&tok, c.raw)
	return &tok, adopted, nil
}

func (a *Auth) readJWTSession(ctx context.Context, rq *request, trigger Trigger, data any) (sessionRead, error) {
	c := a.readJWTCookie(rq)
	if c.raw == "" {
		return sessionRead{}, nil
	}
	tok, adopted, err := a.decodeJWT(c)
	if err != nil {
		lvl := a.log.InfoContext
		if !errors.Is(err, jwt.ErrExpired) {
			lvl = a.log.WarnContext
		}
		lvl(ctx, "authgo: session token refused", "type", string(JWTSessionError), "nextauth_v4", c.v4, "err", err)
		return clearRead(rq, c.opts), nil
	}
	now := a.now()
	if live, err := a.tokenLive(ctx, tok, now); err != nil {
		return sessionRead{}, err
	} else if !live {
		return clearRead(rq, c.opts), nil
	}
	reissue := adopted || c.v4 || trigger != TriggerRead || a.tokenDue(tok, now)
	var before uint64
	if !reissue && a.cfg.Callbacks.JWT != nil {
		before = a.tokenSum(tok)
	}
	next, err := a.runJWT(ctx, JWTParams{Token: tok, Trigger: trigger, Session: data})
	if err != nil {
		return sessionRead{}, err
	}
	if next == nil {
		return clearRead(rq, c.opts), nil
	}
	keepSessionClaims(tok, next)
	if !reissue && a.cfg.Callbacks.JWT != nil {
		reissue = a.tokenSum(next) != before
	}
	expires, maxAge := time.Unix(next.ExpiresAt, 0), time.Duration(0)
	if reissue {
		expires, maxAge = a.sessionExpiry(tokenSignInTime(next), now)
	}
	s, err := a.runSession(ctx, SessionParams{Session: defaultSession(next, expires), Token: next, Trigger: trigger, NewSession: data})
	if err != nil {
		return sessionRead{}, err
	}
	if s != nil {
		s.Token = next
	}
	emit(ctx, a.log, "session", a.cfg.Events.Session, SessionEvent{Session: s, Token: next})
	res := sessionRead{session: s, r: rq.r}
	if reissue {
		res.set, res.token, res.maxAge, res.expires, res.codec, res.log = rq.cookies.SessionToken, next, maxAge, expires, a.codec, a.log
	}
	if c.v4 {
		res.clear = c.opts // upgraded to a v5 cookie
	}
	return res, nil
}

// tokenDue reports whether a read at now re-issues t for its age alone:
// it was issued Session.JWTUpdateAge ago or earlier (always when that is
// negative), or carries no issue time.
func (a *Auth) tokenDue(t *Token, now time.Time) bool {
	age := a.cfg.Session.JWTUpdateAge
	return age < 0 || t.IssuedAt <= 0 || now.Sub(time.Unix(t.IssuedAt, 0)) >= age
}

// tokenSum is a keyed hash of t's JSON: equal sums before and after the
// JWT callback mean it left the token as it was, so a read need not
// re-issue it. The seed is the Auth's own, so content cannot be chosen to
// collide.
func (a *Auth) tokenSum(t *Token) uint64 {
	bp := sumBuffers.Get().(*[]byte)
	b, err := t.AppendPayload((*bp)[:0])
	if err != nil {
		// Not writable as JSON: the encoder will say so when it re-issues.
		sumBuffers.Put(bp)
		return 0
	}
	sum := maphash.Bytes(a.sumSeed, b)
	*bp = b
	sumBuffers.Put(bp)
	return sum
}

// sumBuffers holds tokenSum's scratch buffers.
var sumBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

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
// and role: typed claims flow to the client without a callback. The
// session and its user are one allocation.
func defaultSession(t *Token, expires time.Time) *Session {
	both := &struct {
		s Session
		u SessionUser
	}{
		s: Session{Expires: expires, Error: tokenError(t), AMR: tokenAMR(t), AuthTime: tokenAuthTime(t)},
		u: SessionUser{ID: t.Subject, Name: t.Name, Email: t.Email, Image: t.Picture, Role: t.Role},
	}
	both.s.User = &both.u
	return &both.s
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
