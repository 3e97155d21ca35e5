package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"darner/aof"
	"darner/engine"
)

// The append-only file (issue 7). With appendonly on, every write command that succeeds is
// appended to the log (package aof) while its shards are still locked, so the log's order
// is the order in which each key changed; the reply waits, before it is sent, until the
// log holds the command as appendfsync promises (written, and synced with always). A
// MULTI block is logged as one MULTI … EXEC unit. What the log records is what replays to
// the same state:
//   - relative times become absolute (EXPIRE → PEXPIREAT, SET … EX → SET … PXAT), and a
//     command that deleted its key by a time in the past becomes DEL;
//   - a key removed because its time passed is logged as DEL (the observer below), since
//     replay runs with expiry stopped (replayClock) and keys expire only afterwards — as
//     Redis loads.
// Start-up replays the manifest's base (an RDB file) and incremental files, then appends
// to the last one. BGREWRITEAOF, or growth past auto-aof-rewrite-percentage, starts a new
// incremental file and writes a new base from a copy-on-write snapshot taken at the same
// moment (both under every shard's lock), then makes the pair the state.

// replayClock is the command clock during a replay: earlier than any expiry, so nothing
// expires while the log is read.
const replayClock = 1

// aofState is the log and what INFO reports about it.
type aofState struct {
	log atomic.Pointer[aof.Log] // nil while appendonly is off
	// meta is held for reading by write commands that lock no shard (FT.CREATE, FT.DICTADD,
	// FT.ALIASADD, …) from before they run until they are logged, and for writing by a
	// rewrite's cut, so that such a command is wholly before the cut (in the new base) or
	// wholly after (in the new incremental file).
	meta sync.RWMutex
	// mu serialises turning the log on and off and the rewrites' bookkeeping.
	mu        sync.Mutex
	rewriting atomic.Bool
	// switching counts CONFIG SET appendonly changes still being applied (in the
	// background): INFO shows a rewrite in progress from the reply on, as Redis does.
	switching     atomic.Int32
	scheduled     atomic.Bool
	lastRewriteOK atomic.Bool
	rewrites      atomic.Int64
	baseSize      atomic.Int64 // the log's size after the last rewrite (aof_base_size)
	policy        atomic.Int32
	percentage    atomic.Int64
	minSize       atomic.Int64
	loadTruncated atomic.Bool
	on            atomic.Bool // appendonly as configured (the log may still be starting)
	dirname       string
	filename      string
}

func (s *Server) initAOF(cfg Config) error {
	p, err := aof.ParsePolicy(cfg.AppendFsync)
	if err != nil {
		return err
	}
	for _, n := range []string{cfg.AppendDirname, cfg.AppendFilename} {
		if n == "" || strings.ContainsAny(n, `/\ `) || n == "." || n == ".." {
			return fmt.Errorf("appenddirname and appendfilename must be plain names; got %q", n)
		}
	}
	a := &s.aof
	a.policy.Store(int32(p))
	a.percentage.Store(int64(cfg.AutoAOFRewritePercentage))
	a.minSize.Store(cfg.AutoAOFRewriteMinSize)
	a.loadTruncated.Store(cfg.AOFLoadTruncated)
	a.on.Store(cfg.AppendOnly)
	a.lastRewriteOK.Store(true)
	a.dirname, a.filename = cfg.AppendDirname, cfg.AppendFilename
	s.store.AddObserver(expiryLogger{s})
	return nil
}

func (s *Server) aofDir() string { return filepath.Join(*s.cfg.dir.Load(), s.aof.dirname) }

// Load loads what the server starts with: the append-only log's state when appendonly is
// on, the snapshot otherwise. With appendonly on and no log yet, the snapshot is loaded
// and the log begins with it as its base (Redis 7 would start empty instead: darner never
// leaves data behind for turning the log on).
func (s *Server) Load() (keys int, err error) {
	if !s.aof.on.Load() {
		return s.LoadSnapshot()
	}
	m, err := aof.ReadManifest(s.aofDir(), s.aof.filename)
	if errors.Is(err, aof.ErrNoManifest) {
		if keys, err = s.LoadSnapshot(); err != nil {
			return 0, err
		}
		return keys, s.createAOF()
	}
	if err != nil {
		return 0, err
	}
	if keys, err = s.replayManifest(m); err != nil {
		return 0, err
	}
	l, err := aof.Open(s.aofDir(), s.aof.filename, m, aof.Policy(s.aof.policy.Load()))
	if err != nil {
		return 0, err
	}
	s.aof.baseSize.Store(l.Size())
	s.aof.log.Store(l)
	return keys, nil
}

// createAOF starts a log whose base is the store as it is, written before the server
// serves (start-up, nothing else runs).
func (s *Server) createAOF() error {
	l, basePath, err := aof.Create(s.aofDir(), s.aof.filename, aof.Policy(s.aof.policy.Load()))
	if err != nil {
		return err
	}
	tx := s.store.BeginAll(false)
	err = aof.WriteFileAtomically(basePath, func(w io.Writer) error { return s.encodeStore(w, &tx) })
	tx.End()
	if err == nil {
		err = l.Install()
	}
	if err != nil {
		l.Close()
		return err
	}
	s.aof.baseSize.Store(l.Size())
	s.aof.log.Store(l)
	return nil
}

// replayManifest loads the base and replays the incremental files, in order.
func (s *Server) replayManifest(m *aof.Manifest) (int, error) {
	dir := s.aofDir()
	keys := 0
	if m.Base != nil {
		path := filepath.Join(dir, m.Base.Name)
		if strings.HasSuffix(m.Base.Name, ".rdb") {
			n, err := s.loadRDB(path, true)
			if err != nil {
				return 0, err
			}
			keys += n
		} else if err := s.replayFile(path, false); err != nil {
			return 0, err
		}
	}
	for i, f := range m.Incrs {
		if err := s.replayFile(filepath.Join(dir, f.Name), i == len(m.Incrs)-1); err != nil {
			return 0, err
		}
	}
	return keys, nil
}

// replayFile runs the commands of one log file. A file that ends inside a command — what
// a crash during a write leaves — is cut back to its last whole command when it is the
// last file and aof-load-truncated is on, as Redis does; otherwise it is refused.
func (s *Server) replayFile(path string, last bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	cl := &Client{id: -1, created: s.started, authed: true}
	cl.resp.Store(2)
	n, err := aof.Replay(bufio.NewReaderSize(f, 1<<20), func(block [][][]byte) error {
		for _, args := range block {
			if err := s.replayCommand(cl, args); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return nil
	})
	var te *aof.TruncatedError
	switch {
	case errors.As(err, &te) && last && s.aof.loadTruncated.Load():
		s.log.Warn("the append-only file ends in the middle of a command: cutting it back to its last whole command",
			"file", path, "commands", n, "valid_bytes", te.Valid)
		return os.Truncate(path, te.Valid)
	case errors.As(err, &te):
		return fmt.Errorf("%s: %w (aof-load-truncated is off, or this is not the last file)", path, err)
	case err != nil:
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// replayCommand runs one logged command with the dispatcher's locking and a frozen
// clock. Its reply is dropped; a command the table does not know stops the load, since
// skipping it would load another state than the one logged.
func (s *Server) replayCommand(cl *Client, args [][]byte) error {
	cmd, rerr := s.resolve(args)
	if rerr != "" {
		return fmt.Errorf("replaying %q: %s", args[0], rerr)
	}
	tx := s.lockFor(cl, cmd, args)
	if tx != nil {
		tx.SetNow(replayClock)
	}
	c := &Ctx{srv: s, cl: cl, cmd: cmd, Args: args, W: &cl.w, tx: tx}
	s.run(c)
	if tx != nil {
		tx.End()
	}
	cl.w.b = cl.w.b[:0]
	return nil
}

// expiryLogger logs a key removed because its time passed as a DEL (see the top).
type expiryLogger struct{ s *Server }

func (e expiryLogger) Observe(_ int, ev engine.Event) {
	if ev.Kind != engine.EventExpire {
		return
	}
	if l := e.s.aof.log.Load(); l != nil {
		l.Append(ev.DB, [][]byte{[]byte("DEL"), []byte(ev.Key)})
	}
}

// logging reports whether the command's writes are being logged: handlers that log
// something other than their arguments (Propagate) build it only then.
func (c *Ctx) logging() bool { return c.srv.aof.log.Load() != nil }

// Propagate makes the log record args for this command instead of its arguments; with no
// args, nothing.
func (c *Ctx) Propagate(args ...[]byte) {
	c.prop, c.propSet = args, true
}

// logCommand appends a write command that succeeded (no error reply since errs) to the
// log, and notes in the client the offset its reply waits for.
func (s *Server) logCommand(c *Ctx, errs int) {
	l := s.aof.log.Load()
	if l == nil || c.W.errs != errs {
		return
	}
	if args := c.logged(); args != nil {
		c.cl.aofLog, c.cl.aofOff = l, l.Append(c.cl.db(), args)
	}
}

// logged is what the log records for the command: its arguments, or what it Propagated.
func (c *Ctx) logged() [][]byte {
	if c.propSet {
		if len(c.prop) == 0 {
			return nil
		}
		return c.prop
	}
	return c.Args
}

// waitLogged waits until the log holds the client's last logged command as appendfsync
// promises. An error means it may not be durable: the caller drops the replies and the
// connection rather than acknowledge it.
func (cl *Client) waitLogged() error {
	if cl.aofLog == nil {
		return nil
	}
	err := cl.aofLog.Wait(cl.aofOff)
	cl.aofLog = nil
	return err
}

// CloseAOF writes and syncs what the log holds and closes it (the server is stopping).
func (s *Server) CloseAOF() error {
	s.aof.mu.Lock()
	defer s.aof.mu.Unlock()
	if l := s.aof.log.Swap(nil); l != nil {
		return l.Close()
	}
	return nil
}

// BGREWRITEAOF
func cmdBgRewriteAOF(c *Ctx) {
	if c.srv.aof.log.Load() == nil {
		// Redis rewrites a log even with appendonly off; darner has none to rewrite.
		c.Err("ERR Append only file is off: turn it on with CONFIG SET appendonly yes")
		return
	}
	switch c.srv.startRewrite() {
	case rewriteStarted:
		c.W.Simple("Background append only file rewriting started")
	case rewriteScheduled:
		c.W.Simple("Background append only file rewriting scheduled")
	default:
		c.Err("ERR Background append only file rewriting already in progress")
	}
}

type rewriteStart int

const (
	rewriteStarted rewriteStart = iota
	rewriteScheduled
	rewriteBusy
)

// startRewrite begins a rewrite in the background, or schedules one for when the running
// BGSAVE ends (the two share the copy-on-write snapshot machinery, one at a time).
func (s *Server) startRewrite() rewriteStart {
	a := &s.aof
	if !a.rewriting.CompareAndSwap(false, true) {
		return rewriteBusy
	}
	if !s.persist.bgInFlight.CompareAndSwap(false, true) {
		a.rewriting.Store(false)
		if a.scheduled.Swap(true) {
			return rewriteBusy
		}
		return rewriteScheduled
	}
	go s.rewrite()
	return rewriteStarted
}

// rewrite cuts the log and writes the new base. The cut — a new incremental file and the
// snapshot — happens under the meta lock and every shard's lock, so every logged command is
// either in the snapshot or in the new file, never both or neither.
func (s *Server) rewrite() {
	a := &s.aof
	defer a.rewriting.Store(false)
	defer s.persist.bgInFlight.Store(false)
	l := a.log.Load()
	if l == nil {
		return
	}
	a.meta.Lock()
	tx := s.store.BeginAll(false)
	basePath, err := l.Rotate()
	var (
		sn    *engine.Snapshot
		blobs []metaBlob
		used  int64
	)
	if err == nil {
		blobs, err = s.searchMeta()
		for _, st := range s.store.Stats(&tx) {
			used += st.UsedBytes
		}
	}
	if err == nil {
		sn = s.store.BeginSnapshot(&tx)
	}
	tx.End()
	a.meta.Unlock()
	if err == nil {
		err = s.writeBgSnapshot(basePath, sn, blobs, used)
		sn.End()
	}
	if err == nil {
		err = l.Install()
	}
	a.lastRewriteOK.Store(err == nil)
	if err != nil {
		s.log.Warn("append-only file rewrite failed", "err", err)
		return
	}
	a.rewrites.Add(1)
	a.baseSize.Store(l.Size())
}

// aofCron starts a rewrite that is due: one scheduled behind a BGSAVE, or one the log's
// growth calls for (auto-aof-rewrite-percentage over the size after the last rewrite,
// once past auto-aof-rewrite-min-size).
func (s *Server) aofCron() {
	a := &s.aof
	l := a.log.Load()
	if l == nil || a.rewriting.Load() || s.persist.bgInFlight.Load() {
		return
	}
	if a.scheduled.Swap(false) {
		s.startRewrite()
		return
	}
	pct, size, base := a.percentage.Load(), l.Size(), max(a.baseSize.Load(), 1)
	if pct > 0 && size >= a.minSize.Load() && (size-base)*100/base >= pct {
		s.log.Info("starting an append-only file rewrite", "size", size, "base_size", base, "growth_pct", (size-base)*100/base)
		s.startRewrite()
	}
}

// setAppendOnly turns the log on (a rewrite writes its first base in the background; the
// log counts from when that is done, as in Redis) or off (closed after a last sync).
func (s *Server) setAppendOnly(on bool) error {
	a := &s.aof
	a.mu.Lock()
	defer a.mu.Unlock()
	a.on.Store(on)
	if !on {
		a.meta.Lock()
		tx := s.store.BeginAll(false) // no command is between running and being logged
		l := a.log.Swap(nil)
		tx.End()
		a.meta.Unlock()
		if l != nil {
			return l.Close()
		}
		return nil
	}
	if a.log.Load() != nil {
		return nil
	}
	return s.enableAOF()
}

// enableAOF starts the log at runtime: the first incremental file takes every write from
// the cut on, and the base of the store at the cut is written in the background.
func (s *Server) enableAOF() error {
	a := &s.aof
	if !s.persist.bgInFlight.CompareAndSwap(false, true) {
		return errors.New("a background save is in progress: try again when it ends")
	}
	a.rewriting.Store(true)
	fail := func(err error) error {
		a.rewriting.Store(false)
		s.persist.bgInFlight.Store(false)
		return err
	}
	// The files are made before the cut: nothing is appended until the log is stored.
	l, basePath, err := aof.Create(s.aofDir(), a.filename, aof.Policy(a.policy.Load()))
	if err != nil {
		return fail(err)
	}
	a.meta.Lock()
	tx := s.store.BeginAll(false)
	var (
		sn    *engine.Snapshot
		used  int64
		blobs []metaBlob
	)
	blobs, err = s.searchMeta()
	if err == nil {
		for _, st := range s.store.Stats(&tx) {
			used += st.UsedBytes
		}
		sn = s.store.BeginSnapshot(&tx)
		a.log.Store(l)
	}
	tx.End()
	a.meta.Unlock()
	if err != nil {
		l.Close()
		return fail(err)
	}
	go func() {
		defer s.persist.bgInFlight.Store(false)
		defer a.rewriting.Store(false)
		err := s.writeBgSnapshot(basePath, sn, blobs, used)
		sn.End()
		if err == nil {
			err = l.Install()
		}
		a.lastRewriteOK.Store(err == nil)
		if err != nil {
			s.log.Warn("starting the append-only file failed", "err", err)
			return
		}
		a.baseSize.Store(l.Size())
	}()
	return nil
}

// infoAOF writes the append-only fields of INFO persistence.
func (s *Server) infoAOF(b *infoBuilder) {
	a := &s.aof
	l := a.log.Load()
	b.int("aof_enabled", b2i(a.on.Load()))
	b.int("aof_rewrite_in_progress", b2i(a.rewriting.Load() || a.switching.Load() > 0))
	b.int("aof_rewrite_scheduled", b2i(a.scheduled.Load()))
	b.str("aof_last_bgrewrite_status", okErr(a.lastRewriteOK.Load()))
	b.int("aof_rewrites", a.rewrites.Load())
	b.str("aof_last_write_status", okErr(l == nil || l.LastError() == nil))
	if l != nil {
		b.int("aof_current_size", l.Size())
		b.int("aof_base_size", a.baseSize.Load())
		b.int("aof_pending_rewrite", b2i(a.scheduled.Load()))
	}
}

func okErr(ok bool) string {
	if ok {
		return "ok"
	}
	return "err"
}

// The append-only parameters of CONFIG GET/SET.
func aofConfigParams() []configParam {
	return []configParam{
		{name: "appendonly", get: func(s *Server) string { return yesNo(s.aof.on.Load()) },
			set: func(s *Server, v string) (func(), string) {
				on, ok := ParseYesNo(v)
				if !ok {
					return nil, "argument must be 'yes' or 'no'"
				}
				// In the background: it takes every shard's lock, which the command (in
				// MULTI) may hold some of.
				return func() {
					s.aof.on.Store(on)
					s.aof.switching.Add(1)
					go func() {
						// setAppendOnly marks the rewrite of the first base before it returns.
						defer s.aof.switching.Add(-1)
						if err := s.setAppendOnly(on); err != nil {
							s.log.Warn("CONFIG SET appendonly", "err", err)
						}
					}()
				}, ""
			}},
		{name: "appendfsync", get: func(s *Server) string { return aof.Policy(s.aof.policy.Load()).String() },
			set: func(s *Server, v string) (func(), string) {
				p, err := aof.ParsePolicy(strings.ToLower(v))
				if err != nil {
					return nil, "argument(s) must be one of the following: always, everysec, no"
				}
				return func() {
					s.aof.policy.Store(int32(p))
					if l := s.aof.log.Load(); l != nil {
						l.SetPolicy(p)
					}
				}, ""
			}},
		{name: "appenddirname", get: func(s *Server) string { return s.aof.dirname }, protected: true},
		{name: "appendfilename", get: func(s *Server) string { return s.aof.filename }, protected: true},
		{name: "auto-aof-rewrite-percentage", get: func(s *Server) string { return strconv.FormatInt(s.aof.percentage.Load(), 10) },
			set: func(s *Server, v string) (func(), string) {
				n, err := parseIntParam(v, 0, 1<<31-1)
				return func() { s.aof.percentage.Store(n) }, err
			}},
		{name: "auto-aof-rewrite-min-size", get: func(s *Server) string { return strconv.FormatInt(s.aof.minSize.Load(), 10) },
			set: func(s *Server, v string) (func(), string) {
				n, err := parseMemoryParam(v, 0, 1<<62)
				return func() { s.aof.minSize.Store(n) }, err
			}},
		{name: "aof-load-truncated", get: func(s *Server) string { return yesNo(s.aof.loadTruncated.Load()) },
			set: func(s *Server, v string) (func(), string) {
				on, ok := ParseYesNo(v)
				if !ok {
					return nil, "argument must be 'yes' or 'no'"
				}
				return func() { s.aof.loadTruncated.Store(on) }, ""
			}},
		{name: "aof-use-rdb-preamble", get: func(*Server) string { return "yes" }},
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// ParseYesNo reads a Redis boolean setting (yes or no, any case); ok is false otherwise.
func ParseYesNo(v string) (on, ok bool) {
	switch strings.ToLower(v) {
	case "yes":
		return true, true
	case "no":
		return false, true
	}
	return false, false
}

func init() { configParams = append(configParams, aofConfigParams()...) }
