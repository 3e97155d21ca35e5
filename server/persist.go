package server

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"darner/aof"
	"darner/engine"
	"darner/jsonpath"
	"darner/rdb"
	"darner/search"
)

// Snapshots (issue 7): SAVE writes every database of the store, with the index definitions,
// to dir/dbfilename in Redis' RDB format (darner's JSON documents, suggestion dictionaries
// and index definitions in the rdb package's documented extension); the server loads that
// file when it starts. The file is written beside its final name and renamed over it once
// complete and synced, so a crash during a save leaves the previous snapshot whole.

// Blobs of a snapshot that are not keys, by name prefix: an index definition (its data the
// FT.CREATE arguments, a JSON array of strings), an index's synonym groups (a JSON array of
// {Term, Groups}) and an FT.DICTADD dictionary (a JSON array of its terms), each followed
// by the index's or dictionary's name. Definitions come first: the synonyms need them.
const (
	indexMetaPrefix = "ft.index:"
	synMetaPrefix   = "ft.syn:"
	dictMetaPrefix  = "ft.dict:"
	// graphMetaPrefix names an index's saved HNSW graphs (one blob per shard and field,
	// see search/graphs.go), after the keys.
	graphMetaPrefix = "ft.graph:"
)

// persistState is what INFO's persistence section reports.
type persistState struct {
	mu         sync.Mutex // one save at a time
	lastSave   atomic.Int64
	saves      atomic.Int64
	changesAt  atomic.Int64 // Store.Changes() when the last save began
	bgInFlight atomic.Bool
	lastBgOK   atomic.Bool
}

// snapshotPath is where SAVE writes and the server loads.
func (s *Server) snapshotPath() string {
	return filepath.Join(*s.cfg.dir.Load(), *s.cfg.dbfilename.Load())
}

// writeSnapshot writes the store as seen through tx (which holds every shard) and the
// index definitions. The caller holds s.persist.mu, taken before the shards' locks or
// with TryLock under them: a background save holds it while it takes shard locks, so
// waiting for it with shards held could deadlock behind a waiting writer.
func (s *Server) writeSnapshot(tx *engine.Tx) error {
	changes := s.store.Changes()
	err := aof.WriteFileAtomically(s.snapshotPath(), func(w io.Writer) error {
		return s.encodeStore(w, tx)
	})
	if err != nil {
		return err
	}
	s.persist.changesAt.Store(changes)
	s.persist.lastSave.Store(time.Now().Unix())
	s.persist.saves.Add(1)
	return nil
}

// encodeStore writes the index definitions, then every key of every database.
func (s *Server) encodeStore(w io.Writer, tx *engine.Tx) error {
	stats := s.store.Stats(tx)
	var used int64
	for _, st := range stats {
		used += st.UsedBytes
	}
	en := rdb.NewEncoder(w, rdb.Options{Compress: true, RedisVersion: Version, DarnerVersion: Version, UsedMem: used})
	blobs, err := s.searchMeta()
	if err != nil {
		return err
	}
	if err := encodeMeta(en, blobs); err != nil {
		return err
	}
	var e rdb.Entry // reused: the encoder copies what it writes
	for db := range engine.NumDBs {
		keys, expires := 0, 0
		for _, st := range stats {
			keys, expires = keys+st.Keys[db], expires+st.Volatile[db]
		}
		if keys == 0 {
			continue
		}
		if err := en.SelectDB(db, keys, expires); err != nil {
			return err
		}
		for _, v := range tx.Views(db) {
			var err error
			v.Range(func(key string, o *engine.Object) bool {
				fillEntry(&e, db, key, o.Value, o.Expire)
				err = en.Write(&e)
				return err == nil
			})
			if err != nil {
				return err
			}
		}
	}
	// Every shard is held: the graphs go straight to the file.
	for _, name := range s.graphIndexes() {
		if idx := s.search.Get(name); idx != nil {
			for shard := range s.store.Shards() {
				err := idx.WriteGraphs(shard, func(_ string, blob []byte) error {
					return en.WriteMeta(graphMetaPrefix+name, blob)
				})
				if err != nil {
					return err
				}
			}
		}
	}
	return en.Close()
}

// graphBlobs returns a function that writes the indexes' HNSW graphs for a background
// snapshot: a shard at a time, each copied out under that shard's lock alone and written
// after it is let go, so writers wait for a copy, not for the disk.
func (s *Server) graphBlobs() func(en *rdb.Encoder) error {
	return func(en *rdb.Encoder) error {
		for _, name := range s.graphIndexes() {
			idx := s.search.Get(name)
			if idx == nil {
				continue
			}
			for shard := range s.store.Shards() {
				var blobs [][]byte
				tx := s.store.BeginShard(shard, false)
				err := idx.WriteGraphs(shard, func(_ string, blob []byte) error {
					blobs = append(blobs, blob)
					return nil
				})
				tx.End()
				if err != nil {
					return err
				}
				for _, b := range blobs {
					if err := en.WriteMeta(graphMetaPrefix+name, b); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
}

// graphIndexes are the indexes whose graphs snapshots save: all, unless
// --snapshot-vector-graphs is no.
func (s *Server) graphIndexes() []string {
	if s.noGraphs {
		return nil
	}
	return s.search.Names()
}

// metaBlob is one blob of a snapshot that is not a key.
type metaBlob struct {
	name string
	data []byte
}

// searchMeta gathers the index definitions, then their synonym groups and the
// dictionaries, as a snapshot writes them.
func (s *Server) searchMeta() ([]metaBlob, error) {
	var out []metaBlob
	add := func(name string, v any) error {
		b, err := json.Marshal(v)
		out = append(out, metaBlob{name, b})
		return err
	}
	var idxs []*search.Index
	for _, name := range s.search.Names() {
		if idx := s.search.Get(name); idx != nil {
			idxs = append(idxs, idx)
			if err := add(indexMetaPrefix+name, idx.Def.Args); err != nil {
				return nil, err
			}
		}
	}
	for _, idx := range idxs {
		if syn := idx.SynDump(); len(syn) > 0 {
			if err := add(synMetaPrefix+idx.Def.Name, syn); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range s.search.DictNames() {
		if err := add(dictMetaPrefix+name, s.search.DictDump(name)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encodeMeta writes the blobs.
func encodeMeta(en *rdb.Encoder, blobs []metaBlob) error {
	for _, m := range blobs {
		if err := en.WriteMeta(m.name, m.data); err != nil {
			return err
		}
	}
	return nil
}

// fillEntry makes e the key as the rdb package writes it. Its byte slices alias the
// store's strings and values: e is valid while the shard's lock is held.
func fillEntry(e *rdb.Entry, db int, key string, val engine.Value, expire int64) {
	*e = rdb.Entry{DB: db, Key: unsafeBytes(key), ExpireMs: expire, Hash: e.Hash[:0], Suggest: e.Suggest[:0]}
	switch v := val.(type) {
	case *engine.Str:
		e.Kind, e.Str = rdb.KindString, v.B
	case *engine.Hash:
		e.Kind = rdb.KindHash
		v.Range(func(f string, val []byte) bool {
			e.Hash = append(e.Hash, rdb.Field{Name: unsafeBytes(f), Value: val})
			return true
		})
	case *engine.JSON:
		e.Kind, e.JSON = rdb.KindJSON, jsonpath.Serialize(v.Root)
	case *engine.Suggest:
		e.Kind = rdb.KindSuggest
		v.Each(func(str string, score float64, payload []byte) {
			e.Suggest = append(e.Suggest, rdb.Suggestion{Str: []byte(str), Score: float32(score), Payload: payload})
		})
	}
}

// unsafeString is b as a string without a copy, for Hash.Set, which copies what it keeps.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// unsafeBytes is s's bytes without a copy, for the encoder, which only reads them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// LoadSnapshot loads dir/dbfilename into the store, if it exists, before the server serves:
// the keys, then the indexes, synonyms and dictionaries. The indexes take in the loaded
// keys in the background, as FT.CREATE does over existing keys: the server answers at once,
// searches answer from what is indexed so far, and FT.INFO shows `indexing`. A file that
// fails its checksum, ends early or holds what darner cannot hold is refused whole: the
// store is emptied again, no index is made, and the error says why.
func (s *Server) LoadSnapshot() (keys int, err error) {
	return s.loadRDB(s.snapshotPath(), false)
}

// loadRDB loads the RDB file at path (nothing if it does not exist). Keys whose expiry has
// passed are left out, as Redis does, unless the file is an append-only log's base
// (aofBase): the commands logged after it may touch them as they were, so they are loaded
// and expire afterwards.
func (s *Server) loadRDB(path string, aofBase bool) (keys int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	dec := rdb.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	tx := s.store.BeginAll(true)
	defer tx.End()
	now := tx.Now()
	if aofBase {
		tx.SetNow(replayClock)
		now = 0
	}
	var metas []*rdb.Entry // applied once every key is in
	for {
		e, err := dec.Next()
		if err == io.EOF {
			for _, m := range metas {
				if err := s.loadMeta(&tx, string(m.Key), m.Str); err != nil {
					return 0, fmt.Errorf("%s: %w", path, err)
				}
			}
			s.persist.lastSave.Store(time.Now().Unix())
			s.persist.changesAt.Store(s.store.Changes())
			return keys, nil
		}
		if err == nil && e.Kind == rdb.KindMeta {
			metas = append(metas, e)
			continue
		}
		if err == nil {
			err = s.loadEntry(&tx, e, now)
			keys++
		}
		if err != nil {
			for db := range engine.NumDBs {
				for _, v := range tx.Views(db) {
					v.Flush()
				}
			}
			return 0, fmt.Errorf("%s: %w", path, err)
		}
	}
}

// loadMeta reads one blob of a snapshot that is not a key: an index definition (the index
// is created), its synonyms, or a dictionary. Other names are another tool's: skipped.
func (s *Server) loadMeta(tx *engine.Tx, name string, data []byte) error {
	switch {
	case strings.HasPrefix(name, indexMetaPrefix):
		index := strings.TrimPrefix(name, indexMetaPrefix)
		var args []string
		if err := json.Unmarshal(data, &args); err != nil {
			return fmt.Errorf("index %s: %w", index, err)
		}
		def, err := search.ParseCreate(index, args)
		if err != nil {
			return fmt.Errorf("index %s: %w", index, err)
		}
		_, err = s.search.Create(def) // its scan runs once the loader lets go of the shards
		return err
	case strings.HasPrefix(name, synMetaPrefix):
		index := strings.TrimPrefix(name, synMetaPrefix)
		idx := s.search.Get(index)
		var terms []search.SynonymTerm
		if err := json.Unmarshal(data, &terms); err != nil || idx == nil {
			return fmt.Errorf("synonyms of index %s: %v", index, err)
		}
		groups, order := map[string][]string{}, []string{}
		for _, t := range terms {
			for _, g := range t.Groups {
				if groups[g] == nil {
					order = append(order, g)
				}
				groups[g] = append(groups[g], t.Term)
			}
		}
		for _, g := range order {
			if err := idx.SynUpdate(tx, g, groups[g], false); err != nil {
				return err
			}
		}
	case strings.HasPrefix(name, dictMetaPrefix):
		var terms []string
		if err := json.Unmarshal(data, &terms); err != nil {
			return fmt.Errorf("dictionary %s: %w", name, err)
		}
		s.search.DictAdd(tx, strings.TrimPrefix(name, dictMetaPrefix), terms)
	case strings.HasPrefix(name, graphMetaPrefix):
		index := strings.TrimPrefix(name, graphMetaPrefix)
		idx := s.search.Get(index)
		if idx == nil {
			return nil // an index made after the snapshot's moment, dropped since
		}
		used, err := s.search.LoadGraph(tx, idx, data)
		if err != nil {
			return fmt.Errorf("index %s: %w", index, err)
		}
		if !used {
			s.log.Info("a saved vector graph does not fit its index now: the index builds it again", "index", index)
		}
	}
	return nil
}

// loadEntry puts one key of a snapshot into the store. A key whose expiry has passed is
// not loaded, as Redis does.
func (s *Server) loadEntry(tx *engine.Tx, e *rdb.Entry, now int64) error {
	if e.ExpireMs != 0 && e.ExpireMs <= now {
		return nil
	}
	var val engine.Value
	switch e.Kind {
	case rdb.KindString:
		val = engine.NewStr(e.Str)
	case rdb.KindHash:
		h := engine.NewHashSize(len(e.Hash))
		for _, f := range e.Hash {
			h.Set(unsafeString(f.Name), f.Value) // Set copies both
		}
		val = h
	case rdb.KindJSON:
		root, err := jsonpath.Parse(e.JSON)
		if err != nil {
			return fmt.Errorf("key %q: %w", e.Key, err)
		}
		val = engine.NewJSON(root)
	case rdb.KindSuggest:
		sg := engine.NewSuggest()
		for _, x := range e.Suggest {
			sg.Add(string(x.Str), float64(x.Score), false, x.Payload)
		}
		val = sg
	default:
		return fmt.Errorf("key %q: unknown kind %v", e.Key, e.Kind)
	}
	key := string(e.Key)
	v := tx.View(e.DB, e.Key)
	o := v.Set(key, val, false)
	if e.ExpireMs != 0 {
		v.SetExpire(key, o, e.ExpireMs)
	}
	return nil
}

func persistCommands() []*Command {
	const admin = FlagAdmin | FlagNoScript
	return []*Command{
		{Name: "save", Arity: 1, Flags: admin | FlagNoMulti | FlagNoAsyncLoading | FlagAllShards, Group: "server",
			Since: "1.0.0", Summary: "Writes a snapshot of every database to disk, synchronously.", Handler: cmdSave},
		{Name: "bgsave", Arity: -1, Flags: admin | FlagNoAsyncLoading | FlagAllShards, Group: "server",
			Since: "1.0.0", Summary: "Writes a snapshot of every database to disk in the background.", Handler: cmdBgSave},
		{Name: "bgrewriteaof", Arity: 1, Flags: admin | FlagNoAsyncLoading, Group: "server",
			Since: "1.0.0", Summary: "Rewrites the append-only file in the background.", Handler: cmdBgRewriteAOF},
		{Name: "lastsave", Arity: 1, Flags: FlagLoading | FlagStale | FlagFast, Group: "server",
			Since: "1.0.0", Summary: "Returns the Unix time of the last successful snapshot.", Handler: cmdLastSave},
	}
}

// SAVE
func cmdSave(c *Ctx) {
	if !c.srv.persist.mu.TryLock() {
		c.Err("ERR Background save already in progress")
		return
	}
	defer c.srv.persist.mu.Unlock()
	if err := c.srv.writeSnapshot(c.tx); err != nil {
		c.srv.log.Warn("SAVE failed", "err", err)
		c.Err(Error("ERR " + err.Error()))
		return
	}
	c.W.OK()
}

// BGSAVE [SCHEDULE]
//
// The snapshot is the moment of the command: the keys are noted under the shards' locks,
// then read a slice at a time in the background while writers keep copies of what they
// change before it is read (engine.Snapshot), so writers never wait for the whole save.
func cmdBgSave(c *Ctx) {
	if len(c.Args) > 2 || (len(c.Args) == 2 && !strings.EqualFold(string(c.Args[1]), "SCHEDULE")) {
		c.Err(errSyntax)
		return
	}
	p := &c.srv.persist
	if !p.bgInFlight.CompareAndSwap(false, true) {
		c.Err("ERR Background save already in progress")
		return
	}
	srv := c.srv
	changes := srv.store.Changes()
	var used int64
	for _, st := range srv.store.Stats(c.tx) {
		used += st.UsedBytes
	}
	blobs, err := srv.searchMeta() // the definitions as they are at the snapshot's moment
	if err != nil {
		p.bgInFlight.Store(false)
		c.Err(Error("ERR " + err.Error()))
		return
	}
	sn := srv.store.BeginSnapshot(c.tx)
	go func() {
		defer p.bgInFlight.Store(false)
		defer sn.End()
		p.mu.Lock()
		defer p.mu.Unlock()
		err := srv.writeBgSnapshot(srv.snapshotPath(), sn, blobs, used)
		p.lastBgOK.Store(err == nil)
		if err != nil {
			srv.log.Warn("BGSAVE failed", "err", err)
			return
		}
		p.changesAt.Store(changes)
		p.lastSave.Store(time.Now().Unix())
		p.saves.Add(1)
	}()
	c.W.Simple("Background saving started")
}

// writeBgSnapshot writes background snapshot sn to the file at path (atomically). The
// encoding runs under each slice's read lock; the disk writes do not.
func (s *Server) writeBgSnapshot(path string, sn *engine.Snapshot, blobs []metaBlob, used int64) error {
	return aof.WriteFileAtomically(path, func(w io.Writer) error {
		aw := newAsyncWriter(w)
		if err := encodeSnapshot(aw, sn, blobs, used, s.graphBlobs()); err != nil {
			aw.Close()
			return err
		}
		return aw.Close()
	})
}

// encodeSnapshot writes a background snapshot: the definitions, then every key as the
// snapshot holds it, then what graphs writes (the HNSW graphs; nil: none).
func encodeSnapshot(w io.Writer, sn *engine.Snapshot, blobs []metaBlob, used int64, graphs func(*rdb.Encoder) error) error {
	en := rdb.NewEncoder(w, rdb.Options{Compress: true, RedisVersion: Version, DarnerVersion: Version, UsedMem: used})
	if err := encodeMeta(en, blobs); err != nil {
		return err
	}
	var e rdb.Entry
	for db := range engine.NumDBs {
		n := sn.Keys(db)
		if n == 0 {
			continue
		}
		if err := en.SelectDB(db, n, 0); err != nil {
			return err
		}
		err := sn.Each(db, func(key string, val engine.Value, expire int64) error {
			fillEntry(&e, db, key, val, expire)
			return en.Write(&e)
		})
		if err != nil {
			return err
		}
	}
	if graphs != nil {
		if err := graphs(en); err != nil {
			return err
		}
	}
	return en.Close()
}

// LASTSAVE
func cmdLastSave(c *Ctx) { c.W.Int(c.srv.persist.lastSave.Load()) }

// SaveNow writes a snapshot, taking every shard's read lock itself: for SHUTDOWN SAVE and
// the process's shutdown, which hold none.
func (s *Server) SaveNow() error {
	s.persist.mu.Lock() // before the shards' locks: see writeSnapshot
	defer s.persist.mu.Unlock()
	tx := s.store.BeginAll(false)
	defer tx.End()
	return s.writeSnapshot(&tx)
}

// SavePoint is one `save <seconds> <changes>` rule: snapshot when at least Changes changes
// happened and Seconds have passed since the last snapshot.
type SavePoint struct{ Seconds, Changes int64 }

// ParseSave reads Redis' save syntax, "3600 1 300 100", or "" for none.
func ParseSave(s string) ([]SavePoint, error) {
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("save takes pairs of seconds and changes; got %q", s)
	}
	var out []SavePoint
	for i := 0; i < len(f); i += 2 {
		var p SavePoint
		if _, err := fmt.Sscan(f[i], &p.Seconds); err != nil || p.Seconds < 1 {
			return nil, fmt.Errorf("save: bad seconds %q", f[i])
		}
		if _, err := fmt.Sscan(f[i+1], &p.Changes); err != nil || p.Changes < 0 {
			return nil, fmt.Errorf("save: bad changes %q", f[i+1])
		}
		out = append(out, p)
	}
	return out, nil
}

// RunSavePoints snapshots whenever a save point is reached, and starts the append-only
// log's rewrites when they are due, checking once a second, until done is closed.
// Failures are logged and retried at the next check.
func (s *Server) RunSavePoints(points []SavePoint, done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case now := <-t.C:
			s.aofCron()
			changes := s.store.Changes() - s.persist.changesAt.Load()
			since := now.Unix() - s.persist.lastSave.Load()
			for _, p := range points {
				if changes >= p.Changes && changes > 0 && since >= p.Seconds {
					if err := s.SaveNow(); err != nil {
						s.log.Warn("scheduled save failed", "err", err)
					}
					break
				}
			}
		}
	}
}

// asyncWriter hands what is written to a goroutine that writes it to w, so that a writer
// holding a lock (the snapshot's slice) only copies bytes. Close waits for the last write
// and returns the first error.
type asyncWriter struct {
	ch   chan []byte
	done chan error
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	aw := &asyncWriter{ch: make(chan []byte, 64), done: make(chan error, 1)}
	go func() {
		var err error
		for b := range aw.ch {
			if err == nil {
				_, err = w.Write(b)
			}
		}
		aw.done <- err
	}()
	return aw
}

func (aw *asyncWriter) Write(p []byte) (int, error) {
	aw.ch <- append([]byte(nil), p...)
	return len(p), nil
}

// Close ends the writes and returns the first error of w.
func (aw *asyncWriter) Close() error {
	close(aw.ch)
	return <-aw.done
}
