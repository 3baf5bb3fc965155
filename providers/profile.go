package providers

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/authgo/authgo"
)

// DefaultProfile is Auth.js's default profile mapping: id from sub or id,
// name from name, nickname or preferred_username, email, image from
// picture.
func DefaultProfile(p map[string]any, _ TokenSet) (authgo.User, error) {
	return authgo.User{
		ID:    Str(p, "sub", "id"),
		Name:  Str(p, "name", "nickname", "preferred_username"),
		Email: Str(p, "email"),
		Image: Str(p, "picture"),
	}, nil
}

// Str returns the first of keys whose value in m is a non-empty string or
// a number (formatted exactly), else "".
func Str(m map[string]any, keys ...string) string {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case json.Number:
			return v.String()
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case int64:
			return strconv.FormatInt(v, 10)
		case int:
			return strconv.Itoa(v)
		}
	}
	return ""
}

// Obj returns m[key] as an object, or nil.
func Obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// Bool reads a boolean claim that providers send as true/false or as the
// strings "true"/"false" (Apple). It is nil when v is neither.
func Bool(v any) *bool {
	var b bool
	switch x := v.(type) {
	case bool:
		b = x
	case string:
		switch strings.ToLower(x) {
		case "true":
			b = true
		case "false":
		default:
			return nil
		}
	default:
		return nil
	}
	return &b
}

// EnvName is the provider id as it appears in AUTH_<ID>_ID: upper case,
// with - turned into _ (microsoft-entra-id → MICROSOFT_ENTRA_ID).
func EnvName(id string) string {
	return strings.ToUpper(strings.ReplaceAll(id, "-", "_"))
}
