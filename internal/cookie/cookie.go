// Package cookie holds the wire details of authgo's cookies: the Auth.js
// names and attributes, and the chunking of values too long for one cookie.
package cookie

import (
	"net/http"
	"time"
)

// ChunkSize is the longest value one cookie carries before the value is split
// into <name>.0, <name>.1, … cookies: 4096 bytes less an estimated 160 for the
// name and attributes, as Auth.js computes it.
const ChunkSize = 4096 - 160

// MaxChunks bounds how many chunks a reader assembles, so a request cannot
// make the server join an unbounded number of cookies. 64 chunks are far
// more than any browser sends for one site.
const MaxChunks = 64

// Options describes one cookie: its name and the attributes it is written
// with. A zero MaxAge writes no Max-Age attribute.
type Options struct {
	Name        string
	Domain      string
	Path        string
	SameSite    http.SameSite
	Secure      bool
	HTTPOnly    bool
	Partitioned bool
	MaxAge      time.Duration
}

// Set is the set of cookies authgo writes, keyed as Auth.js keys them.
type Set struct {
	SessionToken Options
	CallbackURL  Options
	CSRFToken    Options
	PKCE         Options
	State        Options
	Nonce        Options
	Challenge    Options
}

// Defaults returns the Auth.js v5 default cookies: names prefixed with
// __Secure- (the CSRF cookie with __Host-) and marked Secure when secure is
// true, all HttpOnly, SameSite=Lax and Path=/.
func Defaults(secure bool) Set {
	prefix, hostPrefix := "", ""
	if secure {
		prefix, hostPrefix = "__Secure-", "__Host-"
	}
	o := func(name string, maxAge time.Duration) Options {
		return Options{Name: name, Path: "/", SameSite: http.SameSiteLaxMode, Secure: secure, HTTPOnly: true, MaxAge: maxAge}
	}
	return Set{
		SessionToken: o(prefix+"authjs.session-token", 0),
		CallbackURL:  o(prefix+"authjs.callback-url", 0),
		CSRFToken:    o(hostPrefix+"authjs.csrf-token", 0),
		PKCE:         o(prefix+"authjs.pkce.code_verifier", 15*time.Minute),
		State:        o(prefix+"authjs.state", 15*time.Minute),
		Nonce:        o(prefix+"authjs.nonce", 0),
		Challenge:    o(prefix+"authjs.challenge", 15*time.Minute),
	}
}

// Cookie builds the http.Cookie that writes value under o. A non-zero expires
// adds an Expires attribute.
func (o Options) Cookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{
		Name:        o.Name,
		Value:       value,
		Path:        o.Path,
		Domain:      o.Domain,
		Secure:      o.Secure,
		HttpOnly:    o.HTTPOnly,
		SameSite:    o.SameSite,
		Partitioned: o.Partitioned,
	}
	if o.MaxAge > 0 {
		c.MaxAge = int(o.MaxAge / time.Second)
	}
	if !expires.IsZero() {
		c.Expires = expires.UTC()
	}
	return c
}

// Expired builds the http.Cookie that deletes the cookie named name written
// with o's attributes (empty value, Max-Age=0).
func (o Options) Expired(name string) *http.Cookie {
	c := o.Cookie("", time.Time{})
	c.Name = name
	c.MaxAge = -1 // net/http writes Max-Age=0
	return c
}
