package guardpath

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestReadings(t *testing.T) {
	for _, tc := range []struct {
		target string
		want   []string // one reading joined by "|" must equal each of these
	}{
		{"/admin/x", []string{"admin|x"}},
		{"/public/..%2Fadmin", []string{"admin", "public|../admin"}},
		{"/public/../admin", []string{"admin"}},
		{"/admin;x/p", []string{"admin|p"}},
	} {
		r := &http.Request{Method: "GET", Host: "h", URL: mustParse(t, tc.target)}
		var got []string
		for _, segs := range Readings(r) {
			got = append(got, strings.Join(segs, "|"))
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: readings %q lack %q", tc.target, got, w)
			}
		}
	}
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
