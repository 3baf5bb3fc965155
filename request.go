package authgo

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte("null")
	}
	if h := w.Header(); h.Get("Content-Type") != "application/json" {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// noStore marks a response as private and never cached, as Auth.js marks
// /session and /csrf.
func noStore(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-cache, no-store")
	h.Set("Expires", "0")
	h.Set("Pragma", "no-cache")
}

// redirect sends the client to location: a 302, or with the
// X-Auth-Return-Redirect header (as next-auth/react sends) a 200 JSON
// {"url": location}; the Location header is set in both cases.
func redirect(w http.ResponseWriter, r *http.Request, location string) {
	w.Header().Set("Location", location)
	if r.Header.Get("X-Auth-Return-Redirect") != "" {
		writeJSON(w, http.StatusOK, map[string]string{"url": location})
		return
	}
	w.WriteHeader(http.StatusFound)
}

// withQuery appends k=v pairs to u, with ? or & as u needs.
func withQuery(u string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + encodeOrdered(kv)
}

// encodeOrdered encodes the pairs in the order given (url.Values sorts).
func encodeOrdered(kv []string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv[i+1]))
	}
	return b.String()
}

// pageURL returns the absolute URL of a configured page (a path on the
// app, or a URL) or of the built-in page action.
func (a *Auth) pageURL(rq *request, configured, action string) string {
	switch {
	case configured == "":
		return rq.actionURL(a, action)
	case strings.HasPrefix(configured, "/"):
		return rq.origin + configured
	}
	return configured
}

// wantsJSON reports whether a client expects JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	if r.Header.Get("X-Auth-Return-Redirect") != "" {
		return true
	}
	acc := r.Header.Get("Accept")
	return strings.Contains(acc, "application/json") && !strings.Contains(acc, "text/html")
}
