package serve

import (
	"net/http"
	"testing"
)

// A Java app behind authgo serve: Tomcat reads /public/..;/admin as
// /admin (it cuts ";…" off each segment, then resolves ".."), nginx and
// Caddy pass it on as it is. Before the fix verify let a viewer (200) and
// a signed-out client through the public rule to the app's /admin; now
// every such path meets the /admin rule.
func TestAttackVerifyServletPathParameters(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Access: appRules()}, nil)
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	vc := fx.cookies(c)
	for _, target := range []string{
		"https://app.test/public/..;/admin",
		"https://app.test/public/..;x=1/admin/users",
		"https://app.test/public/.;/..;/admin",
		"https://app.test/public/%2e%2e;/admin",
		"https://app.test/admin%00.jsp",
	} {
		if r := fx.verify(vc, target, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("viewer: %s = %d, want 403", target, r.StatusCode)
		}
		if r := fx.verify("", target, nil); r.StatusCode != http.StatusFound {
			t.Errorf("signed out: %s = %d, want 302 (sign in)", target, r.StatusCode)
		}
	}
}
