package memory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
)

func BenchmarkGetSessionAndUser(b *testing.B) {
	a, ctx := memory.New(), context.Background()
	const n = 1000
	tokens := make([]string, n)
	for i := range n {
		u, _ := a.CreateUser(ctx, adapter.User{Email: fmt.Sprintf("u%d@example.com", i)})
		tokens[i] = fmt.Sprintf("token-%d", i)
		a.CreateSession(ctx, adapter.Session{SessionToken: tokens[i], UserID: u.ID, Expires: time.Now().Add(time.Hour)})
	}
	i := 0
	for b.Loop() {
		if s, u, err := a.GetSessionAndUser(ctx, tokens[i%n]); s == nil || u == nil || err != nil {
			b.Fatal("lookup failed")
		}
		i++
	}
}
