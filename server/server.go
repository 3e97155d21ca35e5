package server

import (
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"darner/engine"
	"darner/search"
)

// Version is the Redis version darner reports: the Redis whose command set it follows.
const Version = "7.4.0"

// Config is the server's start-up configuration (the command-line flags).
type Config struct {
	Bind                   string
	Port                   int
	RequirePass            string
	MaxClients             int
	Dir                    string
	DBFilename             string // the snapshot's file name in Dir (SAVE writes it, New's caller loads it)
	Save                   string // the save rules, as CONFIG GET save shows them
	LogLevel               string // debug, verbose, notice, warning (Redis' names)
	ProtoMaxBulkLen        int64
	ClientQueryBufferLimit int64
	// The append-only file (aof.go), with Redis' names and defaults.
	AppendOnly               bool
	AppendFsync              string // always, everysec, no
	AppendDirname            string // in Dir
	AppendFilename           string // the files' name prefix
	AutoAOFRewritePercentage int
	AutoAOFRewriteMinSize    int64
	AOFLoadTruncated         bool
	// NoVectorGraphs leaves HNSW graphs out of snapshots: smaller files, and restarts
	// build the graphs again instead of loading them (search/graphs.go).
	NoVectorGraphs bool
	// LogLevelVar, when set, is the level of the logger given to New; CONFIG SET loglevel
	// changes it.
	LogLevelVar *slog.LevelVar
}

// DefaultConfig returns Redis' defaults.
func DefaultConfig() Config {
	return Config{
		Bind:                   "127.0.0.1",
		Port:                   6379,
		MaxClients:             10000,
		Dir:                    ".",
		DBFilename:             "dump.rdb",
		LogLevel:               "notice",
		ProtoMaxBulkLen:        512 << 20,
		ClientQueryBufferLimit: 1 << 30,

		AppendFsync:              "everysec",
		AppendDirname:            "appendonlydir",
		AppendFilename:           "appendonly.aof",
		AutoAOFRewritePercentage: 100,
		AutoAOFRewriteMinSize:    64 << 20,
		AOFLoadTruncated:         true,
	}
}

// Server serves the RESP protocol over a Store.
type Server struct {
	cfg    *settings
	store  *engine.Store
	search *search.Registry
	// cursors are FT.AGGREGATE WITHCURSOR's unread rows.
	cursors cursors
	limits  resultLimits
	persist persistState
	// noGraphs is Config.NoVectorGraphs.
	noGraphs bool
	aof      aofState
	table    *Table
	log      *slog.Logger

	ln      net.Listener
	started time.Time

	// mu protects clients.
	mu      sync.Mutex
	clients map[int64]*Client
	nextID  atomic.Int64
	conns   sync.WaitGroup // the connections' goroutines

	totalCommands    atomic.Int64
	totalConnections atomic.Int64
	rejectedConns    atomic.Int64

	shutdownOnce sync.Once
	shutdown     chan struct{} // closed when a client asks for SHUTDOWN
}

// New makes a server over store. logger may be nil (logs discarded).
func New(cfg Config, store *engine.Store, logger *slog.Logger) (*Server, error) {
	st, err := newSettings(cfg)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(discard{}, nil))
	}
	s := &Server{
		cfg:      st,
		store:    store,
		log:      logger,
		clients:  make(map[int64]*Client),
		shutdown: make(chan struct{}),
		started:  time.Now(),
		search:   search.NewRegistry(store),
		noGraphs: cfg.NoVectorGraphs,
	}
	s.limits.maxSearch.Store(defaultMaxSearchResults)
	s.persist.lastSave.Store(s.started.Unix())
	s.persist.lastBgOK.Store(true)
	s.persist.changesAt.Store(store.Changes())
	s.table = newTable(s.commandGroups()...)
	if err := s.initAOF(cfg); err != nil {
		return nil, err
	}
	return s, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Table returns the command table (the README's command list is checked against it).
func (s *Server) Table() *Table { return s.table }

// ListenAndServe listens on the configured address and serves until Close.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", net.JoinHostPort(s.cfg.bind, strconv.Itoa(s.cfg.port)))
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves connections from ln until Close. It returns nil after Close.
func (s *Server) Serve(ln net.Listener) error {
	gl := &guardListener{Listener: ln, limits: s.cfg}
	s.mu.Lock()
	s.ln = gl
	s.mu.Unlock()
	return s.acceptLoop(gl)
}

// Addr is the listening address, once Serve has started.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops accepting and closes every connection.
func (s *Server) Close() error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	s.search.Close()
	if ln == nil {
		return nil
	}
	return ln.Close()
}

// ShutdownRequested is closed when a client sends SHUTDOWN; main then stops the process.
func (s *Server) ShutdownRequested() <-chan struct{} { return s.shutdown }

// accept registers a new connection as a client, or refuses it (answering why and closing
// it) when maxclients is reached.
func (s *Server) accept(nc net.Conn) *Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if int64(len(s.clients)) >= s.cfg.maxClients.Load() {
		s.rejectedConns.Add(1)
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		nc.Close()
		return nil
	}
	cl := &Client{
		id:      s.nextID.Add(1),
		conn:    nc,
		addr:    nc.RemoteAddr().String(),
		laddr:   nc.LocalAddr().String(),
		created: time.Now(),
	}
	// As in Redis, a connection made while no password is required stays authenticated
	// if one is set later.
	cl.authed = s.cfg.requirePass() == ""
	cl.resp.Store(2)
	cl.lastActive.Store(cl.created.UnixMilli())
	s.clients[cl.id] = cl
	s.totalConnections.Add(1)
	return cl
}

// closed forgets a client whose connection has ended.
func (s *Server) closed(cl *Client) {
	s.store.Unwatch(&cl.watch)
	s.mu.Lock()
	delete(s.clients, cl.id)
	s.mu.Unlock()
}
