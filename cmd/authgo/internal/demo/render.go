package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// views holds one parsed template set per page, each with the layout.
type views struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2 Jan 2006, 15:04 UTC")
	},
	"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"browser": browserLabel,
}

func newViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		// Files named _*.html hold named templates every page may use:
		// the settings page's sections, one file per feature.
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// page is what every template gets: the layout's needs and the page's own
// data.
type page struct {
	Title   string          // "" for the start page, which is the demo's name alone
	Path    string          // the request path, to mark the current link
	Session *authgo.Session // nil when signed out
	CSRF    string          // the csrfToken of the page's forms
	Notice  string          // a one-line message above the content
	Data    any

	// Editor and Admin report whether the user's role opens the editor
	// and admin pages, so that links to pages a role cannot open are left
	// out instead of ending on /unauthorized.
	Editor, Admin bool
}

// User returns the signed-in user, nil when signed out.
func (p page) User() *authgo.SessionUser {
	if p.Session == nil {
		return nil
	}
	return p.Session.User
}

// render writes the page name with status. The page is rendered into a
// buffer first, so a template error becomes a clean 500.
func (a *App) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	if p.Session == nil {
		p.Session, _ = a.auth.SessionFrom(r.Context())
	}
	if p.CSRF == "" {
		p.CSRF = a.auth.CSRFToken(w, r)
	}
	p.Path = r.URL.Path
	p.Editor, p.Admin = a.auth.HasRole(p.Session, "editor"), a.auth.HasRole(p.Session, "admin")
	t, ok := a.views.pages[name]
	var buf bytes.Buffer
	if ok {
		if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
			ok = false
			a.log.ErrorContext(r.Context(), "demo: template failed", "page", name, "err", err)
		}
	}
	if !ok {
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// staticFiles serves the embedded stylesheet.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// apiError is the body of every JSON error: {"error":"Unauthorized"},
// {"error":"ValidationError","fields":{"title":"..."}}.
type apiError struct {
	Error  string      `json:"error"`
	Fields fieldErrors `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"InternalError"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// isAPI reports whether r is a request to the JSON API.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}
