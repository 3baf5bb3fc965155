package sqltest

import (
	"testing"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/internal/emailtest"
)

// EmailSendFailure runs emailtest.SendFailureLeavesNothing on the database:
// after every failed send, the verification token table has no row for the
// address (counted with SQL, not through the adapter).
func EmailSendFailure(t *testing.T, newDB func(testing.TB) Database) {
	db := newDB(t)
	a := db.MustOpen(t, authsql.Options{})
	query := "SELECT COUNT(*) FROM " + a.TableNames().VerificationTokens + " WHERE identifier = ?"
	if db.Dialect == authsql.Postgres {
		query = "SELECT COUNT(*) FROM " + a.TableNames().VerificationTokens + " WHERE identifier = $1"
	}
	emailtest.SendFailureLeavesNothing(t, emailtest.Store{Adapter: a, Tokens: func(t *testing.T, identifier string) int {
		t.Helper()
		var n int
		if err := a.DB().QueryRow(query, identifier).Scan(&n); err != nil {
			t.Fatalf("count verification tokens: %v", err)
		}
		return n
	}})
}
