// Package guardpath reads the path of a request every way a router may,
// for checks on the path that must hold whatever the router in front of
// the handler does: authgo's Middleware (Protect, Public) and its API
// prefixes, the forward-auth rules of authgo serve, or an app's own.
//
// A guard must decide on the path the router will route, but routers do
// not agree on what that path is. ServeMux and chi split the escaped path
// on "/" and decode each segment, so /admin/..%2F is /admin/{page} with
// page "../" to both; ServeMux then resolves literal dot segments (and
// redirects), chi resolves none (/admin/.. is /admin/{page} with page
// ".."); a file server, or a handler that decodes what it was given,
// works on the decoded, cleaned path, in which /admin/..%2F is /. A guard
// that checks one of these readings is passed by a request that a router
// routes by another.
//
// So guards read the path every way a router may: a prefix is guarded when
// any reading falls under it, and a path is public only when every reading
// is. Paths made of plain segments have one reading and take a fast path.
// No library reads a path the ways of several routers at once, hence this
// package.
//
// Read returns the readings of a request's path; a Matcher checks them
// against path prefixes and ServeMux patterns (Any for what to guard, All
// for what is public); Readings lists them, each as its decoded segments.
package guardpath

import (
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
)

// pathView is one reading of a request path: its decoded segments (one may
// hold "/" when the path had %2F; only chi's reading keeps empty ones) and
// whether the path ends in "/".
type pathView struct {
	segs []string
	dir  bool
}

// Paths holds the readings of the path of a request: the first, and for a
// path that is not plain, more. Read makes one.
type Paths struct {
	r     *http.Request
	first pathView
	more  []pathView
}

// Read returns the readings of the path of r. The segments of a plain path
// (its one reading) are appended to segs, so a guard that passes a slice
// of an array of its own reads the path of every request with no
// allocation; segs may be nil.
func Read(r *http.Request, segs []string) Paths {
	esc := r.URL.EscapedPath()
	dir := strings.HasSuffix(esc, "/")
	rp := Paths{r: r, first: pathView{split(segs, Clean(r.URL.Path), false), dir}}
	if r.URL.RawPath == "" && !strings.ContainsAny(esc, "%\\;. ") && !strings.Contains(esc, "//") {
		return rp
	}
	rp.more = []pathView{
		// Decoded until nothing changes: double encoding (%252F).
		{splitClean(unescapeAll(r.URL.Path)), dir},
		// ServeMux: the escaped path with literal dot segments resolved.
		{splitEscaped(path.Clean("/" + esc)), dir},
		// chi: the path as sent (RawPath, even where EscapedPath
		// re-escapes it) or else the decoded one, nothing resolved, empty
		// segments included (/posts//edit is /posts/{id}/edit, id "").
		{chiSegments(r.URL), dir},
	}
	return rp
}

// count is the number of readings; view(i) is the i-th.
func (rp *Paths) count() int { return 1 + len(rp.more) }

func (rp *Paths) view(i int) pathView {
	if i == 0 {
		return rp.first
	}
	return rp.more[i-1]
}

// looseViews are the readings of segments cut at ";" (matrix parameters)
// and at NUL, and stripped of trailing dots and spaces (Windows names), for
// the routers and file servers that ignore those: as they are, and with
// their dot segments then resolved, as servlet containers do (Tomcat cuts
// "..;" to "..", so /public/..;/admin is /admin to it). None when they are
// the same as the last reading.
func (rp *Paths) looseViews() []pathView {
	raw := rp.view(rp.count() - 1)
	if !slices.ContainsFunc(raw.segs, func(s string) bool { return looseSegment(s) != s }) {
		return nil
	}
	out := pathView{segs: make([]string, len(raw.segs)), dir: raw.dir}
	for i, s := range raw.segs {
		out.segs[i] = looseSegment(s)
	}
	views := []pathView{out}
	if slices.ContainsFunc(out.segs, func(s string) bool { return s == "." || s == ".." }) {
		views = append(views, pathView{segs: resolveDots(out.segs), dir: out.dir})
	}
	return views
}

// resolveDots returns segs with "." dropped and ".." taking the segment
// before it away (none above the root).
func resolveDots(segs []string) []string {
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	return out
}

// loose returns the readings of rp and its loose ones.
func (rp *Paths) loose() []pathView {
	return append(append([]pathView{rp.first}, rp.more...), rp.looseViews()...)
}

func looseSegment(s string) string {
	if i := strings.IndexAny(s, ";\x00"); i >= 0 {
		s = s[:i]
	}
	if strings.Trim(s, ".") == "" {
		return s // a dot segment stays one
	}
	return strings.TrimRight(s, ". ")
}

// splitClean splits a decoded path after resolving dot segments, with "\"
// read as "/".
func splitClean(p string) []string {
	return split(nil, Clean(p), false)
}

// splitEscaped splits an escaped path and decodes each segment.
func splitEscaped(esc string) []string {
	return split(nil, esc, true)
}

// chiSegments splits the path chi routes on, r.URL.RawPath when set else
// r.URL.Path, keeping empty segments but the one before the first "/" and
// the one after a last. Segments of RawPath are decoded.
func chiSegments(u *url.URL) []string {
	p, raw := u.Path, u.RawPath != ""
	if raw {
		p = u.RawPath
	}
	p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
	if p == "" {
		return nil
	}
	out := strings.Split(p, "/")
	for i, s := range out {
		if raw {
			out[i] = unescapeSegment(s)
		}
	}
	return out
}

// split appends the non-empty segments of p to out, decoded when decode
// is true.
func split(out []string, p string, decode bool) []string {
	for s := range strings.SplitSeq(p, "/") {
		if s == "" {
			continue
		}
		if decode {
			s = unescapeSegment(s)
		}
		out = append(out, s)
	}
	return out
}

// unescapeSegment decodes one escaped segment; a malformed one is kept as
// it is (routers treat it as literal text).
func unescapeSegment(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// unescapeAll decodes p until it no longer changes (at most a few times).
func unescapeAll(p string) string {
	for range 4 {
		d, err := url.PathUnescape(p)
		if err != nil || d == p {
			break
		}
		p = d
	}
	return p
}

// Clean returns the decoded, cleaned form of a request path: "\" read as
// "/", dots and double slashes resolved, so /./admin, //admin and /admin/
// all read /admin. It is the first reading of Read, as one string.
func Clean(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	return path.Clean(strings.ReplaceAll(p, "\\", "/"))
}

// request returns a request that a ServeMux routes by exactly the segments
// of v, with the method and host of r. Dot segments are escaped, so it
// does not resolve them, and an empty segment, which ServeMux would clean
// away, is written as %00: like the "" chi gives a wildcard, it matches a
// wildcard and no literal.
func (v pathView) request(r *http.Request) *http.Request {
	var b strings.Builder
	for _, s := range v.segs {
		b.WriteByte('/')
		switch s {
		case "":
			b.WriteString("%00")
		case ".":
			b.WriteString("%2E")
		case "..":
			b.WriteString("%2E%2E")
		default:
			b.WriteString(url.PathEscape(s))
		}
	}
	if v.dir || len(v.segs) == 0 {
		b.WriteByte('/')
	}
	u, err := url.Parse(b.String())
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	return &http.Request{Method: r.Method, Host: r.Host, URL: u, Header: http.Header{}}
}

// under reports whether v is prefix p or below it.
func (v pathView) under(p []string, fold bool) bool {
	if len(v.segs) < len(p) {
		return false
	}
	for i, s := range p {
		if s != v.segs[i] && (!fold || !strings.EqualFold(s, v.segs[i])) {
			return false
		}
	}
	return true
}

// Matcher matches the readings of a request path against path prefixes
// and ServeMux patterns. NewMatcher makes one; it is safe for concurrent
// use.
type Matcher struct {
	prefixes [][]string
	mux      *http.ServeMux
	fold     bool // compare prefix segments without regard to case
}

// NewMatcher returns a Matcher of entries: an entry with "{" or a space is
// a ServeMux pattern ("GET /posts/{id}/edit"), any other a path prefix
// matched on segment boundaries ("/admin" matches /admin and /admin/x, not
// /administrator), case-insensitively when fold is true. Empty entries are
// ignored. It panics, as ServeMux.Handle does, on an invalid or
// conflicting pattern.
func NewMatcher(entries []string, fold bool) *Matcher {
	m := &Matcher{fold: fold}
	for _, e := range entries {
		if e == "" {
			continue
		}
		if strings.ContainsAny(e, "{ ") {
			if m.mux == nil {
				m.mux = http.NewServeMux()
			}
			m.mux.Handle(e, http.NotFoundHandler())
			continue
		}
		m.prefixes = append(m.prefixes, splitClean(e))
	}
	return m
}

// Any reports whether some reading of the path matches, the loose ones
// included (a guard's Protect: when in doubt, guard).
func (m *Matcher) Any(rp *Paths) bool {
	for i := range rp.count() {
		if m.matchView(rp.r, rp.view(i)) {
			return true
		}
	}
	for _, v := range rp.looseViews() {
		if m.matchView(rp.r, v) {
			return true
		}
	}
	return false
}

// All reports whether every reading of the path matches (a guard's
// Public: when in doubt, guard).
func (m *Matcher) All(rp *Paths) bool {
	for i := range rp.count() {
		if !m.matchView(rp.r, rp.view(i)) {
			return false
		}
	}
	return true
}

// matchView reports whether v falls under a prefix of m, or is routed to
// (or redirected to) one of its patterns.
func (m *Matcher) matchView(r *http.Request, v pathView) bool {
	for _, p := range m.prefixes {
		if v.under(p, m.fold) {
			return true
		}
	}
	if m.mux == nil {
		return false
	}
	_, pattern := m.mux.Handler(v.request(r))
	return pattern != ""
}

// Readings returns the ways a router may read the path of r, each as its
// decoded segments: the decoded and cleaned path, and, for a path with
// escapes, dot segments, doubled slashes or ";", the readings of ServeMux,
// chi, a file server and routers that drop matrix parameters (see
// authgo.MiddlewareConfig.Protect). A check on the path that must hold
// whatever the router in front of the handler does — a forward-auth rule,
// say — checks every reading. Plain paths have one reading.
func Readings(r *http.Request) [][]string {
	rp := Read(r, nil)
	views := rp.loose()
	out := make([][]string, len(views))
	for i, v := range views {
		out[i] = v.segs
	}
	return out
}
