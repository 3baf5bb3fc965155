package jwt

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestMembers(t *testing.T) {
	obj := []byte(` {"a":1, "b\u0061" : "x\"y" ,"c":{"d":[1,2,{"e":null}]},"f":null} `)
	var keys []string
	var vals []string
	if err := Members(obj, func(k string, v []byte) error {
		keys = append(keys, k)
		vals = append(vals, string(v))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "ba", "c", "f"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %q", keys)
	}
	if want := []string{"1", `"x\"y"`, `{"d":[1,2,{"e":null}]}`, "null"}; !reflect.DeepEqual(vals, want) {
		t.Fatalf("values %q", vals)
	}
	// Keys read as encoding/json reads them: invalid UTF-8 replaced.
	var got []string
	_ = Members([]byte("{\"a\xbd\":1}"), func(k string, _ []byte) error { got = append(got, k); return nil })
	var ref map[string]any
	_ = json.Unmarshal([]byte("{\"a\xbd\":1}"), &ref)
	for k := range ref {
		if len(got) != 1 || got[0] != k {
			t.Fatalf("key %q, encoding/json reads %q", got, k)
		}
	}
	for _, bad := range []string{"", "[]", `{"a":1`, `{"a" 1}`, `{"a":1,}`, `{"a":1} x`, `{a:1}`} {
		if err := Members([]byte(bad), func(string, []byte) error { return nil }); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzMembers(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":"c"}`))
	f.Add([]byte(`{"x":{"y":[1,"]"]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			_ = Members(b, func(string, []byte) error { return nil })
			return
		}
		var m map[string]json.RawMessage
		isObj := json.Unmarshal(b, &m) == nil
		n := 0
		err := Members(b, func(k string, v []byte) error {
			n++
			if !json.Valid(v) {
				t.Fatalf("value %q of key %q is not valid JSON", v, k)
			}
			return nil
		})
		if isObj != (err == nil) {
			t.Fatalf("Members err=%v on %q (object: %v)", err, b, isObj)
		}
	})
}
