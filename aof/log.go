package aof

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Policy is appendfsync: when the log's file is synced to disk.
type Policy int32

// The appendfsync policies.
const (
	Always   Policy = iota // before a command's reply is sent
	EverySec               // once a second, by a background goroutine
	No                     // when the kernel flushes
)

// ParsePolicy reads an appendfsync value.
func ParsePolicy(s string) (Policy, error) {
	switch s {
	case "always":
		return Always, nil
	case "everysec":
		return EverySec, nil
	case "no":
		return No, nil
	}
	return 0, fmt.Errorf("appendfsync must be always, everysec or no; got %q", s)
}

func (p Policy) String() string {
	return [...]string{"always", "everysec", "no"}[p]
}

// Entry is one command of a MULTI block, with the database it ran in.
type Entry struct {
	DB   int
	Args [][]byte
}

// Log is the open append-only log: the buffer commands are appended to and the current
// incremental file it is written to.
type Log struct {
	dir, name string
	policy    atomic.Int32

	// mu guards the buffer. Every logged command takes it, briefly, under its shard's
	// lock, so the buffer's order is the order in which the commands changed each key.
	mu    sync.Mutex
	buf   []byte
	db    int   // the database a reader is in after buf; -1 makes the next append SELECT
	start int64 // the logical offset (bytes appended since Open) of buf[0]

	// wmu guards the file and the manifest: f, man, spare, rotated. It is held to write
	// the buffer, so writers queue on it and the first one writes for all (group commit).
	wmu     sync.Mutex
	f       *os.File
	man     *Manifest
	rotated int   // index in man.Incrs of the first file written after the last Rotate
	pending *File // the base the last Rotate named, until Install
	spare   []byte
	// syncMu is held by a fsync and by Rotate: everysec syncs without holding wmu, so the
	// writers do not wait for the disk, but the file must not be closed under the sync.
	syncMu sync.Mutex

	written atomic.Int64 // logical offset written to the file
	synced  atomic.Int64 // logical offset known to be on disk
	size    atomic.Int64 // bytes in the state's files: base and incrementals
	lastErr atomic.Pointer[error]

	stop chan struct{}
	done chan struct{}
}

// Create starts a log in dir, which must not hold a manifest yet: an empty first
// incremental file takes the appends from now on, and the caller writes the first base
// (the data as it is at this moment) to basePath, then calls Install, which writes the
// manifest naming both. Until then nothing of the log counts, so a crash in between leaves
// the caller's previous state (its snapshot) in force.
func Create(dir, name string, p Policy) (l *Log, basePath string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, "", err
	}
	incr := File{Name: IncrName(name, 1), Seq: 1, Type: TypeIncr}
	if err := createEmpty(filepath.Join(dir, incr.Name)); err != nil {
		return nil, "", err
	}
	l, err = open(dir, name, &Manifest{Incrs: []File{incr}}, p)
	if err != nil {
		return nil, "", err
	}
	l.pending = &File{Name: BaseName(name, 1, true), Seq: 1, Type: TypeBase}
	return l, filepath.Join(dir, l.pending.Name), nil
}

// Open continues the log whose state m names (already replayed by the caller): appends go
// to its last incremental file, made if m has none.
func Open(dir, name string, m *Manifest, p Policy) (*Log, error) {
	if len(m.Incrs) == 0 {
		seq := int64(1)
		if m.Base != nil {
			seq = m.Base.Seq
		}
		m = m.clone()
		f := File{Name: IncrName(name, seq), Seq: seq, Type: TypeIncr}
		if err := createEmpty(filepath.Join(dir, f.Name)); err != nil {
			return nil, err
		}
		m.Incrs = append(m.Incrs, f)
		if err := writeManifest(dir, name, m); err != nil {
			return nil, err
		}
	}
	return open(dir, name, m, p)
}

// open starts appending to the last incremental file of m.
func open(dir, name string, m *Manifest, p Policy) (*Log, error) {
	l := &Log{dir: dir, name: name, man: m.clone(), db: -1, stop: make(chan struct{}), done: make(chan struct{})}
	l.policy.Store(int32(p))
	last := l.man.Incrs[len(l.man.Incrs)-1]
	f, err := os.OpenFile(filepath.Join(dir, last.Name), os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	l.f = f
	var size int64
	for _, n := range l.man.Names() {
		if st, err := os.Stat(filepath.Join(dir, n)); err == nil {
			size += st.Size()
		}
	}
	l.size.Store(size)
	go l.background()
	return l, nil
}

func createEmpty(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	return err
}

// SetPolicy changes appendfsync.
func (l *Log) SetPolicy(p Policy) { l.policy.Store(int32(p)) }

// Policy is the current appendfsync.
func (l *Log) Policy() Policy { return Policy(l.policy.Load()) }

// Append logs one command run in database db and returns the offset a reply must wait
// for (Wait).
func (l *Log) Append(db int, args [][]byte) int64 {
	l.mu.Lock()
	l.selectDB(db)
	l.buf = appendCommand(l.buf, args)
	end := l.start + int64(len(l.buf))
	l.mu.Unlock()
	return end
}

// AppendMulti logs a transaction: its commands between MULTI and EXEC, so that replay
// applies all of them or, if the log ends inside the block, none.
func (l *Log) AppendMulti(entries []Entry) int64 {
	l.mu.Lock()
	if len(entries) > 0 {
		l.selectDB(entries[0].DB)
	}
	l.buf = appendCommand(l.buf, [][]byte{[]byte("MULTI")})
	for _, e := range entries {
		l.selectDB(e.DB)
		l.buf = appendCommand(l.buf, e.Args)
	}
	l.buf = appendCommand(l.buf, [][]byte{[]byte("EXEC")})
	end := l.start + int64(len(l.buf))
	l.mu.Unlock()
	return end
}

func (l *Log) selectDB(db int) {
	if db != l.db {
		l.buf = appendCommand(l.buf, [][]byte{[]byte("SELECT"), strconv.AppendInt(nil, int64(db), 10)})
		l.db = db
	}
}

// appendCommand appends args as a RESP array of bulk strings.
func appendCommand(b []byte, args [][]byte) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

// Wait returns once the log holds everything up to off as the policy promises before a
// reply: written to the file (synced too with always). The first waiter writes what every
// other has appended, so they mostly find their bytes written when their turn comes.
func (l *Log) Wait(off int64) error {
	durable := l.Policy() == Always
	if l.written.Load() >= off && (!durable || l.synced.Load() >= off) {
		return nil
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.writeLocked(off); err != nil {
		return err
	}
	if durable && l.synced.Load() < off {
		return l.syncFile()
	}
	return nil
}

// writeLocked writes the buffer if the file does not yet hold off. On a failed write the
// file is cut back to its last whole command and the bytes go back to the buffer's front,
// so a later attempt writes them again.
func (l *Log) writeLocked(off int64) error {
	if l.written.Load() >= off {
		return nil
	}
	l.mu.Lock()
	b := l.buf
	l.buf = l.spare[:0]
	l.start += int64(len(b))
	end := l.start
	l.mu.Unlock()
	n, err := l.f.Write(b)
	if err != nil {
		if n > 0 {
			if st, serr := l.f.Stat(); serr == nil {
				l.f.Truncate(st.Size() - int64(n))
			}
		}
		l.mu.Lock()
		l.buf = append(b, l.buf...)
		l.start -= int64(len(b))
		l.mu.Unlock()
		l.fail(err)
		return err
	}
	l.size.Add(int64(len(b)))
	l.written.Store(end)
	l.lastErr.Store(nil)
	if cap(b) <= 1<<20 {
		l.spare = b[:0]
	} else {
		l.spare = nil
	}
	return nil
}

func (l *Log) fail(err error) { l.lastErr.Store(&err) }

// LastError is the error of the last failed write or fsync, or nil once one succeeded.
func (l *Log) LastError() error {
	if p := l.lastErr.Load(); p != nil {
		return *p
	}
	return nil
}

// background writes what commands that nobody waits for appended (keys expired by the
// server) every 100 ms, and with everysec fsyncs once a second, without holding wmu
// during the fsync.
func (l *Log) background() {
	defer close(l.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	lastSync := time.Now()
	for {
		select {
		case <-l.stop:
			return
		case now := <-t.C:
			l.mu.Lock()
			end := l.start + int64(len(l.buf))
			l.mu.Unlock()
			if l.written.Load() < end {
				l.wmu.Lock()
				l.writeLocked(end)
				l.wmu.Unlock()
			}
			if l.Policy() == EverySec && now.Sub(lastSync) >= time.Second && l.synced.Load() < l.written.Load() {
				lastSync = now
				l.syncFile()
			}
		}
	}
}

// syncFile fsyncs the file up to what is written. It holds syncMu, not wmu: everysec's
// fsync must not stop the writers, and Rotate takes syncMu before it swaps the file.
func (l *Log) syncFile() error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	w := l.written.Load()
	if err := l.f.Sync(); err != nil {
		l.fail(err)
		return err
	}
	if w > l.synced.Load() {
		l.synced.Store(w)
	}
	return nil
}

// Flush writes and fsyncs everything appended so far.
func (l *Log) Flush() error {
	l.mu.Lock()
	end := l.start + int64(len(l.buf))
	l.mu.Unlock()
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if err := l.writeLocked(end); err != nil {
		return err
	}
	return l.syncFile()
}

// Close flushes the log and closes its file.
func (l *Log) Close() error {
	close(l.stop)
	<-l.done
	err := l.Flush()
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Size is the bytes of the state's files (Redis' aof_current_size).
func (l *Log) Size() int64 { return l.size.Load() }

// Rotate starts a new incremental file for a rewrite: what was appended so far is written
// and synced to the current one, the manifest gains the new file, and appends go there.
// The caller must keep appends out meanwhile (the server holds every shard), so that the
// new file begins exactly at the moment of the rewrite's snapshot. It returns the path the
// new base is to be written to; Install makes it the state's base.
func (l *Log) Rotate() (basePath string, err error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.mu.Lock()
	end := l.start + int64(len(l.buf))
	l.mu.Unlock()
	if err := l.writeLocked(end); err != nil {
		return "", err
	}
	if err := l.syncFile(); err != nil {
		return "", err
	}
	last := l.man.Incrs[len(l.man.Incrs)-1]
	next := File{Name: IncrName(l.name, last.Seq+1), Seq: last.Seq + 1, Type: TypeIncr}
	if err := createEmpty(filepath.Join(l.dir, next.Name)); err != nil {
		return "", err
	}
	f, err := os.OpenFile(filepath.Join(l.dir, next.Name), os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return "", err
	}
	m := l.man.clone()
	m.Incrs = append(m.Incrs, next)
	if err := writeManifest(l.dir, l.name, m); err != nil {
		f.Close()
		os.Remove(filepath.Join(l.dir, next.Name))
		return "", err
	}
	l.syncMu.Lock()
	old := l.f
	l.f = f
	l.syncMu.Unlock()
	old.Close()
	l.man = m
	l.rotated = len(m.Incrs) - 1
	l.mu.Lock()
	l.db = -1 // a new file starts in database 0 for its reader
	l.mu.Unlock()
	seq := int64(1)
	if m.Base != nil {
		seq = m.Base.Seq + 1
	}
	l.pending = &File{Name: BaseName(l.name, seq, true), Seq: seq, Type: TypeBase}
	return filepath.Join(l.dir, l.pending.Name), nil
}

// Install makes the base the last Rotate named (written since, complete and synced) the
// state's base: the manifest then names it and the incremental files begun at that Rotate,
// and the files it replaces are deleted.
func (l *Log) Install() error {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if l.pending == nil {
		return errors.New("aof: Install without Rotate")
	}
	old := l.man
	m := &Manifest{Base: l.pending, Incrs: append([]File(nil), old.Incrs[l.rotated:]...)}
	if err := writeManifest(l.dir, l.name, m); err != nil {
		return err
	}
	l.man = m
	l.rotated, l.pending = 0, nil
	keep := map[string]bool{}
	var size int64
	for _, n := range m.Names() {
		keep[n] = true
		if st, err := os.Stat(filepath.Join(l.dir, n)); err == nil {
			size += st.Size()
		}
	}
	l.size.Store(size)
	var errs []error
	for _, n := range old.Names() {
		if !keep[n] {
			if err := os.Remove(filepath.Join(l.dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
