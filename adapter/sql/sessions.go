package sql

import (
	"context"
	dbsql "database/sql"
	"time"

	"github.com/authgo/authgo/internal/uuid"

	"github.com/authgo/authgo/adapter"
)

// sessionRow scans the columns of sessionCols.
type sessionRow struct {
	s                  adapter.Session
	ua, ip             dbsql.NullString
	exp, created, seen timeCol
}

func (r *sessionRow) dest() []any {
	return []any{&r.s.SessionToken, &r.s.UserID, &r.exp, &r.created, &r.seen, &r.ua, &r.ip}
}

func (r *sessionRow) session() *adapter.Session {
	s := r.s
	s.Expires, s.CreatedAt, s.LastSeenAt = r.exp.t, r.created.t, r.seen.t
	s.UserAgent, s.IP = r.ua.String, r.ip.String
	return &s
}

// CreateSession stores the session of an existing user. A zero CreatedAt
// is now and a zero LastSeenAt is CreatedAt.
func (a *Adapter) CreateSession(ctx context.Context, s adapter.Session) (*adapter.Session, error) {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.Expires, s.CreatedAt, s.LastSeenAt = s.Expires.UTC(), s.CreatedAt.UTC(), s.LastSeenAt.UTC()
	if badKey(s.SessionToken, s.UserID) {
		return nil, a.fail(ctx, "CreateSession", errBadKey)
	}
	if !a.schema.own() {
		if err := a.sideCreateSession(ctx, s); err != nil {
			return nil, a.fail(ctx, "CreateSession", err)
		}
		return &s, nil
	}
	_, err := a.db.ExecContext(ctx, a.q.createSession, uuid.New(), s.SessionToken, s.UserID,
		a.d.timeArg(s.Expires), a.d.timeArg(s.CreatedAt), a.d.timeArg(s.LastSeenAt), str(s.UserAgent), str(s.IP))
	if err != nil {
		return nil, a.fail(ctx, "CreateSession", err)
	}
	return &s, nil
}

func (a *Adapter) getSession(ctx context.Context, method, q string, args ...any) (*adapter.Session, error) {
	var r sessionRow
	found, err := a.one(ctx, q, args, r.dest()...)
	if err != nil || !found {
		return nil, a.fail(ctx, method, err)
	}
	return r.session(), nil
}

// GetSession returns the session, expired or not, or nil.
func (a *Adapter) GetSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	if badKey(sessionToken) {
		return nil, nil
	}
	s, err := a.getSession(ctx, "GetSession", a.q.getSession, sessionToken)
	if s != nil && !a.exact(sessionToken, s.SessionToken) {
		return nil, nil
	}
	return s, err
}

// GetSessionAndUser returns the session and its user in one query (a
// join), or nils.
func (a *Adapter) GetSessionAndUser(ctx context.Context, sessionToken string) (*adapter.Session, *adapter.User, error) {
	if badKey(sessionToken) {
		return nil, nil, nil
	}
	var s sessionRow
	var u userRow
	found, err := a.one(ctx, a.q.getSessionAndUser, []any{sessionToken}, append(s.dest(), u.dest()...)...)
	if found && !a.exact(sessionToken, s.s.SessionToken) {
		return nil, nil, nil
	}
	if err != nil || !found {
		return nil, nil, a.fail(ctx, "GetSessionAndUser", err)
	}
	return s.session(), u.user(), nil
}

// UpdateSession sets Expires and, when not zero, LastSeenAt of the session
// s.SessionToken, and returns it, or nil when it is absent.
func (a *Adapter) UpdateSession(ctx context.Context, s adapter.Session) (*adapter.Session, error) {
	if badKey(s.SessionToken) {
		return nil, nil
	}
	if !a.schema.own() {
		if got, err := a.GetSession(ctx, s.SessionToken); err != nil || got == nil {
			return nil, err
		}
		if err := a.sideUpdateSession(ctx, s); err != nil {
			return nil, a.fail(ctx, "UpdateSession", err)
		}
		return a.getSession(ctx, "UpdateSession", a.q.getSession, s.SessionToken)
	}
	args := []any{a.d.timeArg(s.Expires), a.d.timeArg(s.LastSeenAt), s.SessionToken}
	if a.d.returning() {
		return a.getSession(ctx, "UpdateSession", a.q.updateSession, args...)
	}
	if _, err := a.db.ExecContext(ctx, a.q.updateSession, args...); err != nil {
		return nil, a.fail(ctx, "UpdateSession", err)
	}
	return a.getSession(ctx, "UpdateSession", a.q.getSession, s.SessionToken)
}

// DeleteSession deletes the session and returns it, or nil.
func (a *Adapter) DeleteSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	if badKey(sessionToken) {
		return nil, nil
	}
	if !a.schema.own() {
		s, err := a.GetSession(ctx, sessionToken)
		if err != nil || s == nil {
			return nil, err
		}
		if won, err := a.sideDeleteSession(ctx, sessionToken); !won {
			return nil, a.fail(ctx, "DeleteSession", err)
		}
		return s, nil
	}
	if a.d.returning() {
		return a.getSession(ctx, "DeleteSession", a.q.deleteSession, sessionToken)
	}
	s, err := a.getSession(ctx, "DeleteSession", a.q.getSession, sessionToken)
	if err != nil || s == nil {
		return nil, err
	}
	if won, err := a.deleted(ctx, a.q.deleteSession, sessionToken); !won {
		return nil, a.fail(ctx, "DeleteSession", err)
	}
	return s, nil
}

// ListUserSessions returns the user's unexpired sessions, newest first.
func (a *Adapter) ListUserSessions(ctx context.Context, userID string) ([]adapter.Session, error) {
	if !a.userIDOK(userID) {
		return []adapter.Session{}, nil
	}
	rows, err := a.db.QueryContext(ctx, a.q.listUserSessions, userID, a.d.timeArg(time.Now()))
	if err != nil {
		return nil, a.fail(ctx, "ListUserSessions", err)
	}
	defer rows.Close()
	out := []adapter.Session{}
	for rows.Next() {
		var r sessionRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, a.fail(ctx, "ListUserSessions", err)
		}
		out = append(out, *r.session())
	}
	return out, a.fail(ctx, "ListUserSessions", rows.Err())
}

// DeleteUserSessions deletes all sessions of the user and reports how many.
func (a *Adapter) DeleteUserSessions(ctx context.Context, userID string) (int64, error) {
	if !a.userIDOK(userID) {
		return 0, nil
	}
	if !a.schema.own() {
		if _, err := a.db.ExecContext(ctx, a.side.deleteUserSessionData, userID); err != nil {
			return 0, a.fail(ctx, "DeleteUserSessions", err)
		}
	}
	res, err := a.db.ExecContext(ctx, a.q.deleteUserSessions, userID)
	if err != nil {
		return 0, a.fail(ctx, "DeleteUserSessions", err)
	}
	n, err := res.RowsAffected()
	return n, a.fail(ctx, "DeleteUserSessions", err)
}

// DeleteExpired deletes sessions, verification tokens and revoked session
// records that expired at or before now, and reports how many rows went.
func (a *Adapter) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, q := range []string{a.q.deleteExpiredSessions, a.q.deleteExpiredTokens, a.q.deleteExpiredRevoked} {
		res, err := a.db.ExecContext(ctx, q, a.d.timeArg(now))
		if err != nil {
			return total, a.fail(ctx, "DeleteExpired", err)
		}
		n, err := res.RowsAffected()
		total += n
		if err != nil {
			return total, a.fail(ctx, "DeleteExpired", err)
		}
	}
	if !a.schema.own() {
		// The metadata of sessions that are gone, whoever deleted them.
		if _, err := a.db.ExecContext(ctx, a.side.sweepSessionData); err != nil {
			return total, a.fail(ctx, "DeleteExpired", err)
		}
	}
	return total, nil
}
