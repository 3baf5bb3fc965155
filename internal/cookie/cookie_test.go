package cookie

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func requestWith(cookies ...*http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	return r
}

func TestDefaultNames(t *testing.T) {
	plain, secure := Defaults(false), Defaults(true)
	cases := []struct{ got, want string }{
		{plain.SessionToken.Name, "authjs.session-token"},
		{secure.SessionToken.Name, "__Secure-authjs.session-token"},
		{plain.CSRFToken.Name, "authjs.csrf-token"},
		{secure.CSRFToken.Name, "__Host-authjs.csrf-token"},
		{secure.CallbackURL.Name, "__Secure-authjs.callback-url"},
		{secure.PKCE.Name, "__Secure-authjs.pkce.code_verifier"},
		{plain.State.Name, "authjs.state"},
		{plain.Nonce.Name, "authjs.nonce"},
		{plain.Challenge.Name, "authjs.challenge"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("name %q, want %q", c.got, c.want)
		}
	}
	if !secure.SessionToken.Secure || plain.SessionToken.Secure {
		t.Error("Secure attribute must follow https")
	}
	if plain.PKCE.MaxAge != 15*time.Minute || plain.Nonce.MaxAge != 0 {
		t.Error("check cookie max ages differ from Auth.js")
	}
}

func TestSetCookieHeaderShape(t *testing.T) {
	w := httptest.NewRecorder()
	exp := time.Date(2026, 12, 22, 7, 53, 14, 0, time.UTC)
	WriteChunked(w, nil, Defaults(false).SessionToken, "abc", exp)
	got := w.Header().Values("Set-Cookie")
	want := "authjs.session-token=abc; Path=/; Expires=Tue, 22 Dec 2026 07:53:14 GMT; HttpOnly; SameSite=Lax"
	if len(got) != 1 || got[0] != want {
		t.Fatalf("Set-Cookie = %q, want %q", got, want)
	}
}

func TestChunkingRoundTrip(t *testing.T) {
	o := Defaults(true).SessionToken
	value := strings.Repeat("x", ChunkSize*2+100)
	w := httptest.NewRecorder()
	WriteChunked(w, nil, o, value, time.Now().Add(time.Hour))
	resp := w.Result()
	cs := resp.Cookies()
	if len(cs) != 3 {
		t.Fatalf("%d cookies, want 3", len(cs))
	}
	for i, c := range cs {
		if want := o.Name + "." + string(rune('0'+i)); c.Name != want {
			t.Errorf("chunk %d named %q, want %q", i, c.Name, want)
		}
		if i < 2 && len(c.Value) != ChunkSize {
			t.Errorf("chunk %d holds %d chars, want %d", i, len(c.Value), ChunkSize)
		}
	}
	// Read them back in a shuffled order.
	r := requestWith(cs[2], cs[0], cs[1])
	if got := ReadChunked(r, o.Name); got != value {
		t.Fatalf("joined value differs (len %d, want %d)", len(got), len(value))
	}
}

func TestChunkIndexOrderIsNumeric(t *testing.T) {
	var cs []*http.Cookie
	want := ""
	for i := 0; i < 12; i++ {
		v := strings.Repeat(string(rune('a'+i)), 3)
		want += v
		cs = append(cs, &http.Cookie{Name: "s." + strconv.Itoa(i), Value: v})
	}
	// reverse order, so lexical sorting (s.10 < s.2) would break it
	for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
		cs[i], cs[j] = cs[j], cs[i]
	}
	if got := ReadChunked(requestWith(cs...), "s"); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestStaleChunksDeleted(t *testing.T) {
	o := Defaults(false).SessionToken
	r := requestWith(
		&http.Cookie{Name: o.Name + ".0", Value: "old0"},
		&http.Cookie{Name: o.Name + ".1", Value: "old1"},
		&http.Cookie{Name: o.Name + ".2", Value: "old2"},
		&http.Cookie{Name: o.Name + "-other", Value: "keep"},
	)
	w := httptest.NewRecorder()
	WriteChunked(w, r, o, "short", time.Time{})
	deleted := map[string]bool{}
	set := map[string]string{}
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			deleted[c.Name] = true
		} else {
			set[c.Name] = c.Value
		}
	}
	for _, n := range []string{".0", ".1", ".2"} {
		if !deleted[o.Name+n] {
			t.Errorf("stale chunk %s not deleted", n)
		}
	}
	if deleted[o.Name+"-other"] {
		t.Error("an unrelated cookie with the same prefix was deleted")
	}
	if set[o.Name] != "short" {
		t.Errorf("new value not written: %v", set)
	}
}

func TestUnchunkedLeftoverIgnoredBesideChunks(t *testing.T) {
	r := requestWith(
		&http.Cookie{Name: "s", Value: "stale"},
		&http.Cookie{Name: "s.1", Value: "B"},
		&http.Cookie{Name: "s.0", Value: "A"},
	)
	if got := ReadChunked(r, "s"); got != "AB" {
		t.Fatalf("got %q, want AB", got)
	}
}

func TestValueDecodesPercent(t *testing.T) {
	r := requestWith(&http.Cookie{Name: "c", Value: "aa%7Cbb"})
	if got := Value(r, "c"); got != "aa|bb" {
		t.Fatalf("got %q", got)
	}
	r = requestWith(&http.Cookie{Name: "c", Value: "bad%zz"})
	if got := Value(r, "c"); got != "bad%zz" {
		t.Fatalf("malformed escape changed: %q", got)
	}
}

func TestTooManyChunksRefused(t *testing.T) {
	var cs []*http.Cookie
	for i := 0; i < MaxChunks; i++ {
		cs = append(cs, &http.Cookie{Name: "s." + strconv.Itoa(i), Value: "x"})
	}
	cs = append(cs, &http.Cookie{Name: "s", Value: "y"})
	if got := ReadChunked(requestWith(cs...), "s"); got != "" {
		t.Fatalf("value of %d pieces accepted", len(cs))
	}
}

func TestClearChunkedDeletesAll(t *testing.T) {
	o := Defaults(false).SessionToken
	r := requestWith(&http.Cookie{Name: o.Name + ".0", Value: "a"}, &http.Cookie{Name: o.Name + ".1", Value: "b"})
	w := httptest.NewRecorder()
	ClearChunked(w, r, o)
	names := map[string]bool{}
	for _, h := range w.Header().Values("Set-Cookie") {
		if !strings.Contains(h, "Max-Age=0") {
			t.Errorf("not a deletion: %s", h)
		}
		names[strings.SplitN(h, "=", 2)[0]] = true
	}
	for _, n := range []string{o.Name, o.Name + ".0", o.Name + ".1"} {
		if !names[n] {
			t.Errorf("%s not cleared", n)
		}
	}
}

func FuzzReadChunked(f *testing.F) {
	f.Add("authjs.session-token.0=abc; authjs.session-token.1=def")
	f.Add("authjs.session-token=x%7Cy; authjs.session-token.99=z")
	f.Add("authjs.session-token.01=a; authjs.session-token.-1=b; authjs.session-token.1e3=c")
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", header)
		v := ReadChunked(r, "authjs.session-token")
		if len(v) > len(header) {
			t.Fatalf("joined value longer than the header it came from")
		}
	})
}
