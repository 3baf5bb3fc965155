package demo

import (
	"net/http"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
)

// settingsData is what the settings page shows.
type settingsData struct {
	Passkeys passkeysData
	Strategy authgo.SessionStrategy
	// Listed is true when sessions live in the database and are listed.
	Listed   bool
	Sessions []account.Session
	// TwoFactor is the user's second factor (twofactor.go).
	TwoFactor account.TwoFactorStatus
}

// settings lists the signed-in user's sessions — created, last seen,
// browser — when sessions live in the database, and offers "sign out
// everywhere".
func (a *App) settings(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	d := settingsData{Strategy: a.strategy}
	if _, can := any(a.db).(adapter.SessionLister); can && d.Strategy == authgo.StrategyDatabase {
		list, err := a.auth.ListUserSessions(r, userID(s))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		d.Listed, d.Sessions = true, list
	}
	list, err := a.auth.ListPasskeys(r.Context(), userID(s))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d.Passkeys.List = list
	d.TwoFactor, err = a.auth.TwoFactorStatus(r.Context(), twoFactorUser(s))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	notice := passkeyNotices[q.Get("passkey")]
	if q.Get("passkey") == "last" {
		d.Passkeys.ConfirmDelete = q.Get("id")
	}
	if n, ok := accountNotices[q.Get("account")]; ok {
		notice = n
	}
	if q.Get("revoked") == "1" {
		notice = "The session was signed out."
	}
	w.Header().Set("Content-Security-Policy", cspSelfForms+cspPasskeys)
	a.render(w, r, http.StatusOK, "settings", page{Title: "Settings", Session: s, Notice: notice, Data: d})
}

// settingsForm checks a settings form: a signed-in user (1), posting from
// this site with the csrfToken of the CSRF cookie (2) — the protection of
// authgo's own endpoints. It answers the request itself and returns nil
// when either check fails.
func (a *App) settingsForm(w http.ResponseWriter, r *http.Request) *authgo.Session {
	s, ok := a.session(w, r)
	if !ok {
		return nil
	}
	if s == nil {
		http.Redirect(w, r, "/login?callbackUrl=%2Fsettings", http.StatusSeeOther)
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || !a.auth.VerifyCSRF(r, r.PostForm.Get("csrfToken")) {
		a.render(w, r, http.StatusForbidden, "message", page{Title: "Request refused", Data: message{
			Heading: "Request refused",
			Text:    "The form expired. Go back, reload the settings page and try again.",
		}})
		return nil
	}
	return s
}

// revokeAll is "sign out everywhere": POST /settings/sessions/revoke-all.
// auth.RevokeUserSessions deletes the user's database sessions and moves
// the user's JWT revocation epoch, so every session of the account ends —
// with either strategy — and this browser's cookie is cleared.
func (a *App) revokeAll(w http.ResponseWriter, r *http.Request) {
	s := a.settingsForm(w, r)
	if s == nil {
		return
	}
	n, err := a.auth.RevokeUserSessions(r.Context(), userID(s))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.InfoContext(r.Context(), "demo: signed out everywhere", "user", userID(s), "databaseSessions", n)
	next, err := a.auth.SignOut(w, r, "/login?signedOut=everywhere")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// revokeOne signs one database session of the user out: POST
// /settings/sessions/{id}/revoke, id being the account.Session.ID shown on the
// settings page. authgo never touches another user's session.
func (a *App) revokeOne(w http.ResponseWriter, r *http.Request) {
	s := a.settingsForm(w, r)
	if s == nil {
		return
	}
	if err := a.auth.RevokeSession(r.Context(), userID(s), r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?revoked=1", http.StatusSeeOther)
}
