package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// listenHTTP binds addr ("" disables the listener).
func listenHTTP(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("TIBOT_HTTP_ADDR=%s: %w", addr, err)
	}
	return ln, nil
}

// httpShutdownTimeout bounds the graceful shutdown of the HTTP listener.
const httpShutdownTimeout = 10 * time.Second

// webhookRoutes are the routes of the platforms that receive their events
// over HTTP (Telegram in webhook mode), by path.
func webhookRoutes(plats []platform) map[string]http.Handler {
	routes := map[string]http.Handler{}
	for _, p := range plats {
		if wp, ok := p.p.(webhookPlatform); ok && wp.WebhookPath() != "" {
			routes[wp.WebhookPath()] = wp.WebhookHandler()
		}
	}
	return routes
}

// serveHTTP serves /healthz, /metrics and the webhook routes on ln until
// ctx ends.
func serveHTTP(ctx context.Context, ln net.Listener, m *metrics, routes map[string]http.Handler, logger *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /metrics", m)
	for path, h := range routes {
		mux.Handle(path, h)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("http listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("http listener: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), httpShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	<-errc
	return nil
}
