package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/authgo/authgo/cmd/authgo/internal/serve"
)

// runServe is `authgo serve`: the standalone auth server of
// internal/serve, served until SIGINT or SIGTERM, then shut down
// gracefully.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve.Run(ctx, args, stdin, stdout, stderr, os.LookupEnv)
}
