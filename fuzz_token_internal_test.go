package authgo

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

// FuzzTokenReadPayload: ReadPayload refuses what encoding/json refuses and
// gives, for every valid object, the claims encoding/json gives: the
// typed ones as the old reflection-based reading did, every other one as
// json.Unmarshal into an any.
func FuzzTokenReadPayload(f *testing.F) {
	for _, s := range []string{
		`{"sub":"a","name":null,"x":{"y":[1]}}`, `{"iat":1e3,"exp":-1,"role":"\u0061dmin"}`,
		`{"e":"esc\"aped","\u00e9":"\u00e9t\u00e9","bad":"` + "\xff" + `"}`, `{"n":1779612345.678,"z":-0,"big":1e400}`,
		`{"t":true,"f":false,"nil":null,"o":{"a":[1,"b"]},"a":[]}`, `{"n":01}`, `{"n":1.}`, `{"n":+1}`, `{"l":nul}`,
		`{"session_id":"2f1c2e0a-8d5e-4c3b-9a7f-1e2d3c4b5a69","amr":["pwd"],"auth_time":1764512345.678}`,
		`{"a":["x",1,true,null,-0.5e3]}`, `{"a":[ ]}`, `{"a":[1,]}`, `{"a":["\u00e9",[1]]}`, `{"a":[1 2]}`, `{"a":[tru]}`,
		` {"a":1} `, `{"a":1}x`, `{"sub":5}`, `{"iat":"x"}`, `{"iat":null}`, `[]`, `{"a" 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var tok Token
		err := tok.ReadPayload(b)
		var m map[string]any
		wantErr := json.Unmarshal(b, &m)
		if wantErr != nil || m == nil {
			if err == nil {
				t.Fatalf("%q: read as %+v; encoding/json refuses it (%v)", b, tok, wantErr)
			}
			return
		}
		want, typedErr := tokenOracle(m)
		if (err == nil) != (typedErr == nil) {
			t.Fatalf("%q: error %v, want %v", b, err, typedErr)
		}
		if err == nil && !reflect.DeepEqual(tok, want) {
			t.Fatalf("%q:\n got %#v\nwant %#v", b, tok, want)
		}
	})
}

// tokenOracle is the token encoding/json's map reading gives: string
// claims (null as ""), numeric iat and exp (truncated), the rest in Extra.
func tokenOracle(m map[string]any) (Token, error) {
	var t Token
	for k, v := range m {
		var dst *string
		var secs *int64
		switch k {
		case "sub":
			dst = &t.Subject
		case "name":
			dst = &t.Name
		case "email":
			dst = &t.Email
		case "picture":
			dst = &t.Picture
		case "role":
			dst = &t.Role
		case "jti":
			dst = &t.ID
		case "iat":
			secs = &t.IssuedAt
		case "exp":
			secs = &t.ExpiresAt
		default:
			if t.Extra == nil {
				t.Extra = map[string]any{}
			}
			t.Extra[k] = v
			continue
		}
		switch x := v.(type) {
		case nil:
		case string:
			if dst == nil {
				return t, &json.UnmarshalTypeError{Value: "string"}
			}
			*dst = x
		case float64:
			if secs == nil {
				return t, &json.UnmarshalTypeError{Value: "number"}
			}
			*secs = int64(x)
		default:
			return t, &json.UnmarshalTypeError{Value: "other"}
		}
	}
	return t, nil
}

// FuzzAppendValue: appendValue writes a string, a number, a boolean, null
// or a slice of them byte for byte as encoding/json does.
func FuzzAppendValue(f *testing.F) {
	f.Add("plain", 1779612345.678)
	f.Add("<b>&\"\\\n\t\b\f\r\x01\x7f", 1e21)
	f.Add("\u2028é\u2029\xff\xc3", 1e-7)
	f.Add("", math.Copysign(0, -1)) // negative zero
	f.Add("日本", 123456789e-30)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		for _, v := range []any{s, x, true, false, nil, []string{s, "b"}, []any{s, x, nil, []any{}}, []string(nil), []any(nil), map[string]any{s: x}} {
			want, wantErr := json.Marshal(v)
			got, err := appendValue([]byte("prefix"), v)
			if (err == nil) != (wantErr == nil) || err == nil && string(got) != "prefix"+string(want) {
				t.Fatalf("%#v: %q (%v), encoding/json %q (%v)", v, got, err, want, wantErr)
			}
		}
	})
}

// FuzzTokenSessionJSONBytes: the token and session JSON written by hand is byte for
// byte what encoding/json wrote through the typed structs the code used
// before (tokenJSONOracle, sessionJSONOracle).
func FuzzTokenSessionJSONBytes(f *testing.F) {
	f.Add("user-1", "Ada <Lovelace>", "admin", int64(1795334138), "session_id", "x\u2028", 1764512345.678, int64(1798000000))
	f.Add("", "", "", int64(0), "sub", "", 0.0, int64(-1))
	f.Add("é\xff", "\"q\"", "r", int64(-5), "name", "v", 1e300, int64(0))
	f.Fuzz(func(t *testing.T, sub, name, role string, iat int64, key, val string, num float64, unix int64) {
		tok := Token{Subject: sub, Name: name, Role: role, IssuedAt: iat, ID: "jti-1", Extra: map[string]any{key: val, "n": num, "amr": []any{"pwd", val}, "email": "ignored"}}
		got, err := json.Marshal(tok)
		want, wantErr := tokenJSONOracle(tok)
		if (err == nil) != (wantErr == nil) || err == nil && string(got) != string(want) {
			t.Fatalf("token %q (%v)\noracle %q (%v)", got, err, want, wantErr)
		}
		s := Session{User: &SessionUser{ID: sub, Name: name, Role: role, Extra: map[string]any{key: val, "id": "ignored"}},
			Expires: time.Unix(unix, 0), Error: val, AMR: []string{"pwd", val}, AuthTime: time.Unix(iat, 0), Extra: map[string]any{key: num, "user": "ignored"}}
		got, err = json.Marshal(s)
		want, wantErr = sessionJSONOracle(s)
		if (err == nil) != (wantErr == nil) || err == nil && string(got) != string(want) {
			t.Fatalf("session %q (%v)\noracle %q (%v)", got, err, want, wantErr)
		}
	})
}

// mergeOracle marshals typed with encoding/json and adds the members of
// extra whose keys owned does not hold, in key order, each marshalled by
// encoding/json.
func mergeOracle(typed any, extra map[string]any, owned func(string) bool) ([]byte, error) {
	b, err := json.Marshal(typed)
	if err != nil {
		return nil, err
	}
	var keys []string
	for k := range extra {
		if !owned(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	out := b[:len(b)-1]
	for _, k := range keys {
		if len(out) > 1 {
			out = append(out, ',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(extra[k])
		if err != nil {
			return nil, err
		}
		out = append(append(append(out, kb...), ':'), vb...)
	}
	return append(out, '}'), nil
}

func tokenJSONOracle(t Token) ([]byte, error) {
	type fields struct {
		Name      string `json:"name,omitempty"`
		Email     string `json:"email,omitempty"`
		Picture   string `json:"picture,omitempty"`
		Subject   string `json:"sub,omitempty"`
		UserID    string `json:"id,omitempty"` // the Subject again, unless Extra has an "id"
		Role      string `json:"role,omitempty"`
		IssuedAt  int64  `json:"iat,omitempty"`
		ExpiresAt int64  `json:"exp,omitempty"`
		ID        string `json:"jti,omitempty"`
	}
	userID := t.Subject
	if _, own := t.Extra["id"]; own {
		userID = ""
	}
	return mergeOracle(fields{t.Name, t.Email, t.Picture, t.Subject, userID, t.Role, t.IssuedAt, t.ExpiresAt, t.ID}, t.Extra, isTokenKey)
}

type userOracle SessionUser

func (u userOracle) MarshalJSON() ([]byte, error) {
	type fields struct {
		ID    string `json:"id,omitempty"`
		Name  string `json:"name,omitempty"`
		Email string `json:"email,omitempty"`
		Image string `json:"image,omitempty"`
		Role  string `json:"role,omitempty"`
	}
	return mergeOracle(fields{u.ID, u.Name, u.Email, u.Image, u.Role}, u.Extra, isSessionUserKey)
}

func sessionJSONOracle(s Session) ([]byte, error) {
	type fields struct {
		User     *userOracle `json:"user,omitempty"`
		Expires  string      `json:"expires"`
		Error    string      `json:"error,omitempty"`
		AMR      []string    `json:"amr,omitempty"`
		AuthTime int64       `json:"auth_time,omitempty"`
	}
	f := fields{User: (*userOracle)(s.User), Expires: s.Expires.UTC().Format("2006-01-02T15:04:05.000Z"), Error: s.Error, AMR: s.AMR}
	if !s.AuthTime.IsZero() {
		f.AuthTime = s.AuthTime.Unix()
	}
	return mergeOracle(f, s.Extra, isSessionKey)
}
