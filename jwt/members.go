package jwt

import "github.com/authgo/authgo/internal/jsonscan"

// Members calls fn with the key and the raw JSON value of each top-level
// member of the JSON object obj, in order, without decoding the values. It
// lets a claims type with open-ended members (a session token that carries
// any claims an app adds) read its known claims cheaply and decode only the
// others. Keys are read as encoding/json reads them: escapes resolved,
// invalid UTF-8 replaced. It checks the object's structure, not the syntax
// inside the values it hands over; callers that get obj from encoding/json's
// Unmarshaler have it validated already. An error from fn stops the walk and
// is returned.
func Members(obj []byte, fn func(key string, value []byte) error) error {
	return jsonscan.Members(obj, fn)
}
