package authgo

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Writing the JSON of tokens and sessions. Each session read re-encodes the
// token and writes the session JSON; through encoding/json that cost more
// than the token's crypto (reflection, then a validating copy of what each
// MarshalJSON method returns), so the shapes authgo owns are appended to
// one buffer here. The bytes are exactly encoding/json's, HTML escaping
// included (FuzzAppendValue and FuzzTokenJSON compare them): Auth.js reads
// the same token and clients the same session. Values of a type this file
// does not know (an app's own struct in Extra) go through encoding/json.
// encoding/json has no append API for a single string or value, hence the
// string escaper below, which follows its rules.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string as encoding/json writes it: <,
// > and & escaped for HTML, U+2028 and U+2029 escaped for JavaScript,
// invalid UTF-8 replaced by U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendValue appends v as encoding/json writes it: by hand for strings,
// finite numbers, booleans, null and slices of them (the claims and
// session members authgo and Auth.js write); through encoding/json for
// everything else.
func appendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return appendString(dst, x), nil
	case float64:
		if !math.IsInf(x, 0) && !math.IsNaN(x) {
			return appendFloat(dst, x), nil
		}
	case bool:
		return strconv.AppendBool(dst, x), nil
	case nil:
		return append(dst, "null"...), nil
	case []string:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		return append(dst, ']'), nil
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendValue(dst, e); err != nil {
				return dst, err
			}
		}
		return append(dst, ']'), nil
	}
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

// appendFloat appends the finite f as encoding/json writes a float64: like
// JavaScript, with an exponent (e-7, not e-07) below 1e-6 and from 1e21.
func appendFloat(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if n := len(dst); format == 'e' && n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}

// object appends the members of one JSON object, remembering whether a
// comma is due and the first error.
type object struct {
	b    []byte
	more bool
	err  error
}

func (o *object) key(k string) {
	if o.more {
		o.b = append(o.b, ',')
	}
	o.more = true
	o.b = appendString(o.b, k)
	o.b = append(o.b, ':')
}

// str appends k: v unless v is empty (omitempty).
func (o *object) str(k, v string) {
	if v != "" {
		o.key(k)
		o.b = appendString(o.b, v)
	}
}

// int appends k: v unless v is 0 (omitempty).
func (o *object) int(k string, v int64) {
	if v != 0 {
		o.key(k)
		o.b = strconv.AppendInt(o.b, v, 10)
	}
}

// extra appends the members of m whose keys owned does not own, in key
// order (as encoding/json orders a map).
func (o *object) extra(m map[string]any, owned func(string) bool) {
	if len(m) == 0 {
		return
	}
	var buf [8]string
	keys := buf[:0]
	for k := range m {
		if !owned(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		o.key(k)
		if o.err == nil {
			o.b, o.err = appendValue(o.b, m[k])
		}
	}
}

// done closes the object.
func (o *object) done() ([]byte, error) {
	return append(o.b, '}'), o.err
}

// appendObject starts an object on dst.
func appendObject(dst []byte) object { return object{b: append(dst, '{')} }

func isTokenKey(k string) bool {
	switch k {
	case "name", "email", "picture", "sub", "role", "iat", "exp", "jti":
		return true
	}
	return false
}

func isSessionUserKey(k string) bool {
	switch k {
	case "id", "name", "email", "image", "role":
		return true
	}
	return false
}

func isSessionKey(k string) bool {
	switch k {
	case "user", "expires", "error", "amr", "auth_time":
		return true
	}
	return false
}

// AppendPayload appends the token as one flat JSON object: the typed
// claims (those with a value; the Subject as both "sub" and "id", unless
// Extra has an "id" of its own), then the Extra claims in key order, Extra
// keys of the typed claims ignored. It is the token's JSON (MarshalJSON),
// and lets the jwt codec write it without encoding/json
// (jwt.PayloadAppender).
func (t *Token) AppendPayload(dst []byte) ([]byte, error) {
	o := appendObject(dst)
	o.str("name", t.Name)
	o.str("email", t.Email)
	o.str("picture", t.Picture)
	o.str("sub", t.Subject)
	if _, own := t.Extra["id"]; !own {
		// The user's id once more as "id": the claim the Auth.js docs'
		// callbacks set (token.id = user.id) and read back (session.user.id
		// = token.id), so a Next.js app written that way shows the user.
		o.str("id", t.Subject)
	}
	o.str("role", t.Role)
	o.int("iat", t.IssuedAt)
	o.int("exp", t.ExpiresAt)
	o.str("jti", t.ID)
	o.extra(t.Extra, isTokenKey)
	return o.done()
}

// MarshalJSON writes the token as one flat JSON object (see AppendPayload).
func (t Token) MarshalJSON() ([]byte, error) { return t.AppendPayload(nil) }

// appendJSON appends the user as one flat JSON object.
func (u *SessionUser) appendJSON(dst []byte) ([]byte, error) {
	o := appendObject(dst)
	o.str("id", u.ID)
	o.str("name", u.Name)
	o.str("email", u.Email)
	o.str("image", u.Image)
	o.str("role", u.Role)
	o.extra(u.Extra, isSessionUserKey)
	return o.done()
}

// MarshalJSON writes the user as one flat JSON object.
func (u SessionUser) MarshalJSON() ([]byte, error) { return u.appendJSON(nil) }

// appendJSON appends the session as Auth.js writes it,
// {"user":{...},"expires":"2026-12-22T07:53:14.625Z"}, then error, amr
// and auth_time when set (and methods is true) and the Extra members in
// key order.
func (s *Session) appendJSON(dst []byte, methods bool) ([]byte, error) {
	o := appendObject(dst)
	if s.User != nil {
		o.key("user")
		o.b, o.err = s.User.appendJSON(o.b)
	}
	o.key("expires")
	o.b = append(o.b, '"')
	o.b = s.Expires.UTC().AppendFormat(o.b, jsTimeLayout)
	o.b = append(o.b, '"')
	o.str("error", s.Error)
	if len(s.AMR) > 0 && methods {
		o.key("amr")
		o.b, _ = appendValue(o.b, s.AMR)
	}
	if !s.AuthTime.IsZero() && methods {
		o.int("auth_time", s.AuthTime.Unix())
	}
	o.extra(s.Extra, isSessionKey)
	return o.done()
}

// MarshalJSON writes the session as Auth.js does (see appendJSON).
func (s Session) MarshalJSON() ([]byte, error) { return s.appendJSON(nil, true) }

// jsTimeLayout formats a UTC time as JavaScript's Date.prototype.toISOString.
const jsTimeLayout = "2006-01-02T15:04:05.000Z"

// jsonBufs pools the buffers responses are written from.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}
