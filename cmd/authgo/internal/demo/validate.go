package demo

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authgo/authgo/email"
)

// Input limits of the demo's forms and JSON API.
const (
	maxFormBytes   = 16 << 10 // a sign-in or post form
	maxJSONBytes   = 64 << 10 // a JSON request body
	minPasswordLen = 8        // characters
	maxPasswordLen = 1024     // characters; authgo refuses longer values too
	minTitleLen    = 3        // characters
	maxTitleLen    = 200      // characters
	maxContentLen  = 20000    // characters
)

// fieldErrors maps a field name to the message shown next to it. A nil or
// empty map means the input is valid.
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// signInForm is the validated input of the login form.
type signInForm struct {
	Email    string
	Password string
}

// validateSignIn checks the login form. Its messages speak only of syntax,
// never of whether an account exists.
func validateSignIn(addr, password string) (signInForm, fieldErrors) {
	errs := fieldErrors{}
	f := signInForm{Password: password}
	var ok bool
	if strings.TrimSpace(addr) == "" {
		errs.add("email", "Enter your email address.")
	} else if f.Email, ok = email.Normalize(addr); !ok {
		errs.add("email", "Enter an email address like name@example.com.")
	}
	// The minimum counts characters (8 emoji are 8); the maximum counts
	// bytes, the bound authgo and package password enforce.
	switch {
	case password == "":
		errs.add("password", "Enter your password.")
	case utf8.RuneCountInString(password) < minPasswordLen:
		errs.add("password", "Passwords have at least 8 characters.")
	case len(password) > maxPasswordLen:
		errs.add("password", "Passwords have at most 1024 characters.")
	}
	return f, errs
}

// postInput is the validated input of a new post.
type postInput struct {
	Title   string
	Content string
}

// validatePost checks a new post: a title of 3 to 200 characters, content
// of at most 20,000, both valid UTF-8 without control characters other
// than line breaks and tabs in the content.
func validatePost(title, content string) (postInput, fieldErrors) {
	errs := fieldErrors{}
	in := postInput{Title: strings.TrimSpace(title), Content: strings.TrimSpace(content)}
	switch n := utf8.RuneCountInString(in.Title); {
	case !utf8.ValidString(in.Title) || hasControl(in.Title, false):
		errs.add("title", "The title contains characters that are not allowed.")
	case n < minTitleLen || n > maxTitleLen:
		errs.add("title", "The title must be between 3 and 200 characters.")
	}
	switch {
	case !utf8.ValidString(in.Content) || hasControl(in.Content, true):
		errs.add("content", "The content contains characters that are not allowed.")
	case utf8.RuneCountInString(in.Content) > maxContentLen:
		errs.add("content", "The content must be at most 20,000 characters.")
	}
	return in, errs
}

// hasControl reports whether s holds a control character; multiline allows
// line feeds, carriage returns and tabs.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}
