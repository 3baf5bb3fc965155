package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// Email sign-in: "Email me a sign-in link" on the login page. With an SMTP
// URL (--smtp) the mail goes to that server; without one it is kept in
// memory and shown at /dev/mailbox, a development page only the demo has.

// defaultMailFrom is the sender of the demo's mail unless --mail-from says
// otherwise.
const defaultMailFrom = "authgo demo <no-reply@example.com>"

// emailProvider returns the email provider: links valid 15 minutes (the
// recommended lifetime; Auth.js's default is 24 hours) with a 6-digit code
// in every mail. It sends through the SMTP server of smtpURL, or into
// a.mail when smtpURL is "".
func (a *App) emailProvider(smtpURL, from string) (authgo.Provider, error) {
	var sender email.Sender
	if smtpURL == "" {
		a.mail = &email.Memory{Limit: 50}
		sender = a.mail
	} else {
		c, err := email.ParseSMTPURL(smtpURL)
		if err != nil {
			return nil, fmt.Errorf("--smtp: %w", err)
		}
		if sender, err = email.NewSMTP(c); err != nil {
			return nil, fmt.Errorf("--smtp: %w", err)
		}
		a.smtp = c.String()
	}
	if from == "" {
		from = defaultMailFrom
	}
	return providers.Email(providers.EmailConfig{Options: email.Options{
		Sender: sender,
		From:   from,
		MaxAge: 15 * time.Minute,
	}}), nil
}

// lowestRole is the role of users the demo does not know when they first
// sign in (by email, or with an OAuth provider): the lowest of the
// hierarchy.
const lowestRole = "viewer"

// signUps is the demo's adapter: authgo's SQL adapter, whose new users get
// lowestRole — the default a column of the app's own schema would give.
// Embedding keeps every other method, and so every optional interface the
// SQL adapter has.
type signUps struct{ *authsql.Adapter }

// CreateUser stores u with lowestRole unless it has a role.
func (s signUps) CreateUser(ctx context.Context, u adapter.User) (*adapter.User, error) {
	if u.Role == "" {
		u.Role = lowestRole
	}
	return s.Adapter.CreateUser(ctx, u)
}

// CreateUserAndLinkAccount is CreateUser for a first OAuth sign-in.
func (s signUps) CreateUserAndLinkAccount(ctx context.Context, u adapter.User, acct adapter.Account) (*adapter.User, error) {
	if u.Role == "" {
		u.Role = lowestRole
	}
	return s.Adapter.CreateUserAndLinkAccount(ctx, u, acct)
}

// emailMe is the handler of the login page's "Email me a sign-in link"
// form: it checks the form's CSRF token and the address, and calls
// auth.SignIn with the email provider, which sends the mail and answers
// where to go: authgo's "Check your email" page, whose code form takes the
// mail's code. The page is the same for every address, known or not.
func (a *App) emailMe(w http.ResponseWriter, r *http.Request) {
	d, ok := a.loginForm(w, r, func(d *loginData, email string) { d.LinkEmail = email })
	if !ok {
		return
	}
	p := page{Title: "Sign in"}
	if d.LinkEmail == "" {
		d.LinkFields = fieldErrors{"email": "Enter your email address."}
		a.showLogin(w, r, http.StatusBadRequest, p, d)
		return
	}
	next, err := a.auth.SignIn(w, r, "email", authgo.SignInOptions{Email: d.LinkEmail, RedirectTo: d.redirectTo()})
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	var ae *authgo.Error
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, authgo.ErrEmailSignin):
		status, d.LinkFields = http.StatusBadRequest, fieldErrors{"email": "Enter one email address, like name@example.com."}
	case errors.As(err, &ae) && ae.Type == authgo.RateLimited:
		status, d.Error = http.StatusTooManyRequests, "Too many sign-in emails. Try again in "+waitText(ae.RetryAfter)+"."
		w.Header().Set("Retry-After", strconv.Itoa(max(ae.RetryAfter, 1)))
	case errors.Is(err, authgo.ErrMissingCSRF):
		status, d.Error = http.StatusForbidden, msgFormExpired
	case errors.Is(err, authgo.ErrUnavailable):
		// authgo logged why (the SMTP step), without the address or link.
		status, d.Error = http.StatusServiceUnavailable, "The sign-in email could not be sent. Try again in a few minutes."
		w.Header().Set("Retry-After", "30")
	default:
		a.log.ErrorContext(r.Context(), "demo: email sign-in failed", "err", err)
		d.Error = msgSomethingWrong
	}
	a.showLogin(w, r, status, p, d)
}

// mailboxMessage is a message of the mailbox page: its text cut into
// pieces, the links among them made clickable.
type mailboxMessage struct {
	email.Delivered
	Pieces []textPiece
}

// textPiece is a run of a message's text; Link is set when it is a URL.
type textPiece struct {
	Text string
	Link bool
}

// urlPattern finds the URLs of a plain-text mail.
var urlPattern = regexp.MustCompile(`https?://[^\s<>"]+`)

// pieces cuts text into plain runs and URLs. Only http and https URLs
// become links; html/template escapes every piece.
func pieces(text string) []textPiece {
	var out []textPiece
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		out = append(out, textPiece{Text: text[last:m[0]]}, textPiece{Text: text[m[0]:m[1]], Link: true})
		last = m[1]
	}
	return append(out, textPiece{Text: text[last:]})
}

// mailboxPage is GET /dev/mailbox: the mail the demo kept instead of sending,
// newest first. Every sign-in link in it works, so it is shown only to
// this machine (a loopback client) and only when the demo runs without
// --smtp.
func (a *App) mailboxPage(w http.ResponseWriter, r *http.Request) {
	if !a.mailboxAllowed(w, r) {
		return
	}
	msgs := a.mail.Messages()
	slices.Reverse(msgs)
	out := make([]mailboxMessage, len(msgs))
	for i, m := range msgs {
		out[i] = mailboxMessage{Delivered: m, Pieces: pieces(m.Text)}
	}
	a.render(w, r, http.StatusOK, "mailbox", page{Title: "Mailbox", Data: out})
}

// mailboxHTML is GET /dev/mailbox/{seq}: the HTML part of one message, as
// a mail client shows it. Its content security policy lets the mail's
// inline styles apply and nothing else run or load (no scripts, forms,
// frames or remote fetches beyond images).
func (a *App) mailboxHTML(w http.ResponseWriter, r *http.Request) {
	if !a.mailboxAllowed(w, r) {
		return
	}
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if err == nil {
		for _, m := range a.mail.Messages() {
			if m.Seq == seq && m.HTML != "" {
				h := w.Header()
				h.Set("Content-Type", "text/html; charset=utf-8")
				h.Set("Cache-Control", "no-store")
				h.Set("Content-Security-Policy", "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: https:")
				_, _ = w.Write([]byte(m.HTML))
				return
			}
		}
	}
	a.notFound(w, r)
}

// mailboxAllowed answers a request to the mailbox that may not see it: 404
// when mail goes to an SMTP server, 403 to a client on another machine.
func (a *App) mailboxAllowed(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case a.mail == nil:
		a.render(w, r, http.StatusNotFound, "message", page{Title: "No mailbox", Data: message{
			Heading: "No mailbox here",
			Text:    "The demo sends its mail through the SMTP server given with --smtp; look for it there.",
		}})
		return false
	case !loopback(r):
		a.render(w, r, http.StatusForbidden, "message", page{Title: "Mailbox", Data: message{
			Heading: "The mailbox is shown on this machine only",
			Text:    "Every sign-in link in it works, so it opens only from the machine the demo runs on (localhost). Start the demo with --smtp to send real mail.",
		}})
		return false
	}
	return true
}

// loopback reports whether r comes from this machine. The demo reads no
// forwarding header: behind a proxy on the same machine the mailbox would
// open for everyone the proxy serves, so do not put the demo behind one
// without --smtp.
func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
