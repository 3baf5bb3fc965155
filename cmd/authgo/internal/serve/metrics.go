package serve

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
)

// metrics are the Prometheus metrics of one server, in a registry of its
// own (no global state: tests run several servers in one process).
type metrics struct {
	reg         *prometheus.Registry
	signIns     *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	verify      *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	// revocationStore names the store revocation methods go to.
	revocationStore string
}

func newMetrics(revocationStore string) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authgo_signins_total", Help: "Sign-ins by provider and result (success, or the Auth.js error type).",
		}, []string{"provider", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authgo_rate_limited_total", Help: "Sign-in attempts refused by a rate limit, by provider and limit.",
		}, []string{"provider", "limit"}),
		verify: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authgo_verify_decisions_total", Help: "Forward-auth decisions: allow, unauthenticated, forbidden, unavailable, bad_request.",
		}, []string{"decision"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "authgo_http_request_duration_seconds", Help: "Latency of HTTP requests by handler (verify, auth, ops) and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"handler", "code"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authgo_store_errors_total", Help: "Failed calls to a store (database, redis), by store and method.",
		}, []string{"store", "method"}),
		revocationStore: revocationStore,
	}
	m.reg.MustRegister(m.signIns, m.rateLimited, m.verify, m.duration, m.storeErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// handler serves /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// instrument times h under the label name.
func (m *metrics) instrument(name string, h http.Handler) http.Handler {
	return promhttp.InstrumentHandlerDuration(m.duration.MustCurryWith(prometheus.Labels{"handler": name}), h)
}

// events counts sign-ins and rate-limit refusals; they wrap ev, keeping
// what it had.
func (m *metrics) events(ev authgo.Events) authgo.Events {
	signIn, failure, limited := ev.SignIn, ev.SignInFailure, ev.RateLimited
	ev.SignIn = func(ctx context.Context, e authgo.SignInEvent) error {
		provider := ""
		if e.Account != nil {
			provider = e.Account.Provider
		}
		m.signIns.WithLabelValues(provider, "success").Inc()
		return call(ctx, signIn, e)
	}
	ev.SignInFailure = func(ctx context.Context, e authgo.SignInFailureEvent) error {
		m.signIns.WithLabelValues(e.Provider, string(e.Type)).Inc()
		return call(ctx, failure, e)
	}
	ev.RateLimited = func(ctx context.Context, e authgo.RateLimitedEvent) error {
		m.rateLimited.WithLabelValues(e.Provider, e.Limit).Inc()
		return call(ctx, limited, e)
	}
	return ev
}

func call[E any](ctx context.Context, f func(context.Context, E) error, e E) error {
	if f == nil {
		return nil
	}
	return f(ctx, e)
}

// storeError counts err when a store failed in it.
func (m *metrics) storeError(msg string, err error) {
	var ae *adapter.Error
	switch {
	case strings.Contains(msg, "rate limiter failed"):
		m.storeErrors.WithLabelValues("redis", "limiter").Inc()
	case errors.As(err, &ae):
		store := "database"
		switch ae.Method {
		case "TokensRevokedBefore", "RevokeUserTokens", "SessionRevoked", "RevokeSession":
			store = m.revocationStore
		}
		m.storeErrors.WithLabelValues(store, ae.Method).Inc()
	case errors.Is(err, adapter.ErrUnavailable):
		m.storeErrors.WithLabelValues("database", "unknown").Inc()
	}
}

// countingHandler is a slog.Handler that counts the store failures in the
// records it passes on: authgo logs each failed store call once, with the
// error as "err", so counting there counts every path (sign-in, session,
// sign-out, verify).
type countingHandler struct {
	slog.Handler
	m *metrics
}

// Handle counts a store failure in r, then passes r on.
func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		r.Attrs(func(a slog.Attr) bool {
			if err, ok := a.Value.Any().(error); ok && a.Key == "err" {
				h.m.storeError(r.Message, err)
				return false
			}
			return true
		})
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the counting.
func (h countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return countingHandler{h.Handler.WithAttrs(as), h.m}
}

// WithGroup keeps the counting.
func (h countingHandler) WithGroup(name string) slog.Handler {
	return countingHandler{h.Handler.WithGroup(name), h.m}
}
