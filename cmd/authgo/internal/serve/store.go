package serve

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/mysql"
	"github.com/authgo/authgo/adapter/sql/postgres"
	"github.com/authgo/authgo/adapter/sql/sqlite"
)

// databaseKind names the database a URL points at: "postgres", "mysql",
// "sqlite", or "" for none. Anything else is an error.
func databaseKind(raw string) (string, error) {
	switch {
	case raw == "":
		return "", nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return "postgres", nil
	case strings.HasPrefix(raw, "mysql://"):
		return "mysql", nil
	case strings.Contains(raw, "://"):
		return "", fmt.Errorf("database %q: use a SQLite file path, a postgres:// or a mysql:// URL", redactURL(raw))
	}
	if strings.ContainsAny(raw, "?#") {
		return "", fmt.Errorf("database %q: a SQLite path may not contain ? or #", raw)
	}
	return "sqlite", nil
}

// openDatabase opens and migrates the database at raw (see databaseKind).
func openDatabase(ctx context.Context, raw, tablePrefix string) (*authsql.Adapter, error) {
	kind, err := databaseKind(raw)
	if err != nil {
		return nil, err
	}
	opts := authsql.Options{TablePrefix: tablePrefix}
	var a *authsql.Adapter
	switch kind {
	case "postgres":
		a, err = postgres.Open(ctx, raw, opts)
	case "mysql":
		var dsn string
		if dsn, err = mysqlDSN(raw); err == nil {
			a, err = mysql.Open(ctx, dsn, opts)
		}
	case "sqlite":
		a, err = sqlite.Open(ctx, raw, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redactURL(raw), err)
	}
	return a, nil
}

// mysqlDSN turns mysql://user:pass@host:port/db?params into the DSN of
// go-sql-driver/mysql, user:pass@tcp(host:port)/db?params.
func mysqlDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("not a mysql://user:password@host:3306/database URL")
	}
	db := strings.TrimPrefix(u.Path, "/")
	if u.Host == "" || db == "" || strings.Contains(db, "/") {
		return "", errors.New("a mysql:// URL needs a host and a database: mysql://user:password@host:3306/database")
	}
	host := u.Host
	if u.Port() == "" {
		host += ":3306"
	}
	var auth string
	if u.User != nil {
		auth = u.User.Username()
		if p, ok := u.User.Password(); ok {
			auth += ":" + p
		}
		auth += "@"
	}
	dsn := auth + "tcp(" + host + ")/" + db
	if u.RawQuery != "" {
		dsn += "?" + u.RawQuery
	}
	return dsn, nil
}

// openRedis returns a client for raw with short timeouts, so that a call to
// a Redis server that is down fails (and verify answers 503) within about a
// second instead of hanging the proxy.
func openRedis(raw string) (*goredis.Client, error) {
	o, err := goredis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("redis %s: %w", redactURL(raw), err)
	}
	o.DialTimeout = time.Second
	o.ReadTimeout = time.Second
	o.WriteTimeout = time.Second
	o.MaxRetries = 1
	return goredis.NewClient(o), nil
}

// redactURL hides the password of a URL in messages.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}
