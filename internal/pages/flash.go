package pages

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authgo/authgo/internal/cookie"
)

// Flash is what a failed credentials sign-in hands to the sign-in page it
// redirects to: the provider whose form failed, what was typed into the
// fields of that form that are not passwords, and the sentence for each
// field the app refused. With it the page comes back at its own URL
// (/signin?error=CredentialsSignin) with the form as the user left it.
//
// A flash travels in a short-lived cookie sealed with the app's secret
// rather than in the redirect's query: an email address in a URL ends up in
// access logs, browser history and Referer headers, and text in a query
// could be put on the page by anyone who links to it. The password is
// never part of a flash.
type Flash struct {
	Provider string            `json:"p"`
	Values   map[string]string `json:"v,omitempty"`
	Errors   map[string]string `json:"e,omitempty"`
}

// Sealer encrypts and authenticates a flash for a cookie name and reads it
// back, refusing one that is expired or was not sealed with the app's
// secret; *jwt.Codec is one.
type Sealer interface {
	Encode(claims any, salt string, maxAge time.Duration) (string, error)
	DecodeInto(token, salt string, dst any) error
}

// FlashMaxAge is how long a flash waits for the sign-in page that shows it:
// one redirect, so a minute is plenty.
const FlashMaxAge = time.Minute

// FlashCookieName is the name of the flash cookie over http; over https it
// carries the __Secure- prefix.
const FlashCookieName = "authgo.signin-flash"

// Bounds of a flash, so that what a client posts cannot grow the cookie
// past what a browser keeps: each value and each sentence is cut to
// maxFlashText bytes, and a flash holds at most maxFlashFields of each.
const (
	maxFlashText   = 256
	maxFlashFields = 16
	// maxFlashCookie is the longest sealed value written; a larger one is
	// dropped and the page shows only its error banner.
	maxFlashCookie = cookie.ChunkSize
)

// FlashCookie returns the cookie a flash travels in: HttpOnly,
// SameSite=Lax, host-only, sent only to path (the auth endpoints' base
// path), living FlashMaxAge; Secure and named with __Secure- when secure.
func FlashCookie(secure bool, path string) cookie.Options {
	name := FlashCookieName
	if secure {
		name = "__Secure-" + name
	}
	if path == "" {
		path = "/"
	}
	return cookie.Options{Name: name, Path: path, SameSite: http.SameSiteLaxMode, Secure: secure, HTTPOnly: true, MaxAge: FlashMaxAge}
}

// NewFlash returns the flash of a failed post to provider's credentials
// form: posted(name) for each of fields that is not a password input, and
// errs, the app's sentence per field. Empty values are left out, and every
// value is cut to the flash's bounds.
func NewFlash(provider string, fields []Field, posted func(name string) string, errs map[string]string) Flash {
	f := Flash{Provider: provider}
	for _, fd := range fields {
		if strings.EqualFold(fd.Type, "password") || len(f.Values) == maxFlashFields {
			continue
		}
		if v := cut(posted(fd.Name)); v != "" {
			if f.Values == nil {
				f.Values = make(map[string]string)
			}
			f.Values[fd.Name] = v
		}
	}
	for k, v := range errs {
		if len(f.Errors) == maxFlashFields {
			break
		}
		if f.Errors == nil {
			f.Errors = make(map[string]string)
		}
		f.Errors[cut(k)] = cut(v)
	}
	return f
}

// cut shortens s to at most maxFlashText bytes without splitting a rune.
func cut(s string) string {
	if len(s) <= maxFlashText {
		return s
	}
	s = s[:maxFlashText]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// SaveFlash seals f and sets it as the cookie o on w. A flash whose sealed
// form is larger than one cookie is not set; the error is the sealer's.
func SaveFlash(w http.ResponseWriter, o cookie.Options, s Sealer, f Flash) error {
	v, err := s.Encode(f, o.Name, FlashMaxAge)
	if err != nil || len(v) > maxFlashCookie {
		return err
	}
	http.SetCookie(w, o.Cookie(v, time.Time{}))
	return nil
}

// TakeFlash returns the flash r carries in the cookie o and deletes the
// cookie on w, so a flash is shown once. ok is false when there is none, or
// when it is expired, forged or sealed with another secret.
func TakeFlash(w http.ResponseWriter, r *http.Request, o cookie.Options, s Sealer) (f Flash, ok bool) {
	raw := cookie.Value(r, o.Name)
	if raw == "" {
		return Flash{}, false
	}
	http.SetCookie(w, o.Expired(o.Name))
	if len(raw) > maxFlashCookie || s.DecodeInto(raw, o.Name, &f) != nil || f.Provider == "" {
		return Flash{}, false
	}
	return f, true
}
