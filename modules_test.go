package authgo_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// heavyModules are modules a program that uses authgo must not get unless
// it requires the nested module that needs them: the SQL drivers
// (adapter/sql/postgres, mysql, sqlite), Redis (adapter/redis) and the
// test tools (e2e, cmd/authgo).
var heavyModules = []string{
	"github.com/jackc/pgx", "github.com/go-sql-driver/mysql", "modernc.org/sqlite",
	"github.com/redis/go-redis", "github.com/chromedp", "github.com/go-chi/chi",
}

// TestRootModuleIsLight checks the module graph a program gets by
// requiring github.com/authgo/authgo: every requirement of the root go.mod
// is in it (go list -m all), tests' too, so drivers, Redis and test tools
// must not be required there.
func TestRootModuleIsLight(t *testing.T) {
	cmd := exec.Command("go", "list", "-m", "all")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		for _, m := range heavyModules {
			if strings.HasPrefix(line, m) {
				t.Errorf("the root module's graph holds %s: it belongs in a nested module", line)
			}
		}
	}
}
