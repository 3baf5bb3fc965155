package email

import (
	"errors"
	"strconv"
	"time"
)

// SignIn is the sign-in mail, as Auth.js's email provider sends it: subject
// "Sign in to <host>", a heading with the host, a "Sign in" button to the
// link, and "If you did not request this email you can safely ignore it."
// authgo adds a one-time code when one is given, the link written out for
// clients that draw no button, and how long the link and code stay valid.
type SignIn struct {
	// Host is the site's host as the reader knows it ("example.com"),
	// shown in the subject and the heading. Required.
	Host string
	// URL is the sign-in link. Required unless Code is set (codes-only
	// sign-in).
	URL string
	// Code is the one-time code; "" for none.
	Code string
	// ExpiresIn is how long URL stays valid, shown as "This link expires
	// in 24 hours."; zero shows nothing.
	ExpiresIn time.Duration
	// CodeExpiresIn is how long Code stays valid; zero means ExpiresIn.
	CodeExpiresIn time.Duration
}

// ErrInvalidSignIn is returned by SignIn.Message when Host, or both URL and
// Code, are missing.
var ErrInvalidSignIn = errors.New("email: a sign-in mail needs a Host and a URL or a Code")

// Content returns the parts of the sign-in mail, for a caller that changes
// a sentence before rendering it.
func (s SignIn) Content() Content {
	c := Content{
		Subject: "Sign in to " + s.Host,
		Heading: "Sign in to",
		Host:    s.Host,
		Code:    s.Code,
		Notes:   []string{"If you did not request this email you can safely ignore it."},
	}
	if s.URL != "" {
		c.Button = &Button{Label: "Sign in", URL: s.URL}
	}
	if n := s.expiry(); n != "" {
		c.Notes = append([]string{n}, c.Notes...)
	}
	return c
}

// Message returns the sign-in mail from → to, drawn with t.
func (s SignIn) Message(from, to string, t Theme) (*Message, error) {
	if s.Host == "" || s.URL == "" && s.Code == "" {
		return nil, ErrInvalidSignIn
	}
	return s.Content().Message(from, to, t)
}

// expiry is the sentence that says how long the link and the code last.
func (s SignIn) expiry() string {
	link, code := s.ExpiresIn, s.CodeExpiresIn
	if code == 0 {
		code = link
	}
	switch {
	case s.URL != "" && s.Code != "" && link > 0 && link == code:
		return "The link and the code expire in " + humanDuration(link) + "."
	case s.URL != "" && s.Code != "" && link > 0 && code > 0:
		return "The link expires in " + humanDuration(link) + ", the code in " + humanDuration(code) + "."
	case s.URL != "" && link > 0:
		return "This link expires in " + humanDuration(link) + "."
	case s.Code != "" && code > 0:
		return "This code expires in " + humanDuration(code) + "."
	}
	return ""
}

// humanDuration writes d in the largest unit that divides it: "24 hours",
// "15 minutes", "90 seconds" (rounded up to the second).
func humanDuration(d time.Duration) string {
	d = (d + time.Second - 1).Truncate(time.Second)
	n, unit := int64(d/time.Second), "second"
	switch {
	case d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d%time.Minute == 0:
		n, unit = int64(d/time.Minute), "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.FormatInt(n, 10) + " " + unit
}
