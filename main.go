// Command darner is a Redis-protocol server for strings, hashes and JSON documents, built to
// be searched with the RediSearch command set. See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"darner/engine"
	"darner/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "darner:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg := server.DefaultConfig()
	fs := flag.NewFlagSet("darner", flag.ContinueOnError)
	fs.StringVar(&cfg.Bind, "bind", cfg.Bind, "address to listen on")
	fs.IntVar(&cfg.Port, "port", cfg.Port, "TCP port")
	shards := fs.Int("shards", runtime.NumCPU(), "number of keyspace shards")
	fs.StringVar(&cfg.RequirePass, "requirepass", cfg.RequirePass, "password clients must AUTH with (empty: none)")
	fs.IntVar(&cfg.MaxClients, "maxclients", cfg.MaxClients, "maximum number of connected clients")
	fs.StringVar(&cfg.Dir, "dir", cfg.Dir, "working directory for data files")
	fs.StringVar(&cfg.DBFilename, "dbfilename", cfg.DBFilename, "the snapshot's file name in --dir: loaded at start, written by SAVE")
	saveRule := fs.String("save", "", `snapshot rules, Redis' syntax: "3600 1 300 100" (after 3600 s if 1 change, after 300 s if 100); with rules, darner also saves when it stops`)
	fs.StringVar(&cfg.LogLevel, "loglevel", cfg.LogLevel, "debug, verbose, notice, warning or nothing")
	fs.Int64Var(&cfg.ProtoMaxBulkLen, "proto-max-bulk-len", cfg.ProtoMaxBulkLen, "largest bulk string a client may send, in bytes")
	fs.Int64Var(&cfg.ClientQueryBufferLimit, "client-query-buffer-limit", cfg.ClientQueryBufferLimit, "largest unparsed command a client may send, in bytes")
	appendOnly := fs.String("appendonly", "no", "yes: log every write to the append-only file in --dir/--appenddirname and replay it at start")
	fs.StringVar(&cfg.AppendFsync, "appendfsync", cfg.AppendFsync, "when the append-only file is synced: always (before each reply), everysec, no")
	fs.StringVar(&cfg.AppendDirname, "appenddirname", cfg.AppendDirname, "the append-only file's directory, in --dir")
	fs.StringVar(&cfg.AppendFilename, "appendfilename", cfg.AppendFilename, "the append-only files' name prefix")
	fs.IntVar(&cfg.AutoAOFRewritePercentage, "auto-aof-rewrite-percentage", cfg.AutoAOFRewritePercentage, "rewrite the append-only file when it has grown by this percentage since the last rewrite (0: never)")
	fs.Int64Var(&cfg.AutoAOFRewriteMinSize, "auto-aof-rewrite-min-size", cfg.AutoAOFRewriteMinSize, "no automatic rewrite below this size, in bytes")
	loadTruncated := fs.String("aof-load-truncated", "yes", "yes: a last command cut short by a crash is dropped at start; no: refuse to start")
	graphs := fs.String("snapshot-vector-graphs", "yes", "no: snapshots leave HNSW graphs out (smaller files; a restart builds them again instead of loading them)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file until the server stops (for bench/)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var ok bool
	if cfg.AppendOnly, ok = server.ParseYesNo(*appendOnly); !ok {
		return fmt.Errorf("--appendonly must be yes or no, got %q", *appendOnly)
	}
	if cfg.AOFLoadTruncated, ok = server.ParseYesNo(*loadTruncated); !ok {
		return fmt.Errorf("--aof-load-truncated must be yes or no, got %q", *loadTruncated)
	}
	var saveGraphs bool
	if saveGraphs, ok = server.ParseYesNo(*graphs); !ok {
		return fmt.Errorf("--snapshot-vector-graphs must be yes or no, got %q", *graphs)
	}
	cfg.NoVectorGraphs = !saveGraphs
	if *shards < 1 {
		return fmt.Errorf("--shards must be at least 1, got %d", *shards)
	}
	cfg.LogLevelVar = new(slog.LevelVar)
	cfg.LogLevelVar.Set(server.SlogLevel(cfg.LogLevel))
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevelVar}))

	store := engine.New(engine.Options{Shards: *shards})
	defer store.Close()
	points, err := server.ParseSave(*saveRule)
	if err != nil {
		return err
	}
	cfg.Save = *saveRule
	srv, err := server.New(cfg, store, logger)
	if err != nil {
		return err
	}
	if n, err := srv.Load(); err != nil {
		return fmt.Errorf("loading: %w", err)
	} else if n > 0 {
		logger.Info("data loaded", "keys", n)
	}
	defer func() {
		if err := srv.CloseAOF(); err != nil {
			logger.Warn("closing the append-only file", "err", err)
		}
	}()
	store.Start() // after loading: nothing expires while the log is replayed

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	_, gogcSet := os.LookupEnv("GOGC")
	go tuneGC(ctx, gogcSet)
	served := make(chan error, 1)
	go srv.RunSavePoints(points, ctx.Done())
	go func() { served <- srv.ListenAndServe() }()
	logger.Info("darner ready", "addr", fmt.Sprintf("%s:%d", cfg.Bind, cfg.Port), "shards", *shards, "version", server.Version)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		logger.Info("signal received, shutting down")
	case <-srv.ShutdownRequested():
		logger.Info("SHUTDOWN received, shutting down")
	}
	if len(points) > 0 {
		// With save rules, as Redis with save points, stopping saves.
		if err := srv.SaveNow(); err != nil {
			logger.Warn("saving on shutdown failed", "err", err)
		}
	}
	if err := srv.Close(); err != nil {
		return err
	}
	return <-served
}
