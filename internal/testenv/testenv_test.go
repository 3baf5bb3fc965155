package testenv

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

func TestRunNodeUsesPinnedAuthCore(t *testing.T) {
	out := RunNode(t, `import { readFileSync } from "node:fs";
import { encode } from "@auth/core/jwt";
if (typeof encode !== "function") throw new Error("no encode in @auth/core/jwt");
console.log(JSON.parse(readFileSync("node_modules/@auth/core/package.json", "utf8")).version);`, nil)
	if got := strings.TrimSpace(string(out)); got != "0.41.3" {
		t.Fatalf("@auth/core version = %q, want 0.41.3", got)
	}
}

// TestMain ends the output with the summary line (see Main).
func TestMain(m *testing.M) { Main(m) }

// skippedBy runs need in a subtest and reports whether it skipped it,
// with the skip message.
func skippedBy(t *testing.T, need func(testing.TB)) (bool, string) {
	t.Helper()
	var skipped bool
	var msg string
	t.Run("need", func(st *testing.T) {
		rec := &recordTB{T: st}
		defer func() { skipped, msg = st.Skipped(), rec.msg }()
		need(rec)
	})
	return skipped, msg
}

// recordTB keeps the message of a Skipf.
type recordTB struct {
	*testing.T
	msg string
}

func (r *recordTB) Skipf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	r.T.Skipf(format, args...)
}

// TestServicesOnlyWhenAsked: Chromium and the npm packages are used only
// when their variables are set, even on a machine that has them; the skip
// says which variable, and the summary counts it.
func TestServicesOnlyWhenAsked(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(ChromiumEnv, "")
	t.Setenv(NodeDirEnv, "")
	nodeOnce.Lock()
	saved := nodeOnce.dir
	nodeOnce.dir = ""
	nodeOnce.Unlock()
	t.Cleanup(func() { nodeOnce.Lock(); nodeOnce.dir = saved; nodeOnce.Unlock() })
	skips.Lock()
	savedSkips := skips.n
	skips.n = map[string]int{} // count this test's skips alone
	skips.Unlock()
	t.Cleanup(func() { // the skips this test causes on purpose are not the package's
		skips.Lock()
		skips.n = savedSkips
		skips.Unlock()
	})

	_, chromiumInstalled := exec.LookPath("/usr/bin/chromium")
	if skipped, msg := skippedBy(t, func(tb testing.TB) { Chromium(tb) }); !skipped || !strings.Contains(msg, "set "+ChromiumEnv) {
		t.Errorf("Chromium without %s (installed at /usr/bin/chromium: %v): skipped %v, %q", ChromiumEnv, chromiumInstalled == nil, skipped, msg)
	}
	_, nodeInstalled := exec.LookPath("npm")
	if skipped, msg := skippedBy(t, func(tb testing.TB) { NodeDir(tb) }); !skipped || !strings.Contains(msg, "set "+NodeDirEnv) {
		t.Errorf("NodeDir without %s (npm installed: %v): skipped %v, %q", NodeDirEnv, nodeInstalled == nil, skipped, msg)
	}
	if n := skips.total(); n != 2 {
		t.Errorf("%d skips counted, want 2", n)
	}
	line := Summary()
	for _, want := range []string{"testenv: 2 tests skipped", "set " + ChromiumEnv + " (1)", "set " + NodeDirEnv + " (1)"} {
		if !strings.Contains(line, want) {
			t.Errorf("summary %q lacks %q", line, want)
		}
	}
}

// TestUnavailableFailsUnderCI: under CI a missing service is a failure,
// not a skip.
func TestUnavailableFailsUnderCI(t *testing.T) {
	t.Setenv("CI", "true")
	t.Setenv(RedisEnv, "")
	ft := &failTB{T: t}
	func() {
		defer func() { _ = recover() }() // Fatalf below ends the call
		Redis(ft)
	}()
	if !strings.Contains(ft.msg, RedisEnv+" is not set (CI=true, so this is a failure") {
		t.Errorf("under CI: %q", ft.msg)
	}
}

// failTB records a Fatalf instead of failing the test.
type failTB struct {
	*testing.T
	msg string
}

func (f *failTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic("fatal")
}
