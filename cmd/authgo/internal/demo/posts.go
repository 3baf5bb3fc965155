package demo

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
)

// Posts, as pages and as a JSON API. Every mutation checks, in this order:
// authentication (who is it? 401), authorization (may they? 403), input
// (is it valid? 400), and only then writes. Roles come from the session
// alone: a "role" in the body or a header is never read.

// postsData is what the posts page shows.
type postsData struct {
	Posts   []postView
	CanPost bool
	Title   string
	Content string
	Fields  fieldErrors
}

// postView is a post and whether the viewer may delete it.
type postView struct {
	post
	CanDelete bool
}

func (a *App) postsPage(w http.ResponseWriter, r *http.Request) {
	a.showPosts(w, r, http.StatusOK, postsData{}, "")
}

func (a *App) showPosts(w http.ResponseWriter, r *http.Request, status int, d postsData, notice string) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	posts, err := a.store.posts(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, p := range posts {
		d.Posts = append(d.Posts, postView{post: p, CanDelete: a.auth.CanModify(s, p.AuthorID)})
	}
	d.CanPost = a.auth.HasRole(s, "editor")
	a.render(w, r, status, "posts", page{Title: "Posts", Session: s, Notice: notice, Data: d})
}

// createPostForm is the posts page's "new post" form (editor or admin).
func (a *App) createPostForm(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	if s == nil { // authentication
		http.Redirect(w, r, "/login?callbackUrl=%2Fposts", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBytes)
	if err := r.ParseForm(); err != nil || !a.auth.VerifyCSRF(r, r.PostForm.Get("csrfToken")) {
		a.showPosts(w, r, http.StatusForbidden, postsData{}, "The form expired or was too large. Please try again.")
		return
	}
	if !a.auth.HasRole(s, "editor") { // authorization
		a.showPosts(w, r, http.StatusForbidden, postsData{}, "Only editors and admins can write posts.")
		return
	}
	in, errs := validatePost(r.PostForm.Get("title"), r.PostForm.Get("content")) // input
	if len(errs) > 0 {
		a.showPosts(w, r, http.StatusBadRequest, postsData{Title: r.PostForm.Get("title"), Content: r.PostForm.Get("content"), Fields: errs}, "")
		return
	}
	if _, err := a.store.createPost(r.Context(), userID(s), in.Title, in.Content, a.now()); err != nil { // write
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/posts", http.StatusSeeOther)
}

// deletePostForm is the delete button of a post (its author or an admin).
func (a *App) deletePostForm(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	if s == nil {
		http.Redirect(w, r, "/login?callbackUrl=%2Fposts", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || !a.auth.VerifyCSRF(r, r.PostForm.Get("csrfToken")) {
		a.showPosts(w, r, http.StatusForbidden, postsData{}, "The form expired. Please try again.")
		return
	}
	p, err := a.store.post(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, errNoPost):
		a.showPosts(w, r, http.StatusNotFound, postsData{}, "That post does not exist (any more).")
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	if !a.auth.CanModify(s, p.AuthorID) {
		a.showPosts(w, r, http.StatusForbidden, postsData{}, "Only the author of a post or an admin can delete it.")
		return
	}
	if err := a.store.deletePost(r.Context(), p.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/posts", http.StatusSeeOther)
}

// listPosts is GET /api/posts: every post, newest first. Reading is public.
func (a *App) listPosts(w http.ResponseWriter, r *http.Request) {
	posts, err := a.store.posts(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": posts})
}

// newPostRequest is the body of POST /api/posts. Other members — a forged
// "role" or "authorId" — are ignored.
type newPostRequest struct {
	Title   string `json:"title"`
	Content string `json:"content"`
}

// createPost is POST /api/posts: editors and admins create a post; 201 with
// the post (its id among it).
func (a *App) createPost(w http.ResponseWriter, r *http.Request) {
	// 1. Authentication.
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	if s == nil {
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "Unauthorized"})
		return
	}
	// 2. Authorization, from the session's role only.
	if !a.auth.HasRole(s, "editor") {
		writeJSON(w, http.StatusForbidden, apiError{Error: "Forbidden"})
		return
	}
	// 3. Input.
	var req newPostRequest
	if status, code := readJSON(w, r, &req); status != 0 {
		writeJSON(w, status, apiError{Error: code})
		return
	}
	in, errs := validatePost(req.Title, req.Content)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, apiError{Error: "ValidationError", Fields: errs})
		return
	}
	// 4. The write, with the author taken from the session.
	p, err := a.store.createPost(r.Context(), userID(s), in.Title, in.Content, a.now())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p.AuthorName = s.User.Name
	w.Header().Set("Location", "/api/posts/"+p.ID)
	writeJSON(w, http.StatusCreated, p)
}

// deletePost is DELETE /api/posts/{id}: its author or an admin; 204.
func (a *App) deletePost(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	if s == nil {
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "Unauthorized"})
		return
	}
	// Ownership needs the post, so it is looked up first; an unknown or
	// malformed id is 404 either way.
	p, err := a.store.post(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, errNoPost):
		writeJSON(w, http.StatusNotFound, apiError{Error: "NotFound"})
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	if !a.auth.CanModify(s, p.AuthorID) {
		writeJSON(w, http.StatusForbidden, apiError{Error: "Forbidden"})
		return
	}
	if err := a.store.deletePost(r.Context(), p.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// readJSON decodes the JSON object body of r into v: at most maxJSONBytes,
// Content-Type application/json, one object. It returns 0 when it worked,
// else the status and error code to answer.
func readJSON(w http.ResponseWriter, r *http.Request, v any) (int, string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return http.StatusUnsupportedMediaType, "UnsupportedMediaType"
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, "PayloadTooLarge"
		}
		return http.StatusBadRequest, "InvalidJSON"
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return http.StatusBadRequest, "InvalidJSON"
	}
	return 0, ""
}

// profileResponse is the body of GET /api/user/profile.
type profileResponse struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Role    string `json:"role"`
	Posts   int    `json:"posts"`
	Expires string `json:"sessionExpires"`
}

// profile is GET /api/user/profile, the route handler of the articles:
// 401 JSON when signed out, else the user's profile fetched by the id in
// the session.
func (a *App) profile(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	if s == nil || s.User == nil {
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "Unauthorized"})
		return
	}
	u, err := a.db.GetUser(r.Context(), s.User.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if u == nil {
		writeJSON(w, http.StatusUnauthorized, apiError{Error: "Unauthorized"})
		return
	}
	n, err := a.store.postCount(r.Context(), u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, profileResponse{
		ID: u.ID, Name: u.Name, Email: u.Email, Role: s.User.Role, Posts: n,
		Expires: s.Expires.UTC().Format("2006-01-02T15:04:05.000Z"),
	})
}
