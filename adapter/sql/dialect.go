package sql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect says which SQL database an Adapter talks to. The differences it
// covers: placeholders (? or $1), identifier quoting (" or `), column types,
// how times are stored, RETURNING, upserts, unique-violation codes and the
// lock that serialises migrations.
type Dialect int

const (
	// SQLite is SQLite through modernc.org/sqlite (pure Go, driver name
	// "sqlite"; module adapter/sql/sqlite): the embedded default. Times are
	// INTEGER Unix milliseconds, as Prisma's SQLite connector stores
	// DateTime.
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib (driver
	// name "pgx"; module adapter/sql/postgres). Times are TIMESTAMPTZ; the
	// schema is @auth/pg-adapter's.
	Postgres
	// MySQL is MySQL 8 or MariaDB 10.5+ through github.com/go-sql-driver/mysql
	// (driver name "mysql"; module adapter/sql/mysql). Times are DATETIME(3)
	// in UTC; tables use a binary collation, so tokens and emails compare
	// exactly.
	MySQL
)

// String returns the dialect's name: "sqlite", "postgres" or "mysql".
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

func (d Dialect) valid() bool { return d >= SQLite && d <= MySQL }

// replacer turns the {table} placeholders of a statement into names:
// a *strings.Replacer, or names, which maps columns too.
type replacer interface{ Replace(string) string }

// quote quotes an identifier that has been checked to hold only letters,
// digits and underscores.
func (d Dialect) quote(name string) string {
	if d == MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// prepare turns a query written with "quoted" identifiers, {table} names
// and ? placeholders into the dialect's SQL.
func (d Dialect) prepare(q string, tables replacer) string {
	if d == MySQL {
		q = strings.ReplaceAll(q, `"`, "`")
	}
	q = tables.Replace(q)
	if d != Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// returning reports whether DELETE and UPDATE take a RETURNING clause.
// MariaDB has DELETE … RETURNING but MySQL has not, so the MySQL dialect
// does without.
func (d Dialect) returning() bool { return d != MySQL }

// timeArg is the value a time is written as: Unix milliseconds for SQLite,
// a UTC time cut to the millisecond elsewhere (MySQL and PostgreSQL would
// round a finer fraction, not cut it). The zero time is NULL.
func (d Dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if d == SQLite {
		return t.UnixMilli()
	}
	return t.UTC().Truncate(time.Millisecond)
}

// timeCol scans a time whatever form the driver hands it in: time.Time
// (pgx, MySQL with parseTime), Unix milliseconds (SQLite, as Prisma writes
// them), or text (MySQL without parseTime, SQLite rows written by hand).
type timeCol struct{ t time.Time }

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
}

func (c *timeCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.t = time.Time{}
	case time.Time:
		c.t = x.UTC()
	case int64:
		c.t = time.UnixMilli(x).UTC()
	case float64:
		c.t = time.UnixMilli(int64(x)).UTC()
	case []byte:
		return c.Scan(string(x))
	case string:
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, x); err == nil {
				c.t = t.UTC()
				return nil
			}
		}
		if ms, err := strconv.ParseInt(x, 10, 64); err == nil {
			c.t = time.UnixMilli(ms).UTC()
			return nil
		}
		return fmt.Errorf("unreadable time %q", x)
	default:
		return fmt.Errorf("unreadable time of type %T", v)
	}
	return nil
}
