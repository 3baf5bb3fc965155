package authgo_test

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/authgo/authgo/guardpath"
)

// Servlet containers (Tomcat, Jetty behind Spring) cut a path parameter
// off each segment and then resolve dot segments: /public/..;/admin is
// /admin to them, while nginx, Go's routers and a plain cleaning see a
// segment "..;" under /public. Before the fix no reading of guardpath.Readings
// was /admin, so a forward-auth rule on /admin (authgo serve) let a viewer
// — or, with /public public, anyone — through to a Java app's /admin. Now
// the loose reading (parameters and trailing dots cut) also has its dot
// segments resolved. A segment cut at NUL (admin%00.jsp, for servers that
// end a name there) is read loosely too.
func TestAttackPathParameterDotSegments(t *testing.T) {
	for target, want := range map[string]string{
		"/public/..;/admin":        "admin",
		"/public/..;x=1/admin/":    "admin",
		"/public/.;/..;/admin/x":   "admin/x",
		"/public/%2e%2e;/admin":    "admin",
		"/static/x/..;/..;/admin":  "admin",
		"/admin%00.jsp":            "admin",
		"/public/..%3B/admin":      "admin",
		"/public/..;jsessionid=1/": "",
	} {
		readings := guardpath.Readings(httptest.NewRequest("GET", target, nil))
		found := slices.ContainsFunc(readings, func(segs []string) bool { return strings.Join(segs, "/") == want })
		if !found {
			t.Errorf("%s: no reading is /%s: %q", target, want, readings)
		}
	}
}
