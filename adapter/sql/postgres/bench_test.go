package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
)

// BenchmarkGetSessionAndUser measures the lookup behind every request with
// database sessions (see sqltest.BenchmarkGetSessionAndUser).
func BenchmarkGetSessionAndUser(b *testing.B) { sqltest.BenchmarkGetSessionAndUser(b, newDB) }

// BenchmarkPostgres1M loads 1,000,000 sessions (of 10,000 users) into
// PostgreSQL with COPY and reports the p50, p99 and max latency of
// GetSessionAndUser over random tokens, one lookup per iteration. It runs
// only with AUTHGO_BENCH_PG_1M=1; the load takes about a minute. Run it as
//
//	AUTHGO_BENCH_PG_1M=1 go test ./adapter/sql/postgres -run '^$' -bench Postgres1M -benchtime 20000x
func BenchmarkPostgres1M(b *testing.B) {
	if os.Getenv("AUTHGO_BENCH_PG_1M") != "1" {
		b.Skip("set AUTHGO_BENCH_PG_1M=1 to load 1,000,000 sessions into PostgreSQL")
	}
	const users, sessions = 10_000, 1_000_000
	a := newDB(b).MustOpen(b, authsql.Options{})
	ctx := context.Background()

	start := time.Now()
	userIDs := make([]string, users)
	userRows := make([][]any, users)
	for i := range users {
		userIDs[i] = uuid.NewString()
		userRows[i] = []any{userIDs[i], fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)}
	}
	tokens := make([]string, sessions)
	now := time.Now().UTC()
	conn, err := a.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		if _, err := pc.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "name", "email"}, pgx.CopyFromRows(userRows)); err != nil {
			return err
		}
		i := 0
		_, err := pc.CopyFrom(ctx, pgx.Identifier{"sessions"}, []string{"id", "sessionToken", "userId", "expires", "createdAt", "lastSeenAt"},
			pgx.CopyFromFunc(func() ([]any, error) {
				if i == sessions {
					return nil, nil
				}
				tokens[i] = uuid.NewString()
				row := []any{uuid.NewString(), tokens[i], userIDs[i%users], now.Add(time.Duration(i%720) * time.Hour), now, now}
				i++
				return row, nil
			}))
		if err != nil {
			return err
		}
		_, err = pc.Exec(ctx, "ANALYZE users; ANALYZE sessions")
		return err
	})
	conn.Close()
	if err != nil {
		b.Fatalf("load: %v", err)
	}
	b.Logf("loaded %d users and %d sessions in %v", users, sessions, time.Since(start).Round(time.Millisecond))

	// Warm the pool's connection and its prepared statement.
	if _, _, err := a.GetSessionAndUser(ctx, tokens[0]); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var lat []time.Duration
	for b.Loop() {
		tok := tokens[rng.IntN(sessions)]
		t0 := time.Now()
		s, u, err := a.GetSessionAndUser(ctx, tok)
		lat = append(lat, time.Since(t0))
		if err != nil || s == nil || u == nil {
			b.Fatalf("GetSessionAndUser = %v, %v, %v", s, u, err)
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	b.ReportMetric(float64(pct(0.50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(pct(0.99).Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.Logf("%d lookups over %d sessions: p50 %v, p99 %v, max %v", len(lat), sessions, pct(0.50), pct(0.99), lat[len(lat)-1])
}
