package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/authgo/authgo/ratelimit"
)

// The sign-in flow: check both keys before the attempt, count a failure on
// both, and forget the identifier's failures on success.
func Example() {
	lim := ratelimit.NewMemory()
	perEmail := ratelimit.Limit{Events: 5, Per: 15 * time.Minute}
	perIP := ratelimit.Limit{Events: 50, Per: 15 * time.Minute}
	proxies := ratelimit.Proxies{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	policy := ratelimit.FailClosed

	signIn := func(r *http.Request, email string, passwordOK bool) string {
		ctx := r.Context()
		ipKey := "signin:ip:" + proxies.ClientIP(r).String()
		emailKey := "signin:email:" + email
		for _, c := range []struct {
			key string
			l   ratelimit.Limit
		}{{ipKey, perIP}, {emailKey, perEmail}} {
			res, err := lim.Check(ctx, c.key, c.l)
			if err != nil {
				// log err here
			}
			if res = policy.Decide(res, err); !res.Allowed {
				// Retry-After is in whole seconds, rounded up.
				secs := (res.RetryAfter + time.Second - 1) / time.Second
				return fmt.Sprintf("429, Retry-After: %d", secs)
			}
		}
		if !passwordOK { // the password hash is only computed here
			lim.Hit(ctx, ipKey, perIP)
			lim.Hit(ctx, emailKey, perEmail)
			return "401"
		}
		lim.Reset(ctx, emailKey)
		return "200"
	}

	r := httptest.NewRequest("POST", "/api/auth/callback/credentials", nil)
	r.RemoteAddr = "10.0.0.1:4711"
	r.Header.Set("X-Forwarded-For", "198.51.100.9")
	for range 5 {
		signIn(r, "alice@example.com", false)
	}
	fmt.Println(signIn(r, "alice@example.com", true))
	fmt.Println(signIn(r, "bob@example.com", true))
	// Output:
	// 429, Retry-After: 180
	// 200
}

func ExampleProxies_ClientIP() {
	p := ratelimit.Proxies{
		Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		Header:  ratelimit.Forwarded,
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.2:55000"
	r.Header.Set("Forwarded", `for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711", for=10.0.0.3`)
	fmt.Println(p.ClientIP(r))
	// Output: 2001:db8:cafe::17
}
