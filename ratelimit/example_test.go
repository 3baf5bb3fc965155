package ratelimit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"time"

	"github.com/authgo/authgo/ratelimit"
)

// The sign-in flow: reserve the attempt under the client's network and the
// email before the password is checked, and take the reservation back when
// the password was right, so that only failures count.
func Example() {
	lim := ratelimit.NewMemory()
	perEmail := ratelimit.Limit{Events: 5, Per: 15 * time.Minute}
	perIP := ratelimit.Limit{Events: 50, Per: 15 * time.Minute}
	proxies := ratelimit.Proxies{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	policy := ratelimit.FailClosed

	signIn := func(r *http.Request, email string, passwordOK bool) string {
		ctx := r.Context()
		client := ratelimit.ClientNetwork(proxies.ClientIP(r), ratelimit.DefaultIPv6Prefix)
		keys := []ratelimit.Key{
			{Name: "signin:ip:" + client.String(), Limit: perIP},
			{Name: "signin:email:" + email, Limit: perEmail},
		}
		res, err := lim.Reserve(ctx, keys...)
		if err != nil {
			// log err here
		}
		if res = policy.Decide(res, err); !res.Allowed {
			// Retry-After is in whole seconds, rounded up.
			secs := (res.RetryAfter + time.Second - 1) / time.Second
			return fmt.Sprintf("429, Retry-After: %d", secs)
		}
		if !passwordOK { // the password hash is only computed here
			return "401" // the reservation stays: a failure
		}
		lim.Refund(ctx, keys...)
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

// A client that owns an IPv6 network is one client for its /64.
func ExampleClientNetwork() {
	fmt.Println(ratelimit.ClientNetwork(netip.MustParseAddr("2001:db8:cafe:1:a:b:c:d"), ratelimit.DefaultIPv6Prefix))
	fmt.Println(ratelimit.ClientNetwork(netip.MustParseAddr("::ffff:192.0.2.7"), ratelimit.DefaultIPv6Prefix))
	// Output:
	// 2001:db8:cafe:1::/64
	// 192.0.2.7/32
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
