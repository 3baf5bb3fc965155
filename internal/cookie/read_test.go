package cookie

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzEachMatchesNetHTTP: each yields the cookies, in order, that
// Request.Cookies returns, and Value the one Request.Cookie returns.
func FuzzEachMatchesNetHTTP(f *testing.F) {
	f.Add("a=1; b=2", "")
	f.Add(` a = "x y" ;;b=\"; c`, "d=%41")
	f.Add("authjs.session-token=abc.def; authjs.session-token=second", "x=\x7f; y=é")
	f.Add(strings.Repeat("a=b;", 3001), "")
	f.Fuzz(func(t *testing.T, line1, line2 string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Cookie"] = []string{line1}
		if line2 != "" {
			r.Header["Cookie"] = append(r.Header["Cookie"], line2)
		}
		want := r.Cookies()
		var got []*http.Cookie
		each(r, func(string) bool { return true }, func(name, value string) bool {
			got = append(got, &http.Cookie{Name: name, Value: value})
			return true
		})
		if len(got) != len(want) {
			t.Fatalf("%d cookies, net/http %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Name != want[i].Name || got[i].Value != want[i].Value {
				t.Fatalf("cookie %d: %q=%q, net/http %q=%q", i, got[i].Name, got[i].Value, want[i].Name, want[i].Value)
			}
			if i >= 16 {
				continue // each lookup walks the header: keep the run linear
			}
			c, err := r.Cookie(got[i].Name)
			if err != nil || Value(r, got[i].Name) != decode(c.Value) || !Has(r, got[i].Name) {
				t.Fatalf("Value(%q) = %q, net/http %v %v", got[i].Name, Value(r, got[i].Name), c, err)
			}
		}
	})
}

// FuzzSetCookieLine: where the fast Set-Cookie writer takes a cookie, it
// writes what net/http's Cookie.String writes.
func FuzzSetCookieLine(f *testing.F) {
	f.Add("authjs.session-token", "eyJhbGciOiJkaXIifQ..abc.def.ghi", "/", int64(1798000000), 0, uint8(2), true, true, false)
	f.Add("__Host-authjs.csrf-token", "a%7Cb", "/x;y", int64(0), -1, uint8(3), false, true, true)
	f.Add("bad name", "v", "", int64(-11644473600), 900, uint8(1), true, false, false)
	f.Add("n", "with space,comma", "/p", int64(253402300799), 5, uint8(4), false, false, true)
	f.Fuzz(func(t *testing.T, name, value, path string, unix int64, maxAge int, sameSite uint8, httpOnly, secure, partitioned bool) {
		o := Options{Name: name, Path: path, SameSite: http.SameSite(sameSite % 5), Secure: secure, HTTPOnly: httpOnly, Partitioned: partitioned}
		var exp time.Time
		if unix != 0 {
			exp = time.Unix(unix, 0)
		}
		line, ok := setCookieLine(o, name, value, exp, maxAge)
		if !ok {
			return
		}
		c := o.Cookie(value, exp)
		c.MaxAge = maxAge
		if want := c.String(); line != want {
			t.Fatalf("fast %q\nnet/http %q", line, want)
		}
	})
}

// The session cookie path allocates nothing to read a one-cookie value,
// and one string and one header slice to write it.
func TestSessionCookieAllocations(t *testing.T) {
	o := Defaults(true).SessionToken
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "theme=dark; "+o.Name+"=eyJhbGciOiJkaXIifQ..iv.ct.tag; "+Defaults(true).CSRFToken.Name+"=x%7Cy")
	if n := testing.AllocsPerRun(100, func() {
		if ReadChunked(r, o.Name) == "" || Value(r, "theme") != "dark" {
			t.Fatal("cookie not read")
		}
	}); n != 0 {
		t.Errorf("reading allocates %v times, want 0", n)
	}
	h := http.Header{}
	w := &headerWriter{h}
	exp := time.Now().Add(time.Hour)
	if n := testing.AllocsPerRun(100, func() {
		clear(h)
		WriteChunked(w, r, o, "eyJhbGciOiJkaXIifQ..iv2.ct2.tag2", exp)
	}); n != 3 {
		t.Errorf("writing allocates %v times, want 3 (the line, its header slice, Vary with Cache-Control)", n)
	}
	if got := h["Set-Cookie"]; len(got) != 1 || !strings.HasPrefix(got[0], o.Name+"=eyJhbGciOiJkaXIifQ..iv2.ct2.tag2; Path=/; Expires=") {
		t.Errorf("Set-Cookie %q", got)
	}
}

type headerWriter struct{ h http.Header }

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *headerWriter) WriteHeader(int)             {}

// FuzzValidValue: the word-at-a-time check of a cookie value agrees with
// the byte table on every input.
func FuzzValidValue(f *testing.F) {
	f.Add("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..abc.def.ghi")
	f.Add("abcdefg\x7fhij")
	f.Add("abcdefgh\"ijklmnop")
	f.Fuzz(func(t *testing.T, s string) {
		want := true
		for i := 0; i < len(s); i++ {
			want = want && validValueByte(s[i])
		}
		if got := validValue(s); got != want {
			t.Fatalf("validValue(%q) = %v, the byte table says %v", s, got, want)
		}
	})
}

// TestValidValueEveryByte puts every byte value at every place of a
// two-word value of valid bytes.
func TestValidValueEveryByte(t *testing.T) {
	base := []byte(strings.Repeat("aZ09-_.~", 2) + "xyz")
	for pos := range base {
		for b := range 256 {
			v := append([]byte(nil), base...)
			v[pos] = byte(b)
			if got, want := validValue(string(v)), validValueByte(byte(b)); got != want {
				t.Fatalf("byte %#x at %d: validValue %v, want %v", b, pos, got, want)
			}
		}
	}
}
