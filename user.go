package authgo

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/jsonscan"
	"github.com/authgo/authgo/jwt"
)

// User is a person who signs in: what a provider's Authorize or profile
// mapping returns, and what an adapter stores. Role is authgo's addition for
// role-based access; it flows into the token and the session by default.
type User = adapter.User

// Account links a User to a provider: an OAuth account, the credentials
// provider, an email address. It carries the provider's tokens for OAuth.
type Account = adapter.Account

// Token is the payload of the session JWT: Auth.js's default claims (name,
// email, picture, sub), authgo's role, the registered claims that the codec
// sets (iat, exp, jti), and any further claims in Extra. It marshals to one
// flat JSON object, so a Next.js app with the same secret reads the same
// token, and Extra claims set there arrive here.
type Token struct {
	Subject   string // "sub": the user's id
	Name      string
	Email     string
	Picture   string
	Role      string
	IssuedAt  int64  // "iat", seconds
	ExpiresAt int64  // "exp", seconds
	ID        string // "jti"
	// Extra holds every other claim. Keys of the fields above are ignored
	// here when marshalling.
	Extra map[string]any
}

// tokenFields is the typed part of Token, as it appears on the wire.
type tokenFields struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Picture   string `json:"picture,omitempty"`
	Subject   string `json:"sub,omitempty"`
	Role      string `json:"role,omitempty"`
	IssuedAt  int64  `json:"iat,omitempty"`
	ExpiresAt int64  `json:"exp,omitempty"`
	ID        string `json:"jti,omitempty"`
}

var tokenKeys = map[string]bool{"name": true, "email": true, "picture": true, "sub": true, "role": true, "iat": true, "exp": true, "jti": true}

// MarshalJSON writes the token as one flat JSON object.
func (t Token) MarshalJSON() ([]byte, error) {
	f := tokenFields{t.Name, t.Email, t.Picture, t.Subject, t.Role, t.IssuedAt, t.ExpiresAt, t.ID}
	return mergeJSON(f, t.Extra, tokenKeys)
}

// UnmarshalJSON reads a flat JSON object; claims other than the typed ones
// land in Extra. A null name or picture (as Auth.js writes for a user
// without one) reads as "". It walks the object once: this runs on every
// session read.
func (t *Token) UnmarshalJSON(b []byte) error {
	*t = Token{}
	return readFlat(b, func(k string, v []byte) (bool, error) {
		switch k {
		case "sub":
			return true, readString(v, &t.Subject)
		case "name":
			return true, readString(v, &t.Name)
		case "email":
			return true, readString(v, &t.Email)
		case "picture":
			return true, readString(v, &t.Picture)
		case "role":
			return true, readString(v, &t.Role)
		case "jti":
			return true, readString(v, &t.ID)
		case "iat":
			return true, readSeconds(v, &t.IssuedAt)
		case "exp":
			return true, readSeconds(v, &t.ExpiresAt)
		}
		return false, nil
	}, &t.Extra)
}

// Clone returns a copy of t whose Extra map can be changed without changing t.
func (t *Token) Clone() *Token {
	if t == nil {
		return nil
	}
	c := *t
	c.Extra = maps.Clone(t.Extra)
	return &c
}

// Session is what the client sees of a session: the JSON of GET /session,
// and what Auth.Session returns to a handler.
type Session struct {
	User    *SessionUser
	Expires time.Time
	// Error is set when the session is degraded, e.g. "RefreshTokenError"
	// after a provider token could not be refreshed.
	Error string
	// Extra holds further top-level members (set by a Session callback).
	Extra map[string]any
	// AMR says how the user proved who they are, as RFC 8176 "amr" values
	// (the AMR constants): ["pwd","otp","mfa"] after a password and an
	// authenticator app code. Empty for a session issued by Auth.js, which
	// records none. With the second factor configured (TwoFactorConfig)
	// the session JSON carries it as "amr"; otherwise the JSON stays
	// exactly Auth.js's.
	AMR []string
	// AuthTime is when the user signed in (the token's auth_time; a
	// database session's creation time). With the second factor configured
	// the session JSON carries it as "auth_time", in seconds.
	AuthTime time.Time

	// Token is the decoded JWT behind a JWT-strategy session; nil for
	// database sessions. It is never sent to the client.
	Token *Token
	// UserRecord is the adapter's user behind a database session; nil for
	// JWT sessions. It is never sent to the client.
	UserRecord *User
}

// SessionUser is the user part of the session JSON.
type SessionUser struct {
	ID    string
	Name  string
	Email string
	Image string
	Role  string
	Extra map[string]any
}

type sessionUserFields struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Image string `json:"image,omitempty"`
	Role  string `json:"role,omitempty"`
}

var sessionUserKeys = map[string]bool{"id": true, "name": true, "email": true, "image": true, "role": true}

// MarshalJSON writes the user as one flat JSON object.
func (u SessionUser) MarshalJSON() ([]byte, error) {
	return mergeJSON(sessionUserFields{u.ID, u.Name, u.Email, u.Image, u.Role}, u.Extra, sessionUserKeys)
}

// UnmarshalJSON reads a flat JSON object into the typed fields and Extra.
func (u *SessionUser) UnmarshalJSON(b []byte) error {
	*u = SessionUser{}
	return readFlat(b, func(k string, v []byte) (bool, error) {
		switch k {
		case "id":
			return true, readString(v, &u.ID)
		case "name":
			return true, readString(v, &u.Name)
		case "email":
			return true, readString(v, &u.Email)
		case "image":
			return true, readString(v, &u.Image)
		case "role":
			return true, readString(v, &u.Role)
		}
		return false, nil
	}, &u.Extra)
}

type sessionFields struct {
	User     *SessionUser `json:"user,omitempty"`
	Expires  string       `json:"expires"`
	Error    string       `json:"error,omitempty"`
	AMR      []string     `json:"amr,omitempty"`
	AuthTime int64        `json:"auth_time,omitempty"`
}

var sessionKeys = map[string]bool{"user": true, "expires": true, "error": true, "amr": true, "auth_time": true}

// jsTime formats t as JavaScript's Date.prototype.toISOString does.
func jsTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// MarshalJSON writes the session as Auth.js does:
// {"user":{...},"expires":"2026-12-22T07:53:14.625Z"}.
func (s Session) MarshalJSON() ([]byte, error) {
	f := sessionFields{User: s.User, Expires: jsTime(s.Expires), Error: s.Error, AMR: s.AMR}
	if !s.AuthTime.IsZero() {
		f.AuthTime = s.AuthTime.Unix()
	}
	return mergeJSON(f, s.Extra, sessionKeys)
}

// UnmarshalJSON reads the session JSON of Auth.js or authgo.
func (s *Session) UnmarshalJSON(b []byte) error {
	var f sessionFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	exp, err := time.Parse(time.RFC3339Nano, f.Expires)
	if err != nil && f.Expires != "" {
		return err
	}
	*s = Session{User: f.User, Expires: exp, Error: f.Error, AMR: f.AMR}
	if f.AuthTime > 0 {
		s.AuthTime = time.Unix(f.AuthTime, 0)
	}
	return readFlat(b, func(k string, _ []byte) (bool, error) { return sessionKeys[k], nil }, &s.Extra)
}

// mergeJSON marshals typed, then adds the members of extra whose keys typed
// does not own, in key order (as encoding/json orders a map). It runs on
// every session read (the token is re-encoded), so plain values are written
// by appendJSON rather than through a map and encoding/json.
func mergeJSON(typed any, extra map[string]any, owned map[string]bool) ([]byte, error) {
	b, err := json.Marshal(typed)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var buf [8]string
	keys := buf[:0]
	for k := range extra {
		if !owned[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return b, nil
	}
	slices.Sort(keys)
	out := make([]byte, 0, len(b)+48*len(keys))
	out = append(out, b[:len(b)-1]...)
	for i, k := range keys {
		if i > 0 || len(b) > 2 { // b is "{}" when typed has no members
			out = append(out, ',')
		}
		if out, err = appendJSON(out, k); err != nil {
			return nil, err
		}
		out = append(out, ':')
		if out, err = appendJSON(out, extra[k]); err != nil {
			return nil, err
		}
	}
	return append(out, '}'), nil
}

// appendJSON appends v to dst as encoding/json writes it: by hand for
// printable-ASCII strings that need no escape, numbers that encoding/json
// writes without an exponent, booleans and null; through encoding/json for
// everything else.
func appendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		if plainJSONString(x) {
			dst = append(dst, '"')
			dst = append(dst, x...)
			return append(dst, '"'), nil
		}
	case float64:
		if a := math.Abs(x); a == 0 || a >= 1e-6 && a < 1e21 {
			return strconv.AppendFloat(dst, x, 'f', -1, 64), nil
		}
	case bool:
		return strconv.AppendBool(dst, x), nil
	case nil:
		return append(dst, "null"...), nil
	}
	e, err := json.Marshal(v)
	return append(dst, e...), err
}

// plainJSONString reports whether encoding/json writes s unchanged between
// quotes: printable ASCII without a quote, a backslash or the HTML
// characters it escapes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// readFlat walks the members of the JSON object b once: known reads the
// members it owns, every other member is decoded into *extra (left nil
// when there are none).
func readFlat(b []byte, known func(k string, v []byte) (bool, error), extra *map[string]any) error {
	return jwt.Members(b, func(k string, v []byte) error {
		ok, err := known(k, v)
		if err != nil || ok {
			return err
		}
		x, err := readValue(v)
		if err != nil {
			return err
		}
		if *extra == nil {
			*extra = map[string]any{}
		}
		(*extra)[k] = x
		return nil
	})
}

// readValue decodes one JSON value as encoding/json does into an any,
// without it for the plain strings and numbers that most claims are (this
// runs for every extra claim on every session read).
func readValue(v []byte) (any, error) {
	if len(v) > 0 && v[0] == '"' {
		var s string
		err := readString(v, &s)
		return s, err
	}
	if len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return f, nil
		}
	}
	var x any
	err := json.Unmarshal(v, &x)
	return x, err
}

// readString reads a JSON string (null reads as "") into dst, without
// encoding/json when the string has no escapes and is valid UTF-8 (else
// encoding/json replaces the invalid bytes, and so must we).
func readString(v []byte, dst *string) error {
	if p, ok := jsonscan.PlainString(v); ok {
		*dst = p
		return nil
	}
	if string(v) == "null" {
		*dst = ""
		return nil
	}
	return json.Unmarshal(v, dst)
}

// readSeconds reads a JSON number of seconds (null reads as 0).
func readSeconds(v []byte, dst *int64) error {
	if string(v) == "null" {
		*dst = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return fmt.Errorf("number expected, got %.20s", v)
	}
	*dst = int64(f)
	return nil
}
