package servertest

import (
	"net"
	"sync"
	"testing"

	"darner/engine"
	"darner/server"

	"github.com/redis/go-redis/v9"
)

// Options adjust the server a test starts.
type Options struct {
	Shards int                  // 0 means 4
	Config func(*server.Config) // optional changes to the default config
	// Load loads the snapshot in the config's Dir before serving, as darner does at start.
	Load bool
}

// Server is a running darner for one test.
type Server struct {
	Addr  string
	Srv   *server.Server
	Store *engine.Store
	stop  func()
}

// Stop stops the server as darner stops: connections closed, the append-only file synced
// and closed. It runs at the end of the test if not before.
func (s *Server) Stop() { s.stop() }

// Start runs a server on 127.0.0.1 with a free port; it stops when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	cfg := server.DefaultConfig()
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	shards := opts.Shards
	if shards == 0 {
		shards = 4 // several, so that cross-shard paths are exercised by default
	}
	store := engine.New(engine.Options{Shards: shards})
	// Every batch's bytes are overwritten once run, so an argument kept without a copy
	// shows up as corrupt data in the test that keeps it.
	server.ScribbleReadBuffers(true)
	srv, err := server.New(cfg, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Load {
		// The snapshot, or the append-only log when the config turns it on.
		if _, err := srv.Load(); err != nil {
			t.Fatal(err)
		}
	}
	store.Start() // after loading, as darner does: nothing expires during a replay
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	cron := make(chan struct{})
	go srv.RunSavePoints(nil, cron) // the once-a-second checks: the log's rewrites
	var once sync.Once
	stop := func() {
		once.Do(func() {
			close(cron)
			srv.Close()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			if err := srv.CloseAOF(); err != nil {
				t.Errorf("closing the append-only file: %v", err)
			}
			store.Close()
		})
	}
	t.Cleanup(stop)
	return &Server{Addr: ln.Addr().String(), Srv: srv, Store: store, stop: stop}
}

// Client returns a go-redis client speaking protocol proto (2 or 3), closed with the test.
func (s *Server) Client(t testing.TB, proto int) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: proto, DisableIdentity: false})
	t.Cleanup(func() { c.Close() })
	return c
}

// Protocols are the two protocol versions every reply-shape test runs under.
var Protocols = []int{2, 3}
