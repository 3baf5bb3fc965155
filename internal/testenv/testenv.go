// Package testenv finds the real services, Node.js packages and browser that
// authgo's tests run against, in one way for every package.
//
// A test that needs a service asks for it here. When the service is not
// configured, the test is skipped with a sentence saying how to enable it —
// except under CI (CI=true), where a missing service fails the test, because
// .ci/run is responsible for providing every one of them.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Environment variables that point tests at real servers. .ci/run sets all of
// them; DEVELOPERS.md lists the addresses of the development machines.
const (
	PostgresEnv = "AUTHGO_TEST_POSTGRES_URL" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	MySQLEnv    = "AUTHGO_TEST_MYSQL_DSN"    // e.g. root@tcp(127.0.0.1:3306)/test?parseTime=true
	RedisEnv    = "AUTHGO_TEST_REDIS_URL"    // e.g. redis://127.0.0.1:6379/0
	ChromiumEnv = "AUTHGO_TEST_CHROMIUM"     // path of a Chromium binary; default /usr/bin/chromium
)

// InCI reports whether the tests run under CI, where nothing may be skipped
// for want of a service.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "0" && v != "false"
}

// Unavailable skips t with the reason and the way to enable the test, or
// fails it under CI.
func Unavailable(t testing.TB, reason, enable string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true, so this is a failure: %s)", reason, enable)
	}
	t.Skipf("%s; %s", reason, enable)
}

// Need returns the value of the environment variable env, or skips t (fails
// it under CI) when it is empty.
func Need(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		Unavailable(t, env+" is not set", "set it (see DEVELOPERS.md) or run .ci/run")
	}
	return v
}

// Postgres returns the URL of the test PostgreSQL server.
func Postgres(t testing.TB) string { t.Helper(); return Need(t, PostgresEnv) }

// MySQL returns the DSN of the test MySQL/MariaDB server.
func MySQL(t testing.TB) string { t.Helper(); return Need(t, MySQLEnv) }

// Redis returns the URL of the test Redis server.
func Redis(t testing.TB) string { t.Helper(); return Need(t, RedisEnv) }

// Chromium returns the path of a headless-capable Chromium binary.
func Chromium(t testing.TB) string {
	t.Helper()
	p := os.Getenv(ChromiumEnv)
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		Unavailable(t, "no Chromium at "+p, "apt-get install chromium, or set "+ChromiumEnv)
	}
	return p
}
