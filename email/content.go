package email

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"net/url"
	"strings"
)

// Content is what an automated mail says, in parts that one layout draws
// as HTML (with the Theme) and as plain text: a heading, paragraphs, an
// optional button, an optional one-time code and closing notes. Sign-in
// mail (SignIn) is one use; account verification, password reset or "someone
// tried to sign up with your address" are others.
//
// Every value is text: html/template escapes it in the HTML part, so an
// address or host name cannot add markup.
type Content struct {
	// Subject is the subject line. Required.
	Subject string
	// Heading is the first line of the mail, e.g. "Sign in to". Required.
	Heading string
	// Host, when set, follows Heading in bold ("Sign in to example.com").
	// In the HTML part a zero-width space goes before each dot so that
	// mail clients do not turn the name into a link.
	Host string
	// Intro holds paragraphs between the heading and the button.
	Intro []string
	// Button is the call to action; nil for none.
	Button *Button
	// Code is a one-time code shown large below the button; "" for none.
	// One line of at most 64 characters.
	Code string
	// CodeLabel introduces Code. Empty means "Or enter this code:" with a
	// Button and "Enter this code:" without.
	CodeLabel string
	// Notes are closing paragraphs in smaller type ("If you did not
	// request this email you can safely ignore it.").
	Notes []string
}

// Button is a link drawn as a button.
type Button struct {
	// Label is the button's text, e.g. "Sign in". Required.
	Label string
	// URL is where the button leads: an absolute http or https URL.
	// Required.
	URL string
	// Fallback introduces the same URL written out below the button, for
	// clients that do not draw it. Empty means "If the button does not
	// work, paste this link into your browser:".
	Fallback string
}

// ErrInvalidContent is wrapped by the errors of Content.Render.
var ErrInvalidContent = errors.New("email: invalid content")

func contentErr(why string) error { return &contentError{why} }

type contentError struct{ why string }

func (e *contentError) Error() string { return ErrInvalidContent.Error() + ": " + e.why }
func (e *contentError) Unwrap() error { return ErrInvalidContent }

//go:embed templates/mail.html
var templates embed.FS

var mailHTML = template.Must(template.New("mail.html").Funcs(template.FuncMap{
	"nolink": nolink,
}).ParseFS(templates, "templates/mail.html"))

// Message renders c with t and returns the message from → to, with the
// headers that mark it as automated: Auto-Submitted: auto-generated
// (RFC 3834) and X-Auto-Response-Suppress: All (Exchange), so that
// out-of-office replies are not sent back.
func (c Content) Message(from, to string, t Theme) (*Message, error) {
	text, html, err := c.Render(t)
	if err != nil {
		return nil, err
	}
	m := &Message{
		From: from, To: to, Subject: c.Subject, Text: text, HTML: html,
		Header: map[string]string{
			"Auto-Submitted":           "auto-generated",
			"X-Auto-Response-Suppress": "All",
		},
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Render returns the plain-text and HTML bodies of c, drawn with t. It
// fails when a required part is missing or the button URL is not an
// absolute http(s) URL.
func (c Content) Render(t Theme) (text, html string, err error) {
	base, err := c.validate()
	if err != nil {
		return "", "", err
	}
	c = c.withDefaults()
	var b bytes.Buffer
	if err := mailHTML.Execute(&b, mailView{Content: c, Theme: t.view(base)}); err != nil {
		return "", "", err
	}
	return c.text(), b.String(), nil
}

// mailView is the data of templates/mail.html.
type mailView struct {
	Content
	Theme themeView
}

// validate checks c and returns the parsed button URL (nil without one).
func (c Content) validate() (*url.URL, error) {
	switch {
	case strings.TrimSpace(c.Subject) == "" || !oneLine(c.Subject):
		return nil, contentErr("Subject must be one non-empty line")
	case strings.TrimSpace(c.Heading) == "":
		return nil, contentErr("Heading is empty")
	case len(c.Code) > 64 || !oneLine(c.Code):
		return nil, contentErr("Code must be one line of at most 64 characters")
	case c.Button == nil:
		return nil, nil
	case strings.TrimSpace(c.Button.Label) == "":
		return nil, contentErr("Button.Label is empty")
	}
	u, err := url.Parse(c.Button.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(c.Button.URL, " \t\r\n") {
		return nil, contentErr("Button.URL must be an absolute http or https URL")
	}
	return u, nil
}

func (c Content) withDefaults() Content {
	if c.Code != "" && c.CodeLabel == "" {
		c.CodeLabel = "Enter this code:"
		if c.Button != nil {
			c.CodeLabel = "Or enter this code:"
		}
	}
	if c.Button != nil && c.Button.Fallback == "" {
		b := *c.Button
		b.Fallback = "If the button does not work, paste this link into your browser:"
		c.Button = &b
	}
	return c
}

// text is the plain-text body: the same parts as the HTML, the URL on a
// line of its own so that clients make it a link.
func (c Content) text() string {
	var b strings.Builder
	b.WriteString(c.Heading)
	if c.Host != "" {
		b.WriteString(" " + c.Host)
	}
	b.WriteString("\n")
	for _, p := range c.Intro {
		b.WriteString("\n" + p + "\n")
	}
	if c.Button != nil {
		b.WriteString("\n" + c.Button.Label + ":\n" + c.Button.URL + "\n")
	}
	if c.Code != "" {
		b.WriteString("\n" + c.CodeLabel + " " + c.Code + "\n")
	}
	if len(c.Notes) > 0 {
		b.WriteString("\n" + strings.Join(c.Notes, "\n") + "\n")
	}
	return b.String()
}

// nolink puts a zero-width space before each dot of a host name, so that
// mail clients do not turn "example.com" into a link (a reader should
// follow the button, not a name). The result is still escaped by
// html/template.
func nolink(host string) string { return strings.ReplaceAll(host, ".", "\u200b.") }
