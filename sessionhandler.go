package authgo

import (
	"errors"
	"net/http"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/cookie"
)

// handleGetSession is GET /session.
func (a *Auth) handleGetSession(w http.ResponseWriter, rq *request) {
	a.serveSession(w, rq, TriggerRead, nil)
}

// serveSession answers GET and POST /session: the session JSON (null when
// there is none) with the refreshed cookie.
func (a *Auth) serveSession(w http.ResponseWriter, rq *request, trigger Trigger, data any) {
	// Auth.js's caching headers for /session, and Vary: Cookie (the answer
	// is the cookie's), set in one go.
	cookie.SetHeaders(w.Header(), "Cache-Control", "private, no-cache, no-store", "Expires", "0", "Pragma", "no-cache",
		"Content-Type", "application/json", "Vary", "Cookie")
	res, err := a.readSession(rq.r.Context(), rq, trigger, data)
	if err != nil {
		a.sessionFailed(w, rq, err)
		return
	}
	s := res.apply(w)
	if s == nil {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	// The JSON stays Auth.js's (no amr, no auth_time) unless the second
	// factor is on.
	bp := jsonBufs.Get().(*[]byte)
	b, err := s.appendJSON((*bp)[:0], a.showAuthMethods())
	status := http.StatusOK
	if err != nil { // a Session callback's Extra that encoding/json refuses
		a.log.ErrorContext(rq.r.Context(), "authgo: session not written as JSON", "type", string(SessionTokenError), "err", err)
		status, b = http.StatusInternalServerError, append(b[:0], "null"...)
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		jsonBufs.Put(bp)
	}
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
