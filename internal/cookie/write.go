package cookie

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Split cuts value into the cookies that carry it: one cookie named o.Name
// when it fits in ChunkSize, else o.Name.0, o.Name.1, … of ChunkSize each.
func Split(o Options, value string, expires time.Time) []*http.Cookie {
	if len(value) <= ChunkSize {
		return []*http.Cookie{o.Cookie(value, expires)}
	}
	var out []*http.Cookie
	for i := 0; i*ChunkSize < len(value); i++ {
		c := o.Cookie(chunkOf(value, i), expires)
		c.Name = chunkName(o.Name, i)
		out = append(out, c)
	}
	return out
}

// chunkOf is the i-th ChunkSize piece of value.
func chunkOf(value string, i int) string {
	return value[i*ChunkSize : min((i+1)*ChunkSize, len(value))]
}

func chunkName(name string, i int) string { return name + "." + strconv.Itoa(i) }

// pieceSet is the set of cookie names that hold (part of) the value of a
// name: the name itself, and name.N for the bits N of chunks.
type pieceSet struct {
	plain  bool
	chunks uint64
}

// pieces returns the names of the cookies that hold (part of) the value of
// name in r (when not nil) and in the Set-Cookie headers of w.
func pieces(w http.ResponseWriter, r *http.Request, name string) pieceSet {
	var ps pieceSet
	if r != nil {
		// Names only: a stale piece is deleted whatever its value holds.
		var cs chunkSet
		cs.read(r, name, false)
		ps = pieceSet{plain: cs.hasPlain, chunks: cs.has}
	}
	for _, line := range w.Header()["Set-Cookie"] {
		rest, ok := strings.CutPrefix(setCookieName(line), name)
		if !ok {
			continue
		}
		if rest == "" {
			ps.plain = true
		} else if i, ok := chunkIndex(rest); ok {
			ps.chunks |= 1 << i
		}
	}
	return ps
}

// expire deletes the cookies of ps, written with o's attributes.
func (ps pieceSet) expire(w http.ResponseWriter, o Options) {
	if ps.plain {
		write(w, o, o.Name, "", time.Time{}, -1)
	}
	for i := range MaxChunks {
		if ps.chunks&(1<<i) != 0 {
			write(w, o, chunkName(o.Name, i), "", time.Time{}, -1)
		}
	}
}

// WriteChunked sets value under o on w, chunked as Split does, and deletes
// every cookie that belonged to an earlier value of o.Name — sent by the
// request, or set on w already — and is not overwritten now, so switching
// between chunked and unchunked forms leaves nothing stale behind.
func WriteChunked(w http.ResponseWriter, r *http.Request, o Options, value string, expires time.Time) {
	stale := pieces(w, r, o.Name)
	n := (len(value) + ChunkSize - 1) / ChunkSize
	if n <= 1 {
		stale.plain = false
	} else {
		stale.chunks &^= 1<<min(n, 64) - 1
	}
	stale.expire(w, o)
	maxAge := o.maxAgeSeconds()
	if n <= 1 {
		write(w, o, o.Name, value, expires, maxAge)
		return
	}
	for i := range n {
		write(w, o, chunkName(o.Name, i), chunkOf(value, i), expires, maxAge)
	}
}

// ClearChunked deletes the cookie o.Name and every chunk of it that the
// request carries or w sets already. With no such cookie it still deletes
// the plain name, so a response always clears what it means to clear.
func ClearChunked(w http.ResponseWriter, r *http.Request, o Options) {
	ps := pieces(w, r, o.Name)
	ps.plain = true
	ps.expire(w, o)
}

// maxAgeSeconds is the Max-Age of o's cookies, in seconds (0: none).
func (o Options) maxAgeSeconds() int {
	if o.MaxAge > 0 {
		return int(o.MaxAge / time.Second)
	}
	return 0
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
	setLine(w.Header(), c.Name, c.String())
}

// WriteValue sets value under o on w in one cookie, as Write does.
func WriteValue(w http.ResponseWriter, o Options, value string, expires time.Time) {
	write(w, o, o.Name, value, expires, o.maxAgeSeconds())
}

// write sets the cookie name=value with o's attributes on w, as Write
// does; maxAge is in seconds (negative: Max-Age=0, zero: none).
func write(w http.ResponseWriter, o Options, name, value string, expires time.Time, maxAge int) {
	line, ok := setCookieLine(o, name, value, expires, maxAge)
	if !ok {
		c := o.Cookie(value, expires)
		c.Name, c.MaxAge = name, maxAge
		line = c.String()
	}
	setLine(w.Header(), name, line)
}

// setLine replaces the Set-Cookie of name on h with line (none when line
// is empty: net/http's Cookie.String refused the cookie) and marks the
// response Private.
func setLine(h http.Header, name, line string) {
	if lines := h["Set-Cookie"]; len(lines) > 0 {
		kept := lines[:0:0]
		for _, l := range lines {
			if setCookieName(l) != name {
				kept = append(kept, l)
			}
		}
		h["Set-Cookie"] = kept
	}
	if line != "" {
		h["Set-Cookie"] = append(h["Set-Cookie"], line)
	}
	Private(h)
}

// setCookieLine returns the Set-Cookie value that net/http's Cookie.String
// gives for name=value with o's attributes, built in one allocation (a
// session cookie is written on every request, and Cookie.String grows a
// builder several times). ok is false for a cookie that needs net/http's
// checks or changes — a Domain, a value to quote or clean, a path to clean
// — which the caller then leaves to net/http. FuzzSetCookieLine compares
// the two.
func setCookieLine(o Options, name, value string, expires time.Time, maxAge int) (line string, ok bool) {
	if o.Domain != "" || !httpguts.ValidHeaderFieldName(name) || !plainValue(value) || !plainPath(o.Path) {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(name) + len(value) + len(o.Path) + 100)
	b.WriteString(name)
	b.WriteByte('=')
	b.WriteString(value)
	if o.Path != "" {
		b.WriteString("; Path=")
		b.WriteString(o.Path)
	}
	var buf [len(http.TimeFormat)]byte
	if expires.Year() >= 1601 { // RFC 6265 §5.1.1, as net/http checks
		b.WriteString("; Expires=")
		b.Write(expires.UTC().AppendFormat(buf[:0], http.TimeFormat))
	}
	if maxAge > 0 {
		b.WriteString("; Max-Age=")
		b.Write(strconv.AppendInt(buf[:0], int64(maxAge), 10))
	} else if maxAge < 0 {
		b.WriteString("; Max-Age=0")
	}
	if o.HTTPOnly {
		b.WriteString("; HttpOnly")
	}
	if o.Secure {
		b.WriteString("; Secure")
	}
	switch o.SameSite {
	case http.SameSiteNoneMode:
		b.WriteString("; SameSite=None")
	case http.SameSiteLaxMode:
		b.WriteString("; SameSite=Lax")
	case http.SameSiteStrictMode:
		b.WriteString("; SameSite=Strict")
	}
	if o.Partitioned {
		b.WriteString("; Partitioned")
	}
	return b.String(), true
}

// plainValue reports whether net/http writes v as it is: valid cookie
// value bytes, and no space or comma (which it quotes).
func plainValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if byteClass[v[i]]&plainByte == 0 {
			return false
		}
	}
	return true
}

// plainPath reports whether net/http writes the path p as it is.
func plainPath(p string) bool {
	for i := 0; i < len(p); i++ {
		if byteClass[p[i]]&pathByte == 0 {
			return false
		}
	}
	return true
}

// cdnCacheHeaders are the CDN-targeted caching fields (RFC 9213's
// CDN-Cache-Control and its vendor forms), in canonical form.
var cdnCacheHeaders = []string{"Cdn-Cache-Control", "Cloudflare-Cdn-Cache-Control", "Surrogate-Control"}

// Vary adds Cookie to the Vary header of h: the response depends on the
// cookies of the request, so no cache may answer another request with it.
func Vary(h http.Header) {
	if !varies(h) {
		h.Add("Vary", "Cookie")
	}
}

// varies reports whether h's Vary covers Cookie (or is *).
func varies(h http.Header) bool {
	for _, v := range h["Vary"] {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f == "*" || strings.EqualFold(f, "Cookie") {
				return true
			}
		}
	}
	return false
}

// Private marks h as a response that sets a cookie, which must reach no
// one but the browser it was made for: Vary: Cookie, and Cache-Control:
// private, no-store unless it says private or no-store already. A
// Cache-Control that allows shared caches to store it ("public,
// max-age=3600", "no-cache", s-maxage) is replaced, and the CDN-targeted
// fields that would override it (CDN-Cache-Control of RFC 9213,
// Surrogate-Control) are removed.
func Private(h http.Header) {
	for _, k := range cdnCacheHeaders {
		delete(h, k)
	}
	addVary, setCache := !varies(h), !cachePrivate(h)
	if addVary && setCache && len(h["Vary"]) == 0 {
		SetHeaders(h, "Vary", "Cookie", "Cache-Control", "private, no-store")
		return
	}
	if addVary {
		h["Vary"] = append(h["Vary"], "Cookie")
	}
	if setCache {
		SetHeaders(h, "Cache-Control", "private, no-store")
	}
}

// cachePrivate reports whether h's Cache-Control says private or no-store.
func cachePrivate(h http.Header) bool {
	for _, v := range h["Cache-Control"] {
		for d := range strings.SplitSeq(v, ",") {
			d, _, _ = strings.Cut(strings.TrimSpace(d), "=")
			if strings.EqualFold(d, "private") || strings.EqualFold(d, "no-store") {
				return true
			}
		}
	}
	return false
}

// SetHeaders sets each header of the pairs kv (key, value, key, value, …;
// keys in canonical form, as http.CanonicalHeaderKey gives) to its one
// value, as Header.Set does, with one allocation for all of them (a
// response on the session path sets several). Each value slice has room
// for exactly its value, so a later Add copies it rather than write into
// its neighbour.
func SetHeaders(h http.Header, kv ...string) {
	vals := make([]string, len(kv)/2)
	for i := range vals {
		vals[i] = kv[2*i+1]
		h[kv[2*i]] = vals[i : i+1 : i+1]
	}
}
