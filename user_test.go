package authgo_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/authgo/authgo"
)

func TestTokenJSONRoundTrip(t *testing.T) {
	in := `{"name":"Ada \"the\" Countess","email":"ada@example.com","picture":null,"sub":"user-1","role":"admin","iat":1795334138,"exp":2110694138.5,"jti":"9028edb3","orgs":["a","b"],"n":3,"auth_time":1795334138.123}`
	var tok authgo.Token
	if err := json.Unmarshal([]byte(in), &tok); err != nil {
		t.Fatal(err)
	}
	want := authgo.Token{Subject: "user-1", Name: `Ada "the" Countess`, Email: "ada@example.com", Role: "admin", IssuedAt: 1795334138, ExpiresAt: 2110694138, ID: "9028edb3",
		Extra: map[string]any{"orgs": []any{"a", "b"}, "n": 3.0, "auth_time": 1795334138.123}}
	if !reflect.DeepEqual(tok, want) {
		t.Fatalf("got %+v\nwant %+v", tok, want)
	}
	out, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	var back authgo.Token
	if err := json.Unmarshal(out, &back); err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip: %s → %+v (%v)", out, back, err)
	}
	// Extra cannot shadow a typed claim.
	tok.Extra["sub"] = "forged"
	out, _ = json.Marshal(tok)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	if m["sub"] != "user-1" {
		t.Fatalf("Extra overrode sub: %s", out)
	}
	for _, bad := range []string{`{"sub":1}`, `{"iat":"x"}`, `[]`, `{"name":"a"`} {
		if err := json.Unmarshal([]byte(bad), &tok); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestSessionJSONShape(t *testing.T) {
	s := authgo.Session{User: &authgo.SessionUser{Name: "Ada", Email: "ada@example.com", Extra: map[string]any{"plan": "pro"}}, Expires: time.Date(2026, 12, 22, 7, 53, 14, 625e6, time.UTC)}
	b, _ := json.Marshal(s)
	if string(b) != `{"user":{"name":"Ada","email":"ada@example.com","plan":"pro"},"expires":"2026-12-22T07:53:14.625Z"}` {
		t.Fatal(string(b))
	}
	var back authgo.Session
	if err := json.Unmarshal(b, &back); err != nil || back.User.Extra["plan"] != "pro" || !back.Expires.Equal(s.Expires) {
		t.Fatalf("%+v %v", back, err)
	}
}

func FuzzTokenJSON(f *testing.F) {
	f.Add([]byte(`{"sub":"a","name":null,"x":{"y":[1]}}`))
	f.Add([]byte(`{"iat":1e3,"exp":-1,"role":"\u0061dmin"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tok authgo.Token
		if json.Unmarshal(b, &tok) != nil {
			return
		}
		out, err := json.Marshal(tok)
		if err != nil {
			t.Fatalf("marshal of a decoded token failed: %v", err)
		}
		var back authgo.Token
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if back.Subject != tok.Subject || back.Role != tok.Role || back.IssuedAt != tok.IssuedAt {
			t.Fatalf("round trip changed typed claims: %+v vs %+v", tok, back)
		}
	})
}
