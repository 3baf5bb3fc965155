package cookie

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Reading cookies: every request reads the session cookie (and its
// chunks), and the callback-url cookie, and writing the session cookie
// looks for stale chunks. net/http's Request.Cookie and Request.Cookies
// parse the whole Cookie header into a new *http.Cookie per cookie on
// each call, so this file walks the header itself, with exactly their
// rules (FuzzEachMatchesNetHTTP checks it), and allocates nothing when
// the value is a single cookie.

// maxCookies is net/http's default limit (GODEBUG httpcookiemaxnum) on
// the number of cookies a request may carry: past it Request.Cookies
// returns none, and so does each.
const maxCookies = 3000

// each calls fn with the name and value of each cookie of r whose name
// want accepts, in order — the cookies, and the values, Request.Cookies
// returns — until fn returns false. Only the values of wanted cookies are
// checked (a session token is a kilobyte or more).
func each(r *http.Request, want func(name string) bool, fn func(name, value string) bool) {
	walk(r, want, true, fn)
}

// walk is each, checking the values when check is true; otherwise fn is
// given each wanted cookie's value unchecked (only its quotes removed),
// for callers that look at names alone.
func walk(r *http.Request, want func(name string) bool, check bool, fn func(name, value string) bool) {
	lines := r.Header["Cookie"]
	if len(lines) == 0 {
		return
	}
	n := 0
	for _, line := range lines {
		n += strings.Count(line, ";") + 1
	}
	if n > maxCookies {
		return
	}
	for _, line := range lines {
		line = textproto.TrimString(line)
		for len(line) > 0 {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = textproto.TrimString(part)
			if part == "" {
				continue
			}
			name, val, _ := strings.Cut(part, "=")
			name = textproto.TrimString(name)
			if !want(name) || !httpguts.ValidHeaderFieldName(name) {
				continue
			}
			val, ok := cookieValue(val, check)
			if ok && !fn(name, val) {
				return
			}
		}
	}
}

// cookieValue is a cookie value as net/http reads it: surrounding double
// quotes removed, refused when a byte is not allowed in a cookie value.
func cookieValue(raw string, check bool) (string, bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw = raw[1 : len(raw)-1]
	}
	if check && !validValue(raw) {
		return "", false
	}
	return raw, true
}

func validValueByte(b byte) bool { return byteClass[b]&valueByte != 0 }

// validValue reports whether every byte of s is a validValueByte. A
// session token is half a kilobyte or more on every request, so it looks
// at eight bytes at a time with the word tests of "Bit Twiddling Hacks"
// (Sean Eron Anderson): for n <= 0x80, (x - n*lsb) &^ x & 0x80*lsb is not
// zero exactly when some byte of x is below n, and with n = 1 on x ^ c*lsb
// when some byte equals c. A value byte is 0x20-0x7e but '"', ';' and '\\'.
func validValue(s string) bool {
	const lsb = 0x0101010101010101
	zero := func(e uint64) uint64 { return (e - lsb) &^ e } // bit 7 where a byte of e is 0
	for len(s) >= 8 {
		w := s[:8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		bad := x | (x-0x20*lsb)&^x // a byte >= 0x80 or below 0x20
		bad |= zero(x^0x7f*lsb) | zero(x^'"'*lsb) | zero(x^';'*lsb) | zero(x^'\\'*lsb)
		if bad&(0x80*lsb) != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if !validValueByte(s[i]) {
			return false
		}
	}
	return true
}

// Byte classes of cookie values and paths, looked up once per byte: a
// session token is a kilobyte or more, read and written on every request.
const (
	valueByte = 1 << iota // allowed in a cookie value (RFC 6265 §4.1.1, as net/http)
	plainByte             // a value byte net/http writes without quoting the value
	pathByte              // allowed in a Path attribute
)

var byteClass = func() (t [256]uint8) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = pathByte
		if b != '"' && b != ';' && b != '\\' {
			t[b] |= valueByte
			if b != ' ' && b != ',' {
				t[b] |= plainByte
			}
		}
	}
	t[';'] &^= pathByte
	return t
}()

// Value returns the value of the request cookie name (the first one when the
// name repeats, as Auth.js reads it), URL-decoded when it holds a %.
func Value(r *http.Request, name string) string {
	v := ""
	each(r, func(n string) bool { return n == name }, func(_, val string) bool {
		v = val
		return false
	})
	return decode(v)
}

// Has reports whether the request carries a cookie named name.
func Has(r *http.Request, name string) bool {
	found := false
	each(r, func(n string) bool { return n == name }, func(string, string) bool {
		found = true
		return false
	})
	return found
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

// chunkSet holds the request cookies that make up the value of a name:
// the cookie name itself and name.N for decimal N, each the first of its
// name with a non-empty value. Other cookies that merely start with name
// are ignored.
type chunkSet struct {
	plain    string // the value of name itself, when hasPlain
	chunks   [MaxChunks]string
	has      uint64 // bit N: name.N is present
	hasPlain bool
	count    int
}

// read collects the chunks of name in r; check is each's (false: the
// names are what counts, the values are not checked).
func (cs *chunkSet) read(r *http.Request, name string, check bool) {
	walk(r, func(n string) bool { return strings.HasPrefix(n, name) }, check, func(n, v string) bool {
		rest, _ := strings.CutPrefix(n, name)
		if v == "" {
			return true
		}
		switch idx, isChunk := chunkIndex(rest); {
		case rest == "" && !cs.hasPlain:
			cs.plain, cs.hasPlain = v, true
		case isChunk && cs.has&(1<<idx) == 0:
			cs.chunks[idx] = v
			cs.has |= 1 << idx
		default:
			return true
		}
		cs.count++
		return true
	})
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
	var cs chunkSet
	cs.read(r, name, true)
	switch {
	case cs.count == 0 || cs.count > MaxChunks:
		return ""
	case cs.count == 1 && cs.hasPlain:
		return decode(cs.plain)
	}
	// A plain cookie next to chunks means a stale leftover of the other
	// form; the chunks are the value.
	var b strings.Builder
	for i := range MaxChunks {
		if cs.has&(1<<i) != 0 {
			b.WriteString(cs.chunks[i])
		}
	}
	return decode(b.String())
}
