package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// member is what a test expects of one Member.
type member struct {
	key, val           string
	keyPlain, valPlain bool
}

func scan(t *testing.T, b []byte) ([]member, error) {
	t.Helper()
	var s Object
	s.Reset(b)
	var out []member
	for s.Next() {
		m := s.Member()
		out = append(out, member{string(m.Key(b)), string(m.Value(b)), m.KeyPlain, m.ValPlain})
		if got := string(b[m.Start : m.KeyEnd+1]); got != `"`+string(m.Key(b))+`"` {
			t.Fatalf("Start..KeyEnd is %q", got)
		}
	}
	if s.Next() {
		t.Fatal("Next reported a member after the walk ended")
	}
	return out, s.Err()
}

func TestObject(t *testing.T) {
	b := []byte(" {\"a\":1, \"b\\u0061\" : \"x\\\"y\" ,\"c\":{\"d\":[1,\"]}\",{\"e\":null}]},\"f\":null,\"zoë\":\"Zoë 🦫\",\"g\":\"a\xffb\",\"h\":true} \n")
	got, err := scan(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []member{
		{"a", "1", true, false},
		{`b\u0061`, `"x\"y"`, false, false},
		{"c", `{"d":[1,"]}",{"e":null}]}`, true, false},
		{"f", "null", true, false},
		{"zoë", `"Zoë 🦫"`, true, true},
		{"g", "\"a\xffb\"", true, false}, // invalid UTF-8: not plain
		{"h", "true", true, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("members\n got %+v\nwant %+v", got, want)
	}
}

func TestObjectStructureErrors(t *testing.T) {
	for _, bad := range []string{
		"", " ", "[]", "null", `"a"`, "{", `{"a"`, `{"a":`, `{"a":1`, `{"a" 1}`, `{"a":1,}`, `{,"a":1}`,
		`{"a":1 "b":2}`, `{"a":1} x`, `{"a":1}}`, `{a:1}`, `{"a":1,"b}`, `{"a":"b}`, `{"a":[1,2}`, `{"a":#}`,
	} {
		if _, err := scan(t, []byte(bad)); !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: err = %v, want ErrSyntax", bad, err)
		}
	}
	if got, err := scan(t, []byte(" { } ")); err != nil || len(got) != 0 {
		t.Errorf("empty object: %v, %v", got, err)
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		in    string
		end   int
		plain bool
	}{
		{`""`, 2, true},
		{`"abc" tail`, 5, true},
		{`"a\"b"`, 6, false},
		{`"a\\"b`, 5, false},
		{`"a\\\"b"`, 8, false},
		{"\"a\tb\"", 5, false},
		{"\"ü\"", 4, true},
		{"\"\xc3\"", 3, false},
		{"\"\xed\xa0\x80\"", 5, false}, // a UTF-16 surrogate encoded as UTF-8 is invalid
		// Long enough for the eight-byte steps, with each kind of special
		// byte before, at and after a word boundary.
		{`"0123456789abcdef0123"x`, 22, true},
		{`"0123456\"89abcdef"`, 19, false},
		{`"01234567\\"89`, 12, false},
		{"\"0123456789\x7f\x1fbcdef\"", 19, false},
		{"\"01234567ë89abcdef0123456789\"", 30, true},
		{"\"01234567ë89abcdef012345\xff789\"", 30, false},
		{"\"ëëëëëëëëëëëëëë\\\"ëë\"", 36, false},
	} {
		end, plain, err := String([]byte(c.in), 0)
		if err != nil || end != c.end || plain != c.plain {
			t.Errorf("String(%q) = %d, %v, %v; want %d, %v", c.in, end, plain, err, c.end, c.plain)
		}
	}
	for in, want := range map[string]bool{`"ab"`: true, `""`: true, `"a\"b"`: false, `"ab" `: false, `"ab`: false, `ab"`: false, `"`: false, "null": false} {
		if p, ok := PlainString([]byte(in)); ok != want || (ok && `"`+p+`"` != in) {
			t.Errorf("PlainString(%q) = %q, %v", in, p, ok)
		}
	}
	for _, bad := range []string{`"`, `"abc`, `"a\"`, `"a\`} {
		if _, _, err := String([]byte(bad), 0); err == nil {
			t.Errorf("String(%q) found an end", bad)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, c := range []struct {
		in    string
		n     int64
		small bool
	}{
		{"0", 0, true}, {"1800000000", 1800000000, true}, {"999999999999999999", 999999999999999999, true},
		{"1000000000000000000", 0, false}, {"01", 0, false}, {"-1", 0, false}, {"1.0", 0, false}, {"", 0, false},
	} {
		if n, ok := SmallUint([]byte(c.in)); n != c.n || ok != c.small {
			t.Errorf("SmallUint(%q) = %d, %v", c.in, n, ok)
		}
	}
	for in, want := range map[string]float64{"12": 12, "-1.5": -1.5, "1e3": 1000, "1800000000.5": 1800000000.5} {
		if got, err := Number([]byte(in)); err != nil || got != want {
			t.Errorf("Number(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"null", `"1"`, "true", "", "-", "1x", "+1"} {
		if _, err := Number([]byte(bad)); err == nil {
			t.Errorf("Number(%q) succeeded", bad)
		}
	}
}

func TestMembersKeys(t *testing.T) {
	obj := []byte("{\"a\xbd\":1,\"b\\u0061\":2,\"c\":3}")
	var keys []string
	if err := Members(obj, func(k string, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a\ufffd", "ba", "c"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %q, want %q", keys, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := Members(obj, func(string, []byte) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("an error from fn: %v after %d calls", err, n)
	}
}

// refMembers lists the top-level keys and raw values of a valid JSON
// object as encoding/json's streaming decoder reads them.
func refMembers(b []byte) ([]string, []string, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, false
	}
	var keys, vals []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, false
		}
		keys = append(keys, tok.(string))
		vals = append(vals, string(raw))
	}
	return keys, vals, true
}

// FuzzMembers holds the scanner to encoding/json on valid JSON: the same
// objects accepted, the same keys in order, the same raw values, plain
// flags only on strings that decode to their own bytes. On other input it
// must not panic.
func FuzzMembers(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":"c"}`))
	f.Add([]byte(`{"x":{"y":[1,"]"]}, "\u0061" : "\"" }`))
	f.Add([]byte("{\"n\":\"Zo\xc3\xab\",\"e\":1e5,\"t\":true}"))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var keys, vals []string
		err := Members(b, func(k string, v []byte) error {
			keys, vals = append(keys, k), append(vals, string(v))
			return nil
		})
		checkPlainFlags(t, b)
		if !json.Valid(b) {
			return
		}
		rk, rv, isObj := refMembers(b)
		if isObj != (err == nil) {
			t.Fatalf("%q: err = %v, object: %v", b, err, isObj)
		}
		if isObj && (!reflect.DeepEqual(keys, rk) || !reflect.DeepEqual(vals, rv)) {
			t.Fatalf("%q: got %q %q, encoding/json reads %q %q", b, keys, vals, rk, rv)
		}
	})
}

// checkPlainFlags checks every plain key and string value the scanner
// reports: encoding/json must decode it to exactly its bytes.
func checkPlainFlags(t *testing.T, b []byte) {
	var s Object
	for s.Reset(b); s.Next(); {
		m := s.Member()
		for _, c := range []struct {
			plain      bool
			start, end int
		}{{m.KeyPlain, m.Start, m.KeyEnd + 1}, {m.ValPlain, m.ValStart, m.ValEnd}} {
			if !c.plain {
				continue
			}
			var str string
			if err := json.Unmarshal(b[c.start:c.end], &str); err != nil || str != string(b[c.start+1:c.end-1]) {
				t.Fatalf("%q reported plain; encoding/json: %q, %v", b[c.start:c.end], str, err)
			}
		}
	}
}

// FuzzString checks String against encoding/json on a string literal: the
// end is found for every valid one, and plain is reported exactly when the
// literal decodes to its own bytes without an escape.
func FuzzString(f *testing.F) {
	for _, s := range []string{`""`, `"a\"b"`, "\"\xff\"", "\"a\x01\"", `"\\"`, `"é"`,
		`"0123456789abcdef\"0123456789"`, "\"0123456789abcdef\x1f01234567\"", `"https://avatars.example.com/u/1?v=4"`,
		"\"Zoë Lovelace, née Byron; 01234567\"", "\"0123456\xc3\"", `"01234567\\\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 || b[0] != '"' {
			return
		}
		end, plain, err := String(b, 0)
		var str string
		valid := json.Unmarshal(b, &str) == nil
		lit := bytes.TrimRight(b, " \t\r\n") // encoding/json allows whitespace after
		if valid && (err != nil || end != len(lit)) {
			t.Fatalf("%q: end %d, %v; the literal ends at %d", b, end, err, len(lit))
		}
		if !valid || err != nil {
			return
		}
		wantPlain := bytes.IndexByte(lit, '\\') < 0 && str == string(lit[1:len(lit)-1])
		if plain != wantPlain {
			t.Fatalf("%q: plain = %v, want %v", b, plain, wantPlain)
		}
		if p, ok := PlainString(lit); ok != wantPlain || (ok && p != str) {
			t.Fatalf("PlainString(%q) = %q, %v; encoding/json reads %q", lit, p, ok, str)
		}
	})
}

// FuzzNumber checks Number against encoding/json on number literals.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"0", "1800000000", "-0.5e-3", "1e400", "01", "18446744073709551616"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := Number(b)
		var want float64
		werr := json.Unmarshal(b, &want)
		isNum := len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9'))
		switch {
		case werr == nil && isNum && (err != nil || got != want):
			t.Fatalf("Number(%q) = %v, %v; encoding/json reads %v", b, got, err, want)
		case werr != nil && err == nil:
			t.Fatalf("Number(%q) = %v; encoding/json refuses it: %v", b, got, werr)
		case werr == nil && !isNum && err == nil:
			t.Fatalf("Number(%q) accepted a value that is not a number", b)
		}
	})
}
