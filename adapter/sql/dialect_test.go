package sql

import (
	"strings"
	"testing"
	"time"
)

func TestPrepare(t *testing.T) {
	tables := strings.NewReplacer("{users}", `"auth_users"`)
	my := strings.NewReplacer("{users}", "`auth_users`")
	q := `SELECT "emailVerified" FROM {users} WHERE id = ? AND email = ?`
	for _, c := range []struct {
		d    Dialect
		r    *strings.Replacer
		want string
	}{
		{Postgres, tables, `SELECT "emailVerified" FROM "auth_users" WHERE id = $1 AND email = $2`},
		{SQLite, tables, `SELECT "emailVerified" FROM "auth_users" WHERE id = ? AND email = ?`},
		{MySQL, my, "SELECT `emailVerified` FROM `auth_users` WHERE id = ? AND email = ?"},
	} {
		if got := c.d.prepare(q, c.r); got != c.want {
			t.Errorf("%v: prepare = %s, want %s", c.d, got, c.want)
		}
	}
}

func TestTimeCol(t *testing.T) {
	want := time.Date(2026, 3, 4, 5, 6, 7, 123_000_000, time.UTC)
	for _, v := range []any{
		want.In(time.FixedZone("X", 3600)),
		want.UnixMilli(),
		"2026-03-04 05:06:07.123",
		[]byte("2026-03-04 05:06:07.123"),
		"2026-03-04T06:06:07.123+01:00",
		"1772600767123",
	} {
		var c timeCol
		if err := c.Scan(v); err != nil {
			t.Errorf("Scan(%T %v): %v", v, v, err)
			continue
		}
		if !c.t.Equal(want) || c.t.Location() != time.UTC {
			t.Errorf("Scan(%T %v) = %v, want %v in UTC", v, v, c.t, want)
		}
	}
	var c timeCol
	if err := c.Scan(nil); err != nil || !c.t.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", c.t, err)
	}
	if err := c.Scan("yesterday"); err == nil {
		t.Error("Scan(yesterday) succeeded")
	}
}

func TestTimeArg(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 123_456_789, time.FixedZone("X", -7200))
	if got := SQLite.timeArg(at); got != at.UnixMilli() {
		t.Errorf("SQLite.timeArg = %v", got)
	}
	got := Postgres.timeArg(at).(time.Time)
	if got.Location() != time.UTC || got.Nanosecond() != 123_000_000 || !got.Equal(at.Truncate(time.Millisecond)) {
		t.Errorf("Postgres.timeArg = %v", got)
	}
	if MySQL.timeArg(time.Time{}) != nil {
		t.Error("the zero time is not NULL")
	}
}

// FuzzTimeCol feeds the time reader hostile text, as a hand-edited row
// could hold: it must return a time or an error, never panic.
func FuzzTimeCol(f *testing.F) {
	for _, s := range []string{"2026-03-04 05:06:07.123", "2026-03-04T05:06:07Z", "1772600767123", "", "-9223372036854775808", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c timeCol
		if err := c.Scan(s); err == nil && !c.t.IsZero() && c.t.Location() != time.UTC {
			t.Errorf("Scan(%q) = %v, not UTC", s, c.t)
		}
	})
}
