package authgo

import "net/http"

// PeekSession returns the session of r as Session does — the cookie
// checked, revocation and Session.MaxAuthAge applied, the JWT and Session
// callbacks run — but writes nothing: no cookie (a JWT is not re-encoded),
// and no session store write (a database session's expiry does not slide,
// its last-seen time is not updated, an expired row is refused but not
// deleted). It is the read for hot paths that cannot or need not answer
// with a cookie, such as a forward-auth endpoint called by a reverse proxy
// on every request: with Session.CacheTTL set, a database session costs at
// most one lookup per token and TTL, and with JWT sessions no store is read
// except the revocation store's cached answers.
//
// Since nothing slides, a session read only through PeekSession expires
// Session.MaxAge after its last sliding read (GET /session, Session,
// Middleware). Only a failing store is an error.
func (a *Auth) PeekSession(r *http.Request) (*Session, error) {
	rq := a.newRequest(r)
	rq.readOnly = true
	res, err := a.readSession(r.Context(), rq, TriggerRead, nil)
	if err != nil {
		return nil, err
	}
	return res.session, nil
}
