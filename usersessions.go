package authgo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/cookie"
)

// sessionID is the public id of a session token.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte("authgo-session-id:" + token))
	return hex.EncodeToString(sum[:12])
}

// ListUserSessions lists the unexpired database sessions of userID, newest
// first, marking the one r uses as Current. It needs database sessions and
// an adapter that implements adapter.SessionLister.
func (a *Auth) ListUserSessions(r *http.Request, userID string) ([]account.Session, error) {
	ctx := r.Context()
	currentToken := cookie.Value(r, a.newRequest(r).cookies.SessionToken.Name)
	l, ok := a.cfg.Adapter.(adapter.SessionLister)
	if !ok || a.cfg.Session.Strategy != StrategyDatabase {
		return nil, errors.New("authgo: listing sessions needs database sessions and an adapter that lists them")
	}
	rows, err := l.ListUserSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]account.Session, 0, len(rows))
	for _, s := range rows {
		out = append(out, account.Session{
			ID: sessionID(s.SessionToken), CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, Expires: s.Expires,
			UserAgent: s.UserAgent, IP: s.IP, Current: currentToken != "" && s.SessionToken == currentToken,
		})
	}
	return out, nil
}

// RevokeSession deletes one database session of userID, named by its
// account.Session.ID. A session of another user is never touched; an unknown
// id is not an error (it may have expired).
func (a *Auth) RevokeSession(ctx context.Context, userID, id string) error {
	l, ok := a.cfg.Adapter.(adapter.SessionLister)
	if !ok {
		return errors.New("authgo: revoking one session needs an adapter that lists sessions")
	}
	rows, err := l.ListUserSessions(ctx, userID)
	if err != nil {
		return err
	}
	for _, s := range rows {
		if sessionID(s.SessionToken) == id {
			if _, err := a.cfg.Adapter.DeleteSession(ctx, s.SessionToken); err != nil {
				return err
			}
			a.sessionCache.forget(s.SessionToken)
		}
	}
	return nil
}
