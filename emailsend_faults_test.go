package authgo_test

import (
	"testing"

	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/internal/emailtest"
)

// The mail server down, refusing, or the store failing half-way: nothing
// stays stored, every client hears 503, the log keeps secrets out, a retry
// works. The SQL driver modules and adapter/redis run the same check
// against their real servers.
func TestEmailSendFailureLeavesNothing(t *testing.T) {
	emailtest.SendFailureLeavesNothing(t, emailtest.Store{Adapter: memory.New()})
}
