// Package testenv finds the real services, Node.js packages and browser that
// authgo's tests run against, in one way for every package.
//
// A test that needs a service asks for it here. A service is used only
// when its variable is set: without it the test is skipped with a sentence
// naming the variable — except under CI (CI=true), where a missing service
// fails the test, because .ci/run is responsible for providing every one of
// them. Nothing is used just because it happens to be installed, so
// `go test work` with no variable set needs no network, no npm and no
// browser, and gives the same result on every machine.
//
// A package whose tests use services runs them through Main, which ends
// the package's output with one line naming what was skipped and the
// variable that enables it (go test shows a passing package's output with
// -v: `go test -v work | grep ^testenv:`).
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Environment variables that point tests at real servers. .ci/run sets all of
// them; DEVELOPERS.md lists the addresses of the development machines.
const (
	PostgresEnv = "AUTHGO_TEST_POSTGRES_URL" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	MySQLEnv    = "AUTHGO_TEST_MYSQL_DSN"    // e.g. root@tcp(127.0.0.1:3306)/test?parseTime=true
	RedisEnv    = "AUTHGO_TEST_REDIS_URL"    // e.g. redis://127.0.0.1:6379/0
	ChromiumEnv = "AUTHGO_TEST_CHROMIUM"     // path of a Chromium binary, e.g. /usr/bin/chromium
)

// InCI reports whether the tests run under CI, where nothing may be skipped
// for want of a service.
func InCI() bool {
	v := os.Getenv("CI")
	return v != "" && v != "0" && v != "false"
}

// Unavailable skips t with the reason and the way to enable the test, or
// fails it under CI. Summary counts the skip under enable.
func Unavailable(t testing.TB, reason, enable string) {
	t.Helper()
	unavailable(t, enable, reason, enable)
}

// unavailable is Unavailable counting the skip under key: the variable
// that enables the test.
func unavailable(t testing.TB, key, reason, enable string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (CI=true, so this is a failure: %s)", reason, enable)
	}
	skips.add(key)
	t.Skipf("%s; %s", reason, enable)
}

// Need returns the value of the environment variable env, or skips t (fails
// it under CI) when it is empty.
func Need(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		unavailable(t, env, env+" is not set", "set "+env+" (DEVELOPERS.md lists the values) or run .ci/run")
	}
	return v
}

// skips counts the tests of this test binary skipped for want of a
// service, by the variable that enables them.
var skips = skipCount{n: map[string]int{}}

type skipCount struct {
	sync.Mutex
	n map[string]int
}

func (c *skipCount) total() int {
	c.Lock()
	defer c.Unlock()
	n := 0
	for _, v := range c.n {
		n += v
	}
	return n
}

func (c *skipCount) add(enable string) {
	c.Lock()
	defer c.Unlock()
	c.n[enable]++
}

// Summary returns one line naming how many tests of this test binary were
// skipped for want of a service and how to enable each kind, or "" when
// none was.
func Summary() string {
	skips.Lock()
	defer skips.Unlock()
	total := 0
	var parts []string
	for key, n := range skips.n {
		total += n
		if strings.HasPrefix(key, "AUTHGO_") {
			key = "set " + key
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", key, n))
	}
	if total == 0 {
		return ""
	}
	sort.Strings(parts)
	tests := "tests"
	if total == 1 {
		tests = "test"
	}
	return fmt.Sprintf("testenv: %d %s skipped for want of a service; to run: %s (DEVELOPERS.md lists the values)", total, tests, strings.Join(parts, "; "))
}

// Main runs the tests of m, prints Summary's line when a test was skipped
// for want of a service, and exits with m's status. A package whose tests
// use services calls it from its TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if line := Summary(); line != "" {
		fmt.Println(line)
	}
	os.Exit(code)
}

// Postgres returns the URL of the test PostgreSQL server.
func Postgres(t testing.TB) string { t.Helper(); return Need(t, PostgresEnv) }

// MySQL returns the DSN of the test MySQL/MariaDB server.
func MySQL(t testing.TB) string { t.Helper(); return Need(t, MySQLEnv) }

// Redis returns the URL of the test Redis server.
func Redis(t testing.TB) string { t.Helper(); return Need(t, RedisEnv) }

// Chromium returns the path of the headless-capable Chromium binary
// ChromiumEnv names. Unset, the test is skipped even where a Chromium is
// installed: browser tests run when asked for.
func Chromium(t testing.TB) string {
	t.Helper()
	enable := "set " + ChromiumEnv + " to a Chromium binary, e.g. /usr/bin/chromium (apt-get install chromium)"
	p := os.Getenv(ChromiumEnv)
	if p == "" {
		unavailable(t, ChromiumEnv, ChromiumEnv+" is not set", enable)
	}
	if _, err := exec.LookPath(p); err != nil {
		unavailable(t, ChromiumEnv, "no Chromium at "+p, enable)
	}
	return p
}
