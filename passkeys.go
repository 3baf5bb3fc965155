package authgo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/webauthn"
)

func passkeyOf(x adapter.Authenticator) account.Passkey {
	p := account.Passkey{ID: x.CredentialID, Name: x.Name, CreatedAt: x.CreatedAt, LastUsedAt: x.LastUsedAt,
		Synced: x.CredentialDeviceType == "multiDevice", BackedUp: x.CredentialBackedUp, AAGUID: x.AAGUID}
	if x.Transports != "" {
		p.Transports = strings.Split(x.Transports, ",")
	}
	return p
}

// ListPasskeys returns the user's passkeys, newest first. To add one, the
// signed-in user's browser runs a registration: GET
// <base>/webauthn-options/<provider>?action=register, then POST
// <base>/callback/<provider> (next-auth/webauthn's signIn("passkey",
// {action: "register"}) does both; so does the built-in script).
func (a *Auth) ListPasskeys(ctx context.Context, userID string) ([]account.Passkey, error) {
	if a.cfg.Adapter == nil {
		return nil, errorf(MissingAdapter, "passkeys need Config.Adapter")
	}
	rows, err := a.cfg.Adapter.ListAuthenticatorsByUserID(ctx, userID)
	if err != nil {
		return nil, &Error{Type: AdapterError, Err: err}
	}
	out := make([]account.Passkey, 0, len(rows))
	for _, x := range rows {
		out = append(out, passkeyOf(x))
	}
	sortPasskeys(out)
	return out, nil
}

// sortPasskeys orders newest first, those without a date last.
func sortPasskeys(ps []account.Passkey) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].CreatedAt.After(ps[j-1].CreatedAt); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// manager returns the adapter's passkey management, or MissingAdapterMethods.
func (a *Auth) manager() (adapter.AuthenticatorManager, error) {
	m, ok := a.cfg.Adapter.(adapter.AuthenticatorManager)
	if !ok {
		return nil, errorf(MissingAdapterMethods, "renaming and deleting passkeys needs an adapter that implements adapter.AuthenticatorManager")
	}
	return m, nil
}

// RenamePasskey names the user's passkey: 1 to account.MaxPasskeyName printable
// characters, spaces at the ends trimmed (account.ErrInvalidPasskeyName). A
// passkey of another user is account.ErrPasskeyNotFound.
func (a *Auth) RenamePasskey(ctx context.Context, userID, credentialID, name string) (*account.Passkey, error) {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > account.MaxPasskeyName || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return nil, account.ErrInvalidPasskeyName
	}
	m, err := a.manager()
	if err != nil {
		return nil, err
	}
	x, err := m.RenameAuthenticator(ctx, userID, credentialID, name)
	if err != nil {
		return nil, &Error{Type: AdapterError, Err: err}
	}
	if x == nil {
		return nil, account.ErrPasskeyNotFound
	}
	p := passkeyOf(*x)
	return &p, nil
}

// DeletePasskey deletes the user's passkey and its account. The user's last
// passkey is deleted only with confirmLast, unless they can sign in by
// email (an email provider is configured and they have an address):
// otherwise it is account.ErrLastPasskey, which an app shows as a warning ("you
// may lose access") with a button that confirms. A passkey of another user
// is account.ErrPasskeyNotFound.
func (a *Auth) DeletePasskey(ctx context.Context, userID, credentialID string, confirmLast bool) error {
	m, err := a.manager()
	if err != nil {
		return err
	}
	ad := a.cfg.Adapter
	rows, err := ad.ListAuthenticatorsByUserID(ctx, userID)
	if err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	var row *adapter.Authenticator
	for i := range rows {
		if rows[i].CredentialID == credentialID {
			row = &rows[i]
		}
	}
	if row == nil {
		return account.ErrPasskeyNotFound
	}
	if len(rows) == 1 && !confirmLast && !a.canSignInByEmail(ctx, userID) {
		return account.ErrLastPasskey
	}
	gone, err := m.DeleteAuthenticator(ctx, userID, credentialID)
	if err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	if !gone {
		return account.ErrPasskeyNotFound
	}
	for _, p := range a.order {
		if _, ok := p.(webauthn.Provider); ok {
			if err := ad.UnlinkAccount(ctx, p.ID(), row.ProviderAccountID); err != nil {
				return &Error{Type: AdapterError, Err: err}
			}
		}
	}
	return nil
}

// canSignInByEmail reports whether the user can sign in with an email
// provider of this Auth.
func (a *Auth) canSignInByEmail(ctx context.Context, userID string) bool {
	hasEmail := false
	for _, p := range a.order {
		if _, ok := p.(EmailProvider); ok {
			hasEmail = true
		}
	}
	if !hasEmail {
		return false
	}
	u, err := a.cfg.Adapter.GetUser(ctx, userID)
	return err == nil && u != nil && u.Email != ""
}

// handlePasskeysList is GET <base>/passkeys: the signed-in user's passkeys
// as {"passkeys": [...]}; 401 {"error":"SessionRequired"} when signed out.
func (a *Auth) handlePasskeysList(w http.ResponseWriter, rq *request) {
	noStore(w)
	u, ok := a.passkeysUser(w, rq)
	if !ok {
		return
	}
	list, err := a.ListPasskeys(rq.r.Context(), u.ID)
	if err != nil {
		a.passkeysFailed(w, rq, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"passkeys": list})
}

// handlePasskeysChange is POST <base>/passkeys with csrfToken, action
// (rename or delete), id, and name (rename) or confirm=true (delete the
// last passkey): 200 with the renamed passkey or {"deleted": true}; 400
// for a bad name or action, 403 without a valid CSRF token, 404 for a
// passkey the user does not have, 409 {"error":"LastPasskey"} for the last
// one without confirm; a delete from a session that signed in more than
// PasswordOptions.ReauthMaxAge ago (account.DefaultReauthMaxAge without
// password accounts) is 403 {"error":"ReauthRequired"} (see reauth.go).
func (a *Auth) handlePasskeysChange(w http.ResponseWriter, rq *request) {
	noStore(w)
	if !a.csrfValid(rq) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": string(MissingCSRF)})
		return
	}
	u, ok := a.passkeysUser(w, rq)
	if !ok {
		return
	}
	ctx, id := rq.r.Context(), rq.form.get("id")
	switch rq.form.get("action") {
	case "rename":
		p, err := a.RenamePasskey(ctx, u.ID, id, rq.form.get("name"))
		if err != nil {
			a.passkeysFailed(w, rq, err)
			return
		}
		writeJSON(w, http.StatusOK, p)
	case "delete":
		if recent, err := a.signedInRecently(rq.r, u.ID); err != nil || !recent {
			if err != nil {
				a.passkeysFailed(w, rq, err)
			} else {
				a.reauthJSON(w)
			}
			return
		}
		if err := a.DeletePasskey(ctx, u.ID, id, rq.form.get("confirm") == "true"); err != nil {
			a.passkeysFailed(w, rq, err)
			return
		}
		a.log.InfoContext(ctx, "authgo: passkey deleted", "credential_hash", a.signIns.identifierHash(id))
		writeJSON(w, http.StatusOK, map[string]bool{"deleted": true})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidAction", "message": "action must be rename or delete"})
	}
}

// passkeysUser returns the signed-in user, or answers 401.
func (a *Auth) passkeysUser(w http.ResponseWriter, rq *request) (*User, bool) {
	if a.cfg.Adapter == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": string(MissingAdapter)})
		return nil, false
	}
	u, err := a.currentUser(rq.r.Context(), rq)
	if err != nil {
		a.passkeysFailed(w, rq, err)
		return nil, false
	}
	if u == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "SessionRequired"})
		return nil, false
	}
	return u, true
}

// passkeysFailed answers a failed management call.
func (a *Auth) passkeysFailed(w http.ResponseWriter, rq *request, err error) {
	switch {
	case errors.Is(err, account.ErrPasskeyNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "NotFound", "message": "You have no such passkey."})
	case errors.Is(err, account.ErrLastPasskey):
		writeJSON(w, http.StatusConflict, map[string]string{"error": "LastPasskey",
			"message": "This is your last passkey. Without it you may not be able to sign in. Delete it anyway with confirm=true."})
	case errors.Is(err, account.ErrInvalidPasskeyName):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidName", "message": "A name is 1 to 64 printable characters."})
	default:
		e := asError(err, AdapterError)
		a.logError(rq.r.Context(), rq, e)
		status := http.StatusInternalServerError
		if errors.Is(err, adapter.ErrUnavailable) {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, map[string]string{"error": string(e.ClientType())})
	}
}
