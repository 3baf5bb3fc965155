// Package email sends authgo's mail: sign-in links and codes today, and the
// account mails (verification, password reset) that build on the same
// parts.
//
// A Sender delivers one Message. Three come with the package:
//
//   - SMTP talks to a mail server configured by one URL (ParseSMTPURL):
//     smtp://user:pass@host:587 uses STARTTLS when the server offers it,
//     ?starttls=required demands it, smtps://host:465 is TLS from the first
//     byte. Every failure is a *SendError that names the step (dial, tls,
//     auth, rcpt …) and is safe to log: it never holds the message body,
//     the password, the recipient or the server's text.
//   - Memory keeps messages in memory, for tests and a development mailbox.
//   - SenderFunc turns a function into a Sender (an HTTP mail API, say).
//
// Messages come from Content, a layout of heading, paragraphs, button, code
// and notes that html/template draws as HTML with a Theme (brand colour,
// button text, logo, light or dark) beside a plain-text part. SignIn is the
// sign-in mail, with Auth.js's subject "Sign in to <host>":
//
//	s, err := email.NewSMTP(cfg) // cfg from email.ParseSMTPURL(os.Getenv("SMTP_URL"))
//	m, err := email.SignIn{Host: "example.com", URL: link, Code: code,
//		ExpiresIn: 15 * time.Minute}.Message("Example <no-reply@example.com>", to, email.Theme{})
//	err = s.Send(ctx, m)
//
// Options configure authgo's email sign-in provider (providers.Email): the
// Sender, whether mail carries a link, a one-time code or both (Codes), how
// long each lasts, and the SendLimits. Normalize is the one form in which
// authgo stores and compares an address (NFKC, trimmed, lower case, and no
// look-alike built from invisible characters or mixed scripts).
package email
