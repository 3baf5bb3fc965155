package guardpath_test

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/authgo/authgo/guardpath"
)

// A rule on a path prefix holds however a router reads the path: check
// every reading.
func ExampleReadings() {
	r := httptest.NewRequest("GET", "/public/..%2Fadmin", nil)
	for _, segs := range guardpath.Readings(r) {
		fmt.Println("/" + strings.Join(segs, "/"))
	}
	// Unordered output:
	// /admin
	// /admin
	// /public/../admin
	// /public/../admin
}
