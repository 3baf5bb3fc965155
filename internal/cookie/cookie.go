// Package cookie holds the wire details of authgo's cookies: the Auth.js
// names and attributes, and the chunking of values too long for one cookie.
package cookie

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
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

// Value returns the value of the request cookie name (the first one when the
// name repeats, as Auth.js reads it), URL-decoded when it holds a %.
func Value(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return decode(c.Value)
}

func decode(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	if d, err := url.PathUnescape(v); err == nil {
		return d
	}
	return v
}

// chunk is one request cookie that belongs to a chunked value.
type chunk struct {
	name  string
	index int // -1 for the unchunked name
	value string
}

// chunks returns the request cookies that make up the value of name: the
// cookie name itself and name.N for decimal N, with non-empty values, in the
// order they are to be joined. Other cookies that merely start with name are
// ignored.
func chunks(r *http.Request, name string) []chunk {
	var out []chunk
	seen := map[string]bool{}
	for _, c := range r.Cookies() {
		if !strings.HasPrefix(c.Name, name) || c.Value == "" || seen[c.Name] {
			continue
		}
		idx := -1
		if rest := c.Name[len(name):]; rest != "" {
			n, ok := chunkIndex(rest)
			if !ok {
				continue
			}
			idx = n
		}
		seen[c.Name] = true
		out = append(out, chunk{name: c.Name, index: idx, value: c.Value})
		if len(out) > MaxChunks {
			break
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].index < out[j].index })
	return out
}

// chunkIndex parses ".N" with N a small decimal number.
func chunkIndex(s string) (int, bool) {
	if len(s) < 2 || len(s) > 4 || s[0] != '.' {
		return 0, false
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil || n < 0 || n >= MaxChunks || strconv.Itoa(n) != s[1:] {
		return 0, false
	}
	return n, true
}

// ReadChunked returns the value stored under name, joining name.0, name.1, …
// in order when the value was chunked. It returns "" when there is none, or
// when the request carries more than MaxChunks pieces.
func ReadChunked(r *http.Request, name string) string {
	cs := chunks(r, name)
	if len(cs) > MaxChunks {
		return ""
	}
	switch len(cs) {
	case 0:
		return ""
	case 1:
		return decode(cs[0].value)
	}
	// A plain cookie next to chunks means a stale leftover of the other
	// form; the chunks are the value.
	var b strings.Builder
	for _, c := range cs {
		if c.index < 0 {
			continue
		}
		b.WriteString(c.value)
	}
	return decode(b.String())
}

// Split cuts value into the cookies that carry it: one cookie named o.Name
// when it fits in ChunkSize, else o.Name.0, o.Name.1, … of ChunkSize each.
func Split(o Options, value string, expires time.Time) []*http.Cookie {
	if len(value) <= ChunkSize {
		return []*http.Cookie{o.Cookie(value, expires)}
	}
	var out []*http.Cookie
	for i := 0; i*ChunkSize < len(value); i++ {
		end := min((i+1)*ChunkSize, len(value))
		c := o.Cookie(value[i*ChunkSize:end], expires)
		c.Name = o.Name + "." + strconv.Itoa(i)
		out = append(out, c)
	}
	return out
}

// WriteChunked sets value under o on w, chunked as Split does, and deletes
// every cookie that belonged to an earlier value of o.Name — sent by the
// request, or set on w already — and is not overwritten now, so switching
// between chunked and unchunked forms leaves nothing stale behind.
func WriteChunked(w http.ResponseWriter, r *http.Request, o Options, value string, expires time.Time) {
	fresh := Split(o, value, expires)
	written := make(map[string]bool, len(fresh))
	for _, c := range fresh {
		written[c.Name] = true
	}
	for _, name := range pieces(w, r, o.Name) {
		if !written[name] {
			Write(w, o.Expired(name))
		}
	}
	for _, c := range fresh {
		Write(w, c)
	}
}

// ClearChunked deletes the cookie o.Name and every chunk of it that the
// request carries or w sets already. With no such cookie it still deletes
// the plain name, so a response always clears what it means to clear.
func ClearChunked(w http.ResponseWriter, r *http.Request, o Options) {
	cleared := false
	for _, name := range pieces(w, r, o.Name) {
		Write(w, o.Expired(name))
		cleared = cleared || name == o.Name
	}
	if !cleared {
		Write(w, o.Expired(o.Name))
	}
}

// pieces returns the names of the cookies that hold (part of) the value of
// name in r and in the Set-Cookie headers of w, each once.
func pieces(w http.ResponseWriter, r *http.Request, name string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if r != nil {
		for _, c := range chunks(r, name) {
			add(c.name)
		}
	}
	for _, line := range w.Header().Values("Set-Cookie") {
		n := setCookieName(line)
		if rest, ok := strings.CutPrefix(n, name); ok {
			if _, isChunk := chunkIndex(rest); rest == "" || isChunk {
				add(n)
			}
		}
	}
	return out
}

// setCookieName is the cookie name of a Set-Cookie header value.
func setCookieName(line string) string {
	name, _, _ := strings.Cut(line, "=")
	return strings.TrimSpace(name)
}

// Write sets c on w. A Set-Cookie of the same name already on w is
// replaced, so a response carries at most one per name however many times
// the session is written while it is handled. The response is marked
// Private.
func Write(w http.ResponseWriter, c *http.Cookie) {
	h := w.Header()
	if lines := h.Values("Set-Cookie"); len(lines) > 0 {
		kept := lines[:0:0]
		for _, line := range lines {
			if setCookieName(line) != c.Name {
				kept = append(kept, line)
			}
		}
		h["Set-Cookie"] = kept
	}
	http.SetCookie(w, c)
	Private(h)
}

// Vary adds Cookie to the Vary header of h: the response depends on the
// cookies of the request, so no cache may answer another request with it.
func Vary(h http.Header) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Cookie") {
				return
			}
		}
	}
	h.Add("Vary", "Cookie")
}

// Private marks h as a response that sets a cookie, which must reach no
// one but the browser it was made for: Vary: Cookie, and Cache-Control:
// private, no-store unless it says private or no-store already. A
// Cache-Control that allows shared caches to store it ("public,
// max-age=3600", "no-cache", s-maxage) is replaced, and the CDN-targeted
// fields that would override it (CDN-Cache-Control of RFC 9213,
// Surrogate-Control) are removed.
func Private(h http.Header) {
	Vary(h)
	for _, k := range []string{"CDN-Cache-Control", "Cloudflare-CDN-Cache-Control", "Surrogate-Control"} {
		h.Del(k)
	}
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			d, _, _ = strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(d, "private") || strings.EqualFold(d, "no-store") {
				return
			}
		}
	}
	h.Set("Cache-Control", "private, no-store")
}
