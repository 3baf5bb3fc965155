package authgo

import (
	"context"

	"github.com/authgo/authgo/internal/cookie"
)

func (a *Auth) readDatabaseSession(ctx context.Context, rq *request, trigger Trigger, data any) (sessionRead, error) {
	o := rq.cookies.SessionToken
	token := cookie.Value(rq.r, o.Name)
	if token == "" {
		return sessionRead{}, nil
	}
	if len(token) > 512 {
		return clearRead(rq, rq.cookies.SessionToken), nil
	}
	ad := a.cfg.Adapter
	now := a.now()
	row, user, cached := a.sessionCache.get(token, now)
	if !cached {
		var err error
		if row, user, err = ad.GetSessionAndUser(ctx, token); err != nil {
			return sessionRead{}, &Error{Type: SessionTokenError, Err: err}
		}
		if row == nil || user == nil {
			return clearRead(rq, rq.cookies.SessionToken), nil
		}
		a.sessionCache.put(row, user, now)
	}
	// A row without a creation time (written by another app) counts as
	// created at the zero time: past MaxAuthAge when that is set.
	if !row.Expires.After(now) || a.authExpired(row.CreatedAt, now) {
		a.sessionCache.forget(token)
		if rq.readOnly {
			return sessionRead{}, nil // PeekSession: refused, left for a read that may write
		}
		if _, err := ad.DeleteSession(ctx, token); err != nil {
			return sessionRead{}, &Error{Type: SessionTokenError, Err: err}
		}
		return clearRead(rq, rq.cookies.SessionToken), nil
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
			return sessionRead{}, &Error{Type: SessionTokenError, Err: err}
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
		return sessionRead{}, err
	}
	if s != nil {
		s.UserRecord = user
	}
	emit(ctx, a.log, "session", a.cfg.Events.Session, SessionEvent{Session: s})
	return sessionRead{session: s, r: rq.r, set: o, value: token, expires: expires}, nil
}
