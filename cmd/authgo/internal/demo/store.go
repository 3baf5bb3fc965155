package demo

import (
	"context"
	"crypto/rand"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
)

// store is the demo's own data, kept in the same SQLite file as authgo's
// tables: posts (and demo_credentials, where older demos kept password
// hashes; authgo's password accounts keep them now). Users live in
// authgo's users table, reached through the adapter.
type store struct {
	db    *dbsql.DB
	users string // quoted name of authgo's users table
}

// demoSchema creates the demo's tables. Both refer to authgo's users table,
// so deleting a user deletes their password hash and posts.
const demoSchema = `
CREATE TABLE IF NOT EXISTS demo_credentials (
	user_id       TEXT PRIMARY KEY REFERENCES %[1]s(id) ON DELETE CASCADE,
	password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demo_posts (
	id         TEXT PRIMARY KEY,
	author_id  TEXT NOT NULL REFERENCES %[1]s(id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	content    TEXT NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS demo_posts_created_idx ON demo_posts(created_at);
`

func newStore(ctx context.Context, a *authsql.Adapter) (*store, error) {
	s := &store{db: a.DB(), users: `"` + a.TableNames().Users + `"`}
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(demoSchema, s.users)); err != nil {
		return nil, fmt.Errorf("create demo tables: %w", err)
	}
	return s, nil
}

// legacyPasswordHash returns a user's hash in demo_credentials, where
// demos before password accounts kept them; "" when none.
func (s *store) legacyPasswordHash(ctx context.Context, userID string) (string, error) {
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM demo_credentials WHERE user_id = ?`, userID).Scan(&h)
	if errors.Is(err, dbsql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// post is one post, with its author's name for display.
type post struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	Title      string    `json:"title"`
	Content    string    `json:"content"`
	CreatedAt  time.Time `json:"createdAt"`
}

// errNoPost is returned for a post that does not exist.
var errNoPost = errors.New("no such post")

// newPostID returns a random post id: 26 characters of base32, 128 bits.
func newPostID() string { return rand.Text() }

// validPostID reports whether id could be one newPostID made, so garbage
// never reaches the database.
func validPostID(id string) bool {
	if len(id) != 26 {
		return false
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

func (s *store) createPost(ctx context.Context, authorID, title, content string, now time.Time) (*post, error) {
	p := &post{ID: newPostID(), AuthorID: authorID, Title: title, Content: content, CreatedAt: now.UTC().Truncate(time.Millisecond)}
	_, err := s.db.ExecContext(ctx, `INSERT INTO demo_posts (id, author_id, title, content, created_at) VALUES (?, ?, ?, ?, ?)`,
		p.ID, p.AuthorID, p.Title, p.Content, p.CreatedAt.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("create post: %w", err)
	}
	return p, nil
}

const postColumns = `p.id, p.author_id, COALESCE(u.name, ''), p.title, p.content, p.created_at`

func (s *store) posts(ctx context.Context) ([]post, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+postColumns+` FROM demo_posts p LEFT JOIN `+s.users+` u ON u.id = p.author_id
		ORDER BY p.created_at DESC, p.id LIMIT 100`)
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	defer rows.Close()
	out := []post{}
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("list posts: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

func (s *store) post(ctx context.Context, id string) (*post, error) {
	if !validPostID(id) {
		return nil, errNoPost
	}
	p, err := scanPost(s.db.QueryRowContext(ctx, `SELECT `+postColumns+` FROM demo_posts p LEFT JOIN `+s.users+` u ON u.id = p.author_id WHERE p.id = ?`, id))
	if errors.Is(err, dbsql.ErrNoRows) {
		return nil, errNoPost
	}
	return p, err
}

func (s *store) deletePost(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM demo_posts WHERE id = ?`, id)
	return err
}

func scanPost(row interface{ Scan(...any) error }) (*post, error) {
	var p post
	var ms int64
	if err := row.Scan(&p.ID, &p.AuthorID, &p.AuthorName, &p.Title, &p.Content, &ms); err != nil {
		return nil, err
	}
	p.CreatedAt = time.UnixMilli(ms).UTC()
	return &p, nil
}

// demoUsers are the accounts seeded on first start.
var demoUsers = []adapter.User{
	{Name: "Ada Admin", Email: "admin@example.com", Role: "admin"},
	{Name: "Eddie Editor", Email: "editor@example.com", Role: "editor"},
	{Name: "Vera Viewer", Email: "viewer@example.com", Role: "viewer"},
}

// users lists every user for the admin page.
func (s *store) listUsers(ctx context.Context) ([]adminUser, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(name, ''), COALESCE(email, ''), COALESCE(role, '') FROM `+s.users+` ORDER BY email LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []adminUser
	for rows.Next() {
		var u adminUser
		if err := rows.Scan(&u.Name, &u.Email, &u.Role); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *store) postCount(ctx context.Context, authorID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM demo_posts WHERE author_id = ?`, authorID).Scan(&n)
	return n, err
}
