package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
)

// Options tune what an Encoder writes.
type Options struct {
	// Compress LZF-compresses strings longer than 20 bytes when that saves at least 4
	// bytes, as Redis does with rdbcompression on.
	Compress bool
	// RedisVersion is the redis-ver AUX field ("7.0.0" when empty): what Redis logs when it
	// loads the file.
	RedisVersion string
	// DarnerVersion is the darner-ver AUX field ("unknown" when empty), which marks the file
	// as darner's.
	DarnerVersion string
	// UsedMem is the used-mem AUX field, in bytes.
	UsedMem int64
	// Now is the ctime AUX field; time.Now() when zero.
	Now time.Time
	// Aux holds more AUX fields, written after the others.
	Aux [][2]string
}

// Encoder writes an RDB file: the header on the first write, then entries, then, on
// Close, the EOF opcode and checksum. Entries of one database should be written together
// (SelectDB announces their number), though switching back and forth is allowed.
type Encoder struct {
	w      writer
	opt    Options
	db     int // -1 before the first SELECTDB
	begun  bool
	keys   bool // a key has been written: later MODULE_AUX blocks are "after keys"
	closed bool
	err    error // sticky
	table  *[1 << lzfHashLog]int32
	lzfBuf []byte
}

// ErrEncoder is wrapped by the errors of entries an Encoder cannot write.
var ErrEncoder = errors.New("rdb: cannot encode")

// NewEncoder returns an Encoder writing to w. Close must be called to finish the file; it
// does not close w.
func NewEncoder(w io.Writer, opt Options) *Encoder {
	en := &Encoder{w: writer{dst: w, buf: make([]byte, 0, writeBufSize)}, opt: opt, db: -1}
	if opt.Compress {
		en.table = new([1 << lzfHashLog]int32)
	}
	return en
}

func (en *Encoder) begin() error {
	if en.err != nil {
		return en.err
	}
	if en.closed {
		return fmt.Errorf("%w: encoder closed", ErrEncoder)
	}
	if en.begun {
		return nil
	}
	en.begun = true
	en.w.buf = fmt.Appendf(en.w.buf, "REDIS%04d", WriteVersion)
	now := en.opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	aux := [][2]string{
		{"redis-ver", orDefault(en.opt.RedisVersion, "7.0.0")},
		{"redis-bits", "64"},
		{"ctime", strconv.FormatInt(now.Unix(), 10)},
		{"used-mem", strconv.FormatInt(en.opt.UsedMem, 10)},
		{"darner-ver", orDefault(en.opt.DarnerVersion, "unknown")},
	}
	for _, kv := range append(aux, en.opt.Aux...) {
		en.w.byte(opAux)
		en.string([]byte(kv[0]))
		en.string([]byte(kv[1]))
	}
	return en.w.err
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SelectDB starts the keys of database db, announcing how many keys it has and how many of
// them expire, which Redis uses to size its tables (0 when unknown).
func (en *Encoder) SelectDB(db, keys, expires int) error {
	if err := en.begin(); err != nil {
		return err
	}
	if db < 0 {
		return fmt.Errorf("%w: database %d", ErrEncoder, db)
	}
	en.db = db
	en.w.byte(opSelectDB)
	en.w.length(uint64(db))
	if keys > 0 {
		en.w.byte(opResizeDB)
		en.w.length(uint64(keys))
		en.w.length(uint64(max(expires, 0)))
	}
	return en.fail(en.w.err)
}

// Write writes one entry. A key of another database than the current one is preceded by
// a SELECTDB (without size hints: call SelectDB first to give them). A KindMeta entry is
// written as WriteMeta writes it.
func (en *Encoder) Write(e *Entry) error {
	if err := en.begin(); err != nil {
		return err
	}
	if e.Kind == KindMeta {
		return en.WriteMeta(string(e.Key), e.Str)
	}
	if err := en.check(e); err != nil {
		return err
	}
	if e.DB != en.db {
		if err := en.SelectDB(e.DB, 0, 0); err != nil {
			return err
		}
	}
	en.keys = true
	w := &en.w
	if e.ExpireMs != 0 {
		w.byte(opExpireMs)
		w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(e.ExpireMs))
	}
	switch e.Kind {
	case KindString:
		w.byte(typeString)
		en.string(e.Key)
		en.string(e.Str)
	case KindHash:
		w.byte(typeHash)
		en.string(e.Key)
		w.length(uint64(len(e.Hash)))
		for _, f := range e.Hash {
			en.string(f.Name)
			en.string(f.Value)
		}
	case KindJSON:
		w.byte(typeModule2)
		en.string(e.Key)
		w.length(moduleJSON)
		w.length(modString)
		en.string(e.JSON)
		w.length(modEOF)
	case KindSuggest:
		en.suggest(e)
	}
	return en.fail(w.flushFull())
}

// check refuses entries Redis could not hold either.
func (en *Encoder) check(e *Entry) error {
	switch {
	case e.Kind < KindString || e.Kind > KindSuggest:
		return fmt.Errorf("%w: key %q has kind %v", ErrEncoder, e.Key, e.Kind)
	case e.Kind == KindHash && len(e.Hash) == 0:
		return fmt.Errorf("%w: hash %q is empty", ErrEncoder, e.Key)
	case e.DB < 0:
		return fmt.Errorf("%w: key %q in database %d", ErrEncoder, e.Key, e.DB)
	}
	return nil
}

func (en *Encoder) suggest(e *Entry) {
	w := &en.w
	w.byte(typeModule2)
	en.string(e.Key)
	w.length(moduleSuggest)
	w.length(modUInt)
	w.length(uint64(len(e.Suggest)))
	for _, s := range e.Suggest {
		w.length(modString)
		en.string(s.Str)
		w.length(modFloat)
		w.buf = binary.LittleEndian.AppendUint32(w.buf, math.Float32bits(s.Score))
		w.length(modString)
		en.string(s.Payload)
		w.flushFull()
	}
	w.length(modEOF)
}

// WriteMeta writes a named blob that is not a key (darner's index definitions), which
// darner's Decoder returns as a KindMeta entry and Redis refuses to load.
func (en *Encoder) WriteMeta(name string, data []byte) error {
	if err := en.begin(); err != nil {
		return err
	}
	w := &en.w
	w.byte(opModuleAux)
	w.length(moduleAux)
	w.length(modUInt)
	if en.keys {
		w.length(auxAfterKeys)
	} else {
		w.length(auxBeforeKeys)
	}
	w.length(modString)
	en.string([]byte(name))
	w.length(modString)
	if len(data) > rawMetaFrom {
		w.length(uint64(len(data)))
		w.bytes(data)
	} else {
		en.string(data)
	}
	w.length(modEOF)
	return en.fail(w.flushFull())
}

// rawMetaFrom is the size from which a named blob is written without trying LZF: the large
// ones are saved HNSW graphs, floats and links that it does not shrink, at a cost of
// seconds per gigabyte.
const rawMetaFrom = 1 << 20

// Close ends the file: EOF opcode and checksum. It does not close the underlying writer.
func (en *Encoder) Close() error {
	if err := en.begin(); err != nil {
		return err
	}
	en.closed = true
	w := &en.w
	w.byte(opEOF)
	w.flush()
	w.buf = binary.LittleEndian.AppendUint64(w.buf, w.crc)
	return en.fail(w.flush())
}

func (en *Encoder) fail(err error) error {
	if err != nil && en.err == nil {
		en.err = err
	}
	return err
}
