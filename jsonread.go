package authgo

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/authgo/authgo/internal/jsonscan"
)

// Reading the JSON of tokens and sessions: a session token's payload is
// read on every request, in one pass over its members with the shared
// scanner (internal/jsonscan), without encoding/json's validating pre-scan
// and reflection. The reader validates what it reads itself — the
// object's structure by the scanner, plain strings and numbers here, every
// other value by encoding/json — so it refuses what json.Unmarshal
// refuses and gives the same values (FuzzTokenReadPayload compares them).
// The strings it returns are substrings of one copy of the payload: one
// allocation for all of them.

// flatReader reads the members of one flat JSON object.
type flatReader struct {
	b   []byte
	all string // b as a string, made on the first string read
}

// sub returns b[i:j] as a string, a substring of r.all.
func (r *flatReader) sub(i, j int) string {
	if r.all == "" {
		r.all = string(r.b)
	}
	return r.all[i:j]
}

// key returns the member's key, decoded.
func (r *flatReader) key(m *jsonscan.Member) (string, error) {
	if m.KeyPlain {
		return r.sub(m.KeyStart, m.KeyEnd), nil
	}
	return m.DecodedKey(r.b)
}

// str reads a string member; null reads as "", as Auth.js writes a user
// without a name or picture.
func (r *flatReader) str(m *jsonscan.Member) (string, error) {
	if m.ValPlain {
		return r.sub(m.ValStart+1, m.ValEnd-1), nil
	}
	v := m.Value(r.b)
	if string(v) == "null" {
		return "", nil
	}
	var s string
	err := json.Unmarshal(v, &s) // escapes, invalid UTF-8, or not a string
	return s, err
}

// seconds reads a number of seconds (null reads as 0), truncated.
func (r *flatReader) seconds(m *jsonscan.Member) (int64, error) {
	v := m.Value(r.b)
	if string(v) == "null" {
		return 0, nil
	}
	f, err := jsonscan.Number(v)
	if err != nil {
		return 0, fmt.Errorf("number expected, got %.20s", v)
	}
	return int64(f), nil
}

// value reads any member as encoding/json decodes into an any.
func (r *flatReader) value(m *jsonscan.Member) (any, error) {
	if m.ValPlain {
		return r.sub(m.ValStart+1, m.ValEnd-1), nil
	}
	v := m.Value(r.b)
	switch string(v) {
	case "null":
		return nil, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	if c := v[0]; c == '-' || c >= '0' && c <= '9' {
		return jsonscan.Number(v)
	}
	if a, ok := r.flatArray(m.ValStart, m.ValEnd); ok {
		return a, nil
	}
	var x any
	err := json.Unmarshal(v, &x)
	return x, err
}

// flatArray reads the array b[i:end] when it holds only plain strings,
// numbers, booleans and null (as the amr claim, ["pwd","otp"], does),
// and reports whether it did; any other array is left to encoding/json.
func (r *flatReader) flatArray(i, end int) ([]any, bool) {
	b := r.b
	if b[i] != '[' || b[end-1] != ']' {
		return nil, false
	}
	end--
	out := []any{}
	for i = jsonscan.SkipSpace(b, i+1); i < end; {
		vEnd, plain, err := jsonscan.Value(b, i)
		if err != nil || vEnd > end {
			return nil, false
		}
		switch v := b[i:vEnd]; {
		case plain:
			out = append(out, r.sub(i+1, vEnd-1))
		case string(v) == "true" || string(v) == "false":
			out = append(out, string(v) == "true")
		case string(v) == "null":
			out = append(out, nil)
		case jsonscan.ValidNumber(v):
			f, err := jsonscan.Number(v)
			if err != nil {
				return nil, false
			}
			out = append(out, f)
		default:
			return nil, false
		}
		if i = jsonscan.SkipSpace(b, vEnd); i < end {
			if b[i] != ',' {
				return nil, false
			}
			if i = jsonscan.SkipSpace(b, i+1); i >= end {
				return nil, false // a comma before the bracket
			}
		}
	}
	return out, true
}

// readObject walks the object b once: known reads the members it owns and
// reports whether it did; every other member is decoded into *extra (left
// nil when there are none).
func readObject(b []byte, known func(r *flatReader, key string, m *jsonscan.Member) (bool, error), extra *map[string]any) error {
	r := flatReader{b: b}
	var s jsonscan.Object
	s.Reset(b)
	for s.Next() {
		m := s.Member()
		k, err := r.key(m)
		if err != nil {
			return err
		}
		ok, err := known(&r, k, m)
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		v, err := r.value(m)
		if err != nil {
			return err
		}
		if *extra == nil {
			*extra = make(map[string]any, 4)
		}
		(*extra)[k] = v
	}
	if s.Err() != nil {
		return errors.New("authgo: not a JSON object")
	}
	return nil
}

// ReadPayload reads a flat JSON object into t, in one pass: the typed
// claims into their fields, every other claim into Extra. A null name or
// picture (as Auth.js writes for a user without one) reads as "". It is
// the token's UnmarshalJSON, and lets the jwt codec read a payload without
// encoding/json (jwt.PayloadReader).
func (t *Token) ReadPayload(b []byte) error {
	*t = Token{}
	var id string
	err := readObject(b, func(r *flatReader, k string, m *jsonscan.Member) (ok bool, err error) {
		switch k {
		case "id":
			id, err = r.str(m)
		case "sub":
			t.Subject, err = r.str(m)
		case "name":
			t.Name, err = r.str(m)
		case "email":
			t.Email, err = r.str(m)
		case "picture":
			t.Picture, err = r.str(m)
		case "role":
			t.Role, err = r.str(m)
		case "jti":
			t.ID, err = r.str(m)
		case "iat":
			t.IssuedAt, err = r.seconds(m)
		case "exp":
			t.ExpiresAt, err = r.seconds(m)
		default:
			return false, nil
		}
		return true, err
	}, &t.Extra)
	// "id" is the Subject again (see AppendPayload); another value, set by
	// a Next.js callback, is kept as it came.
	if err == nil && id != "" && id != t.Subject {
		if t.Extra == nil {
			t.Extra = map[string]any{}
		}
		t.Extra["id"] = id
	}
	return err
}

// UnmarshalJSON reads a flat JSON object (see ReadPayload).
func (t *Token) UnmarshalJSON(b []byte) error { return t.ReadPayload(b) }

// UnmarshalJSON reads a flat JSON object into the typed fields and Extra.
func (u *SessionUser) UnmarshalJSON(b []byte) error {
	*u = SessionUser{}
	return readObject(b, func(r *flatReader, k string, m *jsonscan.Member) (ok bool, err error) {
		switch k {
		case "id":
			u.ID, err = r.str(m)
		case "name":
			u.Name, err = r.str(m)
		case "email":
			u.Email, err = r.str(m)
		case "image":
			u.Image, err = r.str(m)
		case "role":
			u.Role, err = r.str(m)
		default:
			return false, nil
		}
		return true, err
	}, &u.Extra)
}

// sessionFields is the typed part of the session JSON, for reading it.
type sessionFields struct {
	User     *SessionUser `json:"user,omitempty"`
	Expires  string       `json:"expires"`
	Error    string       `json:"error,omitempty"`
	AMR      []string     `json:"amr,omitempty"`
	AuthTime int64        `json:"auth_time,omitempty"`
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
	return readObject(b, func(_ *flatReader, k string, _ *jsonscan.Member) (bool, error) { return isSessionKey(k), nil }, &s.Extra)
}
