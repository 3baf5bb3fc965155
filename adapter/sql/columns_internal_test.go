package sql

import (
	"strings"
	"testing"
)

func snakeNames(d Dialect) names {
	s := Schema{Name: "snake", Authenticators: true, Columns: map[string]string{
		"userId": "user_id", "sessionToken": "session_token", "image": "avatar_url"}}
	return newNames(strings.NewReplacer(), s, d)
}

func TestMapColumns(t *testing.T) {
	for _, c := range []struct {
		d        Dialect
		in, want string
	}{
		// Unqualified columns belong to the statement's first table.
		{Postgres, `SELECT "userId", image FROM {sessions} WHERE "sessionToken" = ?`,
			`SELECT "user_id", "avatar_url" FROM {sessions} WHERE "session_token" = ?`},
		// Qualified ones to their alias's table: authgo's own keep theirs.
		{Postgres, `SELECT s."sessionToken", x."sessionToken" FROM {sessions} s LEFT JOIN {session_data} x ON x."sessionToken" = s."sessionToken" JOIN {users} u ON u.id = s."userId"`,
			`SELECT s."session_token", x."sessionToken" FROM {sessions} s LEFT JOIN {session_data} x ON x."sessionToken" = s."session_token" JOIN {users} u ON u.id = s."user_id"`},
		{Postgres, `INSERT INTO {user_data} ("userId", role) VALUES (?, ?)`,
			`INSERT INTO {user_data} ("userId", role) VALUES (?, ?)`},
		{Postgres, `DELETE FROM {session_data} WHERE NOT EXISTS (SELECT 1 FROM {sessions} s WHERE s."sessionToken" = {session_data}."sessionToken")`,
			`DELETE FROM {session_data} WHERE NOT EXISTS (SELECT 1 FROM {sessions} s WHERE s."session_token" = {session_data}."sessionToken")`},
		// An index name placeholder is no table.
		{Postgres, `CREATE UNIQUE INDEX {sessions_token_unique} ON {sessions} ("sessionToken")`,
			`CREATE UNIQUE INDEX {sessions_token_unique} ON {sessions} ("session_token")`},
		{MySQL, "SELECT `userId`, image FROM {accounts} a WHERE a.`userId` = ?",
			"SELECT `user_id`, `avatar_url` FROM {accounts} a WHERE a.`user_id` = ?"},
	} {
		if got := snakeNames(c.d).mapColumns(c.in); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestValidateColumns(t *testing.T) {
	for _, c := range []struct {
		s    Schema
		want string
	}{
		{Schema{Columns: map[string]string{"userId": "user_id"}}, "authgo's own and takes no Columns"},
		{Schema{Name: "x", Columns: map[string]string{"user_id": "uid"}}, `"user_id", which is no Auth.js column`},
		{Schema{Name: "x", Columns: map[string]string{"userId": `user"id`}}, "a column name must be"},
		{Schema{Name: "x", Columns: map[string]string{"userId": "uid", "sessionToken": "uid"}}, "maps both sessionToken and userId to uid"},
	} {
		err := c.s.validate(Postgres)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.s.Columns, err, c.want)
		}
	}
	if err := (Schema{Name: "x", Columns: map[string]string{"userId": "user_id"}}).validate(SQLite); err != nil {
		t.Error(err)
	}
}

// FuzzMapColumns: the lexer never panics and, with nothing to map, gives
// the statement back unchanged.
func FuzzMapColumns(f *testing.F) {
	f.Add(`SELECT s."sessionToken" FROM {sessions} s WHERE "userId" = ?`)
	f.Add("SELECT `userId` FROM {accounts")
	f.Fuzz(func(t *testing.T, q string) {
		_ = snakeNames(Postgres).mapColumns(q)
		_ = snakeNames(MySQL).mapColumns(q)
		n := newNames(strings.NewReplacer(), Schema{Name: "x", Columns: map[string]string{"scope": "scope2"}}, Postgres)
		if !strings.Contains(q, "scope") && strings.Count(q, `"`)%2 == 0 {
			if got := n.mapColumns(q); got != q {
				t.Errorf("changed %q to %q", q, got)
			}
		}
	})
}
