package demo

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// Password accounts: sign-up, verification, reset, change of password or
// email and deletion are authgo's (providers.Password, its pages under
// /api/auth/account/); the demo links to them, gives new users the lowest
// role, and lets users change their display name through the session
// update that next-auth/react's update({name}) posts.

// passwordProvider returns the demo's password provider. It keeps the id
// "credentials", so /login, POST /api/auth/callback/credentials and
// signIn("credentials") work as before; its mail goes where email
// sign-in's goes (the /dev/mailbox or --smtp).
func passwordProvider(mail email.Options) authgo.Provider {
	return providers.Password(providers.PasswordConfig{ID: "credentials", Name: "Password", PasswordOptions: account.PasswordOptions{
		Sender: mail.Sender,
		From:   mail.From,
	}})
}

// CreateUserWithPassword is CreateUser for a sign-up with a password.
func (s signUps) CreateUserWithPassword(ctx context.Context, u adapter.User, hash string) (*adapter.User, error) {
	if u.Role == "" {
		u.Role = lowestRole
	}
	return s.Adapter.CreateUserWithPassword(ctx, u, hash)
}

// signUp is GET /signup: authgo's sign-up page, coming back to the
// dashboard.
func (a *App) signUp(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/api/auth/account/signup?callbackUrl=%2Fdashboard", http.StatusSeeOther)
}

// maxNameLen is the most characters of a display name.
const maxNameLen = 64

// newName returns the display name of a session update's data
// ({"name": "…"}), and false when there is none or it is unusable.
func newName(data any) (string, bool) {
	if raw, ok := data.(json.RawMessage); ok { // as POST /api/auth/session hands it over
		if json.Unmarshal(raw, &data) != nil {
			return "", false
		}
	}
	m, ok := data.(map[string]any)
	if !ok {
		return "", false
	}
	name, ok := m["name"].(string)
	name = strings.TrimSpace(name)
	if !ok || name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxNameLen {
		return "", false
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", false
		}
	}
	return name, true
}

// renamed stores the new display name of a session update in the user
// record, so it stays after a reload and on other devices' next read.
func (a *App) renamed(ctx context.Context, userID string, data any) (string, bool) {
	name, ok := newName(data)
	if !ok || userID == "" {
		return "", false
	}
	u, err := a.db.GetUser(ctx, userID)
	if err != nil || u == nil {
		return "", false
	}
	u.Name = name
	if _, err := a.auth.UpdateUser(ctx, *u); err != nil {
		a.log.ErrorContext(ctx, "demo: display name not stored", "user", userID, "err", err)
		return "", false
	}
	return name, true
}

// callbacks are the demo's JWT and Session callbacks: a session update
// with {"name": …} (next-auth/react's update({name}), or the settings
// form through auth.Update) renames the user — in the user record and, for
// JWT sessions, in the token.
func (a *App) callbacks() authgo.Callbacks {
	return authgo.Callbacks{
		JWT: func(ctx context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if p.Trigger == authgo.TriggerUpdate {
				if name, ok := a.renamed(ctx, p.Token.Subject, p.Session); ok {
					p.Token.Name = name
				}
			}
			return p.Token, nil
		},
		Session: func(ctx context.Context, p authgo.SessionParams) (*authgo.Session, error) {
			if p.Trigger == authgo.TriggerUpdate && p.User != nil && p.Session.User != nil {
				if name, ok := a.renamed(ctx, p.User.ID, p.NewSession); ok {
					p.Session.User.Name = name
				}
			}
			return p.Session, nil
		},
	}
}

// rename is POST /settings/profile: the settings page's display name
// form, a session update made on the server (auth.Update), as
// update({name}) makes it from the browser.
func (a *App) rename(w http.ResponseWriter, r *http.Request) {
	if s := a.settingsForm(w, r); s == nil {
		return
	}
	name := r.PostForm.Get("name")
	if _, ok := newName(map[string]any{"name": name}); !ok {
		http.Redirect(w, r, "/settings?account=bad", http.StatusSeeOther)
		return
	}
	if _, err := a.auth.Update(w, r, map[string]any{"name": name}); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?account=saved", http.StatusSeeOther)
}

// accountNotices are the settings page's messages after an account step.
var accountNotices = map[string]string{
	"saved":    "Your display name was saved.",
	"bad":      "Use a display name of 1 to 64 characters.",
	"password": "Your password was changed. Your other sessions were signed out.",
}
