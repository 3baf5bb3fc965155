package authgo

import (
	"encoding/json"
	"reflect"
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
