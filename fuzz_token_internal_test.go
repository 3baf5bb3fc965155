package authgo

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// FuzzReadValue: for every valid JSON value, readValue (the fast path for
// the extra claims of a session token) gives what encoding/json gives.
func FuzzReadValue(f *testing.F) {
	for _, s := range []string{`"plain"`, `"esc\"aped"`, `"\u00e9t\u00e9"`, "\"\xff\"", `1779612345.678`, `-0`, `1e400`, `-12e-3`, `0.1`, `null`, `true`, `{"a":[1,"b"]}`, `[]`, `"2f1c2e0a-8d5e-4c3b-9a7f-1e2d3c4b5a69"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		if !json.Valid(v) {
			return
		}
		got, gotErr := readValue(v)
		var want any
		wantErr := json.Unmarshal(v, &want)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: error %v, encoding/json %v", v, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, encoding/json %#v", v, got, want)
		}
	})
}

// FuzzAppendJSON: appendJSON writes a string, a number or a map of them
// byte for byte as encoding/json does, and mergeJSON gives the object
// encoding/json gives for the typed members and the extra ones together.
func FuzzAppendJSON(f *testing.F) {
	f.Add("plain", 1779612345.678, "session_id")
	f.Add("<b>&\"\\\n", 1e21, "auth_time")
	f.Add("\u2028é", 1e-7, "")
	f.Add("", math.Copysign(0, -1), "name") // negative zero
	f.Fuzz(func(t *testing.T, s string, x float64, key string) {
		for _, v := range []any{s, x, true, nil, map[string]any{key: s}} {
			want, wantErr := json.Marshal(v)
			got, err := appendJSON([]byte("prefix"), v)
			if (err == nil) != (wantErr == nil) || err == nil && string(got) != "prefix"+string(want) {
				t.Fatalf("%#v: %q (%v), encoding/json %q (%v)", v, got, err, want, wantErr)
			}
		}
		tok := Token{Subject: "user-1", Name: s, Extra: map[string]any{"n": x, "b": false, "sub": "ignored"}}
		tok.Extra[key] = s
		b, err := json.Marshal(tok)
		var want map[string]any
		if json.Unmarshal(b, &want) != nil && err == nil {
			t.Fatalf("%+v marshals to invalid JSON %q", tok, b)
		}
		if err != nil {
			return // x is NaN or infinite: encoding/json refuses it too
		}
		// s as encoding/json reads it back (invalid UTF-8 replaced).
		q, _ := json.Marshal(s)
		var sBack string
		json.Unmarshal(q, &sBack)
		var back Token
		if err := json.Unmarshal(b, &back); err != nil || back.Subject != "user-1" || back.Name != sBack {
			t.Fatalf("%q reads back as %+v, %v", b, back, err)
		}
		if keyQ, _ := json.Marshal(key); !strings.Contains(string(b), string(keyQ)+":"+string(q)) && !tokenKeys[key] {
			t.Fatalf("%q lacks the extra member %s:%s", b, keyQ, q)
		}
	})
}
