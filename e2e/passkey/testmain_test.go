package passkey_test

import (
	"testing"

	"github.com/authgo/authgo/internal/testenv"
)

// TestMain ends the package's output with one line naming the tests that
// were skipped for want of a service and the variables that enable them.
func TestMain(m *testing.M) { testenv.Main(m) }
