package jwt

import (
	"encoding/json"
	"unicode/utf8"
)

// Members calls fn with the key and the raw JSON value of each top-level
// member of the JSON object obj, in order, without decoding the values. It
// lets a claims type with open-ended members (a session token that carries
// any claims an app adds) read its known claims cheaply and decode only the
// others. It checks the object's structure, not the syntax inside the values
// it hands over; callers that get obj from encoding/json's Unmarshaler have
// it validated already. An error from fn stops the walk and is returned.
func Members(obj []byte, fn func(key string, value []byte) error) error {
	var s objScanner
	if err := s.begin(obj); err != nil {
		return err
	}
	for {
		m, ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		key := claimName(obj[m.keyStart:m.keyEnd])
		if m.escaped || !utf8.ValidString(key) {
			// As encoding/json reads it: escapes resolved, invalid
			// UTF-8 replaced.
			if err := json.Unmarshal(obj[m.start:m.keyEnd+1], &key); err != nil {
				return errSyntax
			}
		}
		if err := fn(key, obj[m.valStart:m.valEnd]); err != nil {
			return err
		}
	}
	return s.finish()
}

// claimName returns the key b as a string, without an allocation for the
// claims that session tokens carry (Auth.js's, and authgo's role, auth_time
// and session_id): Members runs on every session read.
func claimName(b []byte) string {
	switch string(b) { // no allocation: the compiler compares the bytes
	case "sub":
		return "sub"
	case "name":
		return "name"
	case "email":
		return "email"
	case "picture":
		return "picture"
	case "iat":
		return "iat"
	case "exp":
		return "exp"
	case "jti":
		return "jti"
	case "role":
		return "role"
	case "auth_time":
		return "auth_time"
	case "session_id":
		return "session_id"
	}
	return string(b)
}
