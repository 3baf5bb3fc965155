package authgo

import (
	"errors"
	"net/http"
	"time"

	"github.com/authgo/authgo/adapter"
)

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
