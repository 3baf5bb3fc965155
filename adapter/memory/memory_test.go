package memory_test

import (
	"testing"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/adaptertest"
	"github.com/authgo/authgo/adapter/memory"
)

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) adapter.Adapter { return memory.New() })
}

// TestComposeConformance runs the suite against an adapter put together
// with adapter.Compose from two memory adapters, one keeping users and
// sessions, the other verification tokens: Compose must forward every method
// and optional interface.
func TestComposeConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) adapter.Adapter {
		users, tokens := memory.New(), memory.New()
		a := adapter.Compose(users, users, tokens)
		for name, ok := range map[string]bool{
			"SessionLister":       is[adapter.SessionLister](a),
			"UserSessionsDeleter": is[adapter.UserSessionsDeleter](a),
			"RevocationStore":     is[adapter.RevocationStore](a),
			"UserAccountCreator":  is[adapter.UserAccountCreator](a),
			"ExpiredDeleter":      is[adapter.ExpiredDeleter](a),
		} {
			if !ok {
				t.Errorf("the composed adapter is not an adapter.%s", name)
			}
		}
		return a
	})
}

func is[T any](v any) bool { _, ok := v.(T); return ok }
