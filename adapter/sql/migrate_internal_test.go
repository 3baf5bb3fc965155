package sql

import (
	"fmt"
	"testing"
)

// TestUserRefs checks that the foreign keys to users are found in both
// forms the migrations use, so that DeleteUser on a schema not authgo's own
// (where they are left out) deletes the rows itself.
func TestUserRefs(t *testing.T) {
	for st, want := range map[string]string{
		"CREATE TABLE IF NOT EXISTS {passwords} (\n  \"userId\" TEXT NOT NULL PRIMARY KEY REFERENCES {users} (id) ON DELETE CASCADE,\n  hash TEXT NOT NULL\n)":                                      "[[{passwords} userId]]",
		"CREATE TABLE IF NOT EXISTS {passwords} (\n  \"userId\" VARCHAR(255) NOT NULL PRIMARY KEY,\n  hash TEXT NOT NULL,\n  FOREIGN KEY (\"userId\") REFERENCES {users} (id) ON DELETE CASCADE\n)": "[[{passwords} userId]]",
		"CREATE TABLE IF NOT EXISTS {revocations} (\n  \"userId\" TEXT NOT NULL PRIMARY KEY\n)":                                                                                                     "[]",
	} {
		if got := fmt.Sprint(userRefs(st)); got != want {
			t.Errorf("userRefs(%q) = %s, want %s", st, got, want)
		}
		if got := refUsers.ReplaceAllString(st, ""); got == st && want != "[]" {
			t.Errorf("the foreign key of %q was not removed", st)
		}
	}
}
