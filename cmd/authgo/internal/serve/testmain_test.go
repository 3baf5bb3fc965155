package serve

import (
	"testing"

	"github.com/authgo/authgo/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
