package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// routes wires the endpoints: the auth endpoints under the base path,
// verify beside them, the JWKS of the signed identity header, and
// /healthz, /readyz, /metrics.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	base := s.auth.BasePath()
	mux.Handle(base+"/", s.metrics.instrument("auth", s.auth.Handler()))
	verify := s.metrics.instrument("verify", s.verifier)
	mux.Handle(base+"/verify", verify)
	mux.Handle(base+"/verify/", verify) // Envoy's path_prefix form
	if sg := s.verifier.identity.signed; sg != nil {
		mux.Handle("GET /.well-known/jwks.json", s.metrics.instrument("ops", http.HandlerFunc(sg.serveJWKS)))
	}
	mux.Handle("GET /healthz", s.metrics.instrument("ops", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})))
	mux.Handle("GET /readyz", s.metrics.instrument("ops", http.HandlerFunc(s.readyz)))
	mux.Handle("GET /metrics", s.metrics.handler())
	if s.tracing == nil {
		return mux
	}
	return otelhttp.NewHandler(mux, "authgo", otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
		switch {
		case strings.HasPrefix(r.URL.Path, base+"/verify"):
			return r.Method + " " + base + "/verify"
		case strings.HasPrefix(r.URL.Path, base+"/"):
			// The action, not the provider or anything a client chose.
			action, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, base+"/"), "/")
			return r.Method + " " + base + "/" + action
		}
		return r.Method + " " + r.URL.Path
	}), otelhttp.WithFilter(func(r *http.Request) bool {
		return r.URL.Path != "/metrics" && r.URL.Path != "/healthz" && r.URL.Path != "/readyz"
	}))
}

// readyz answers 200 when the database and Redis answer within two
// seconds, 503 otherwise (or while shutting down), with what failed.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status := map[string]string{}
	ok := true
	check := func(name string, ping func(context.Context) error) {
		if err := ping(ctx); err != nil {
			ok = false
			status[name] = "unavailable"
			s.log.ErrorContext(r.Context(), "authgo serve: not ready", "store", name, "err", err)
			s.metrics.storeErrors.WithLabelValues(name, "ping").Inc()
			return
		}
		status[name] = "ok"
	}
	if s.db != nil {
		check("database", s.db.DB().PingContext)
	}
	if s.rdb != nil {
		check("redis", func(ctx context.Context) error { return s.rdb.Ping(ctx).Err() })
	}
	if s.draining.Load() {
		ok = false
		status["server"] = "shutting down"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(status)
}

// newLogger makes the logger of f: JSON (default) or text, at its level.
func newLogger(f LogFile, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if f.Level != "" {
		if err := level.UnmarshalText([]byte(f.Level)); err != nil {
			return nil, fmt.Errorf("log.level %q: use debug, info, warn or error", f.Level)
		}
	}
	o := &slog.HandlerOptions{Level: level}
	switch f.Format {
	case "", "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	}
	return nil, fmt.Errorf("log.format %q: use json or text", f.Format)
}

// setUpTracing starts OpenTelemetry tracing over OTLP/HTTP when the file
// or the OTEL_EXPORTER_OTLP_* variables ask for it, and returns its
// shutdown (nil when off). The exporter reads its endpoint, headers and
// protocol options from the standard variables.
func (s *Server) setUpTracing(ctx context.Context, get func(string) string) (func(context.Context) error, error) {
	t := s.cfg.file.Tracing
	if !t.Enabled && get("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	var opts []otlptracehttp.Option
	if u := get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); u != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(u))
	} else if u := get("OTEL_EXPORTER_OTLP_ENDPOINT"); u != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(strings.TrimRight(u, "/")+"/v1/traces"))
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	name := t.ServiceName
	if name == "" {
		name = "authgo"
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(name))),
	)
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	return tp.Shutdown, nil
}
