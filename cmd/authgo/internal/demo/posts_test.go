package demo

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// TestPostsAPI walks the 401/403/404/201/204/400 matrix of the posts API
// with both session strategies, forged roles included.
func TestPostsAPI(t *testing.T) {
	for _, st := range strategies {
		t.Run(string(st), func(t *testing.T) {
			app := newTestApp(t, st)
			anon := app.browser("")
			viewer, editor, admin := app.browser(""), app.browser(""), app.browser("")
			viewer.mustLogin("viewer@example.com")
			editor.mustLogin("editor@example.com")
			admin.mustLogin("admin@example.com")

			checkProfile(t, anon, editor)
			checkPostRefused(t, anon, viewer, editor)
			p, second := checkPostCreated(t, anon, editor)
			checkPostDelete(t, app, anon, viewer, editor, admin, p, second)
		})
	}
}

// checkProfile: 401 JSON signed out, the user signed in.
func checkProfile(t *testing.T, anon, editor *browser) {
	t.Helper()
	// Profile: 401 JSON signed out, the user signed in.
	res := anon.get("/api/user/profile")
	if res.status != http.StatusUnauthorized || strings.TrimSpace(res.body) != `{"error":"Unauthorized"}` {
		t.Errorf("signed-out profile: %d %s", res.status, res.body)
	}
	prof := decode[map[string]any](t, editor.get("/api/user/profile"))
	if prof["email"] != "editor@example.com" || prof["role"] != "editor" || prof["name"] != "Eddie Editor" {
		t.Errorf("profile: %v", prof)
	}

}

// checkPostRefused: 401 signed out, 403 for a viewer (forged roles too, and before validation), 400/413/415 for bad input.
func checkPostRefused(t *testing.T, anon, viewer, editor *browser) {
	t.Helper()
	good := map[string]any{"title": "Hello world", "content": "First post."}
	// 401: signed out.
	if res := anon.postJSON("/api/posts", good, nil); res.status != http.StatusUnauthorized || !strings.Contains(res.body, `"Unauthorized"`) {
		t.Errorf("signed-out POST: %d %s", res.status, res.body)
	}
	// 403: a viewer, whatever role the body or a header claims.
	forged := map[string]any{"title": "Hello world", "content": "x", "role": "admin", "user": map[string]any{"role": "admin"}}
	for _, h := range []map[string]string{nil, {"X-Role": "admin", "X-User-Role": "admin", "Role": "admin"}} {
		if res := viewer.postJSON("/api/posts", forged, h); res.status != http.StatusForbidden || !strings.Contains(res.body, `"Forbidden"`) {
			t.Errorf("viewer POST (forged role, headers %v): %d %s", h, res.status, res.body)
		}
	}
	// Authorization comes before input: a viewer's invalid post is 403.
	if res := viewer.postJSON("/api/posts", map[string]any{"title": "x"}, nil); res.status != http.StatusForbidden {
		t.Errorf("viewer invalid POST: %d, want 403 before validation", res.status)
	}
	// 400: a field error for the title.
	for _, title := range []string{"", "ab", "   ab   ", strings.Repeat("t", 201)} {
		res := editor.postJSON("/api/posts", map[string]any{"title": title, "content": "c"}, nil)
		e := decode[apiError](t, res)
		if res.status != http.StatusBadRequest || e.Error != "ValidationError" || e.Fields["title"] != "The title must be between 3 and 200 characters." {
			t.Errorf("title %q: %d %s", title, res.status, res.body)
		}
	}
	if res := editor.do("POST", "/api/posts", strings.NewReader("title=abc"), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); res.status != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d", res.status)
	}
	if res := editor.do("POST", "/api/posts", strings.NewReader(`{"title":`), map[string]string{"Content-Type": "application/json"}); res.status != http.StatusBadRequest {
		t.Errorf("broken JSON: %d", res.status)
	}
	if res := editor.postJSON("/api/posts", map[string]any{"title": "big", "content": strings.Repeat("x", maxJSONBytes)}, nil); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: %d", res.status)
	}
}

// checkPostCreated: 201 with the id and the session user as author; the post is listed.
func checkPostCreated(t *testing.T, anon, editor *browser) (p, second post) {
	t.Helper()
	// 201 with the id; the author is the session's user, not the body's.
	res := editor.postJSON("/api/posts", map[string]any{"title": "  Hello world ", "content": "First post.", "authorId": "someone-else"}, nil)
	if res.status != http.StatusCreated {
		t.Fatalf("editor POST: %d %s", res.status, res.body)
	}
	p = decode[post](t, res)
	editorID := decode[map[string]any](t, editor.get("/api/user/profile"))["id"]
	if !validPostID(p.ID) || p.Title != "Hello world" || p.AuthorID != editorID {
		t.Errorf("created post: %+v (editor %v)", p, editorID)
	}
	list := decode[struct{ Posts []post }](t, anon.get("/api/posts"))
	if len(list.Posts) != 1 || list.Posts[0].ID != p.ID || list.Posts[0].AuthorName != "Eddie Editor" {
		t.Errorf("GET /api/posts: %+v", list)
	}
	second = decode[post](t, editor.postJSON("/api/posts", map[string]any{"title": "Second", "content": ""}, nil))

	return p, second
}

// checkPostDelete: 401, 403 (forged role header too), 404, then 204 for the author and an admin.
func checkPostDelete(t *testing.T, app *testApp, anon, viewer, editor, admin *browser, p, second post) {
	t.Helper()
	del := func(b *browser, id string, h map[string]string) response {
		hh := map[string]string{"Origin": app.srv.URL}
		for k, v := range h {
			hh[k] = v
		}
		return b.do("DELETE", "/api/posts/"+id, nil, hh)
	}
	// 401, 403 (forged role header too), 404.
	if res := del(anon, p.ID, nil); res.status != http.StatusUnauthorized {
		t.Errorf("signed-out DELETE: %d", res.status)
	}
	if res := del(viewer, p.ID, map[string]string{"X-Role": "admin"}); res.status != http.StatusForbidden {
		t.Errorf("viewer DELETE: %d", res.status)
	}
	for _, id := range []string{"AAAAAAAAAAAAAAAAAAAAAAAAAA", "nope", "'%20OR%201=1"} {
		if res := del(admin, id, nil); res.status != http.StatusNotFound {
			t.Errorf("DELETE %s: %d", id, res.status)
		}
	}
	// 204: the author, then an admin on someone else's post.
	if res := del(editor, p.ID, nil); res.status != http.StatusNoContent {
		t.Errorf("author DELETE: %d %s", res.status, res.body)
	}
	if res := del(editor, p.ID, nil); res.status != http.StatusNotFound {
		t.Errorf("DELETE twice: %d", res.status)
	}
	if res := del(admin, second.ID, nil); res.status != http.StatusNoContent {
		t.Errorf("admin DELETE: %d", res.status)
	}
	if list := decode[struct{ Posts []post }](t, anon.get("/api/posts")); len(list.Posts) != 0 {
		t.Errorf("posts left: %+v", list.Posts)
	}
}

// TestCrossOriginRefused: the JSON API has no token; the cross-origin check
// refuses state-changing requests from other sites.
func TestCrossOriginRefused(t *testing.T) {
	app := newTestApp(t, "")
	editor := app.browser("")
	editor.mustLogin("editor@example.com")
	body := map[string]any{"title": "From elsewhere", "content": ""}
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
		{"Origin": "", "Sec-Fetch-Site": "cross-site"},
		{"Origin": "", "Sec-Fetch-Site": "same-site"},
	} {
		res := editor.postJSON("/api/posts", body, h)
		if res.status != http.StatusForbidden || !strings.Contains(res.body, "CrossOriginRequest") {
			t.Errorf("POST with %v: %d %s", h, res.status, res.body)
		}
	}
	res := editor.do("DELETE", "/api/posts/AAAAAAAAAAAAAAAAAAAAAAAAAA", nil, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.status != http.StatusForbidden {
		t.Errorf("cross-site DELETE: %d", res.status)
	}
	if list := decode[struct{ Posts []post }](t, editor.get("/api/posts")); len(list.Posts) != 0 {
		t.Fatalf("a cross-origin request wrote: %+v", list.Posts)
	}
	// Same origin, by Origin or by Sec-Fetch-Site, works.
	if res := editor.postJSON("/api/posts", body, map[string]string{"Origin": "", "Sec-Fetch-Site": "same-origin"}); res.status != http.StatusCreated {
		t.Errorf("same-origin POST: %d %s", res.status, res.body)
	}
	// The app's forms are refused cross-site even with a good token.
	form := url.Values{"csrfToken": {editor.csrf("/settings")}}
	res = editor.do("POST", "/settings/sessions/revoke-all", strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example",
	})
	if res.status != http.StatusForbidden {
		t.Errorf("cross-origin revoke-all: %d", res.status)
	}
	if res := editor.get("/dashboard"); res.status != http.StatusOK {
		t.Errorf("session ended by a refused request: %d", res.status)
	}
}

// TestPostsPages: the same rules through the HTML forms.
func TestPostsPages(t *testing.T) {
	app := newTestApp(t, authgo.StrategyDatabase)
	viewer, editor, admin := app.browser(""), app.browser(""), app.browser("")
	viewer.mustLogin("viewer@example.com")
	editor.mustLogin("editor@example.com")
	admin.mustLogin("admin@example.com")

	if res := viewer.get("/posts"); strings.Contains(res.body, `action="/posts"`) || !strings.Contains(res.body, "Only editors and admins can write posts.") {
		t.Errorf("viewer sees the new-post form")
	}
	res := viewer.postForm("/posts", url.Values{"csrfToken": {viewer.csrf("/posts")}, "title": {"Viewer post"}})
	if res.status != http.StatusForbidden {
		t.Errorf("viewer form POST: %d", res.status)
	}
	res = editor.postForm("/posts", url.Values{"csrfToken": {editor.csrf("/posts")}, "title": {"ab"}, "content": {"<script>x</script>"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="title-error">The title must be between 3 and 200 characters.</p>`) {
		t.Errorf("short title: %d", res.status)
	}
	if strings.Contains(res.body, "<script>x</script>") || !strings.Contains(res.body, "&lt;script&gt;x&lt;/script&gt;") {
		t.Errorf("content not escaped on the page")
	}
	if res := editor.postForm("/posts", url.Values{"title": {"No token"}}); res.status != http.StatusForbidden {
		t.Errorf("form without csrfToken: %d", res.status)
	}
	res = editor.postForm("/posts", url.Values{"csrfToken": {editor.csrf("/posts")}, "title": {"A <b>bold</b> title"}, "content": {"Line one\nline two"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("editor form POST: %d", res.status)
	}
	page := editor.get("/posts")
	if !strings.Contains(page.body, "A &lt;b&gt;bold&lt;/b&gt; title") || !strings.Contains(page.body, "/delete") {
		t.Fatalf("post not listed with its delete button")
	}
	id := decode[struct{ Posts []post }](t, editor.get("/api/posts")).Posts[0].ID
	if strings.Contains(viewer.get("/posts").body, "/posts/"+id+"/delete") {
		t.Errorf("viewer sees a delete button")
	}
	if res := viewer.postForm("/posts/"+id+"/delete", url.Values{"csrfToken": {viewer.csrf("/posts")}}); res.status != http.StatusForbidden {
		t.Errorf("viewer delete: %d", res.status)
	}
	if res := admin.postForm("/posts/"+id+"/delete", url.Values{"csrfToken": {admin.csrf("/posts")}}); res.status != http.StatusSeeOther {
		t.Errorf("admin delete: %d", res.status)
	}
	if !strings.Contains(editor.get("/posts").body, "No posts yet.") {
		t.Errorf("post still listed")
	}
}
