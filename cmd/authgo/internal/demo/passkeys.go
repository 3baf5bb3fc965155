package demo

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/authgo/authgo/account"
)

// Passkeys: /login offers "Sign in with a passkey" (and passkeys in the
// email input's autofill), /settings lists the user's passkeys and offers
// "Add a passkey", rename and delete. The ceremonies run in authgo's own
// script (/api/auth/webauthn.js) against authgo's endpoints; these
// handlers only rename and delete.

// cspPasskeys is the policy of the pages that run the passkey script: it
// comes from this site and talks to this site only.
const cspPasskeys = "; script-src 'self'; connect-src 'self'"

// passkeysData is the passkey section of the settings page.
type passkeysData struct {
	List []account.Passkey
	// ConfirmDelete is the id of the last passkey whose deletion awaits
	// a confirmation.
	ConfirmDelete string
}

// renamePasskey is POST /settings/passkeys/rename: id and name.
func (a *App) renamePasskey(w http.ResponseWriter, r *http.Request) {
	s := a.settingsForm(w, r)
	if s == nil {
		return
	}
	_, err := a.auth.RenamePasskey(r.Context(), userID(s), r.PostForm.Get("id"), r.PostForm.Get("name"))
	switch {
	case errors.Is(err, account.ErrInvalidPasskeyName):
		http.Redirect(w, r, "/settings?passkey=badname", http.StatusSeeOther)
	case errors.Is(err, account.ErrPasskeyNotFound):
		http.Redirect(w, r, "/settings?passkey=gone", http.StatusSeeOther)
	case err != nil:
		a.fail(w, r, err)
	default:
		http.Redirect(w, r, "/settings?passkey=renamed", http.StatusSeeOther)
	}
}

// deletePasskey is POST /settings/passkeys/delete: id, and confirm=true
// for the user's last passkey when they have no other way authgo knows.
func (a *App) deletePasskey(w http.ResponseWriter, r *http.Request) {
	s := a.settingsForm(w, r)
	if s == nil {
		return
	}
	id := r.PostForm.Get("id")
	err := a.auth.DeletePasskey(r.Context(), userID(s), id, r.PostForm.Get("confirm") == "true")
	switch {
	case errors.Is(err, account.ErrLastPasskey):
		http.Redirect(w, r, "/settings?passkey=last&id="+url.QueryEscape(id), http.StatusSeeOther)
	case errors.Is(err, account.ErrPasskeyNotFound):
		http.Redirect(w, r, "/settings?passkey=gone", http.StatusSeeOther)
	case err != nil:
		a.fail(w, r, err)
	default:
		http.Redirect(w, r, "/settings?passkey=deleted", http.StatusSeeOther)
	}
}

// passkeyNotices are the settings page's messages after a passkey change.
var passkeyNotices = map[string]string{
	"added":   "The passkey was added. Next time, sign in with it.",
	"renamed": "The passkey was renamed.",
	"deleted": "The passkey was deleted.",
	"badname": "A passkey name is 1 to 64 characters.",
	"gone":    "That passkey no longer exists.",
	"last":    "This is your last passkey. Without it you may not be able to sign in. Confirm below to delete it anyway.",
}
