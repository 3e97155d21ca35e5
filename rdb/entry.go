package rdb

import (
	"errors"
	"fmt"
	"io"
)

// Kind is what an Entry holds.
type Kind uint8

// The kinds of entries.
const (
	KindString  Kind = iota + 1 // Str
	KindHash                    // Hash
	KindJSON                    // JSON: the document as JSON text
	KindSuggest                 // Suggest: an FT.SUGADD dictionary
	KindMeta                    // not a key: Key is the blob's name, Str its bytes
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindHash:
		return "hash"
	case KindJSON:
		return "json"
	case KindSuggest:
		return "suggest"
	case KindMeta:
		return "meta"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Entry is one key of one database, or a named blob (KindMeta).
//
// Entries a Decoder returns belong to the caller; their byte slices may share backing
// arrays with other entries' (the Decoder carves small strings out of larger blocks), but
// no two slices overlap and the Decoder never writes to them again.
type Entry struct {
	DB   int
	Key  []byte
	Kind Kind
	// ExpireMs is the key's expiry, unix milliseconds; 0 means none. A file whose expiry is
	// exactly 0 (the epoch) is read as -1, so that the key stays expired.
	ExpireMs int64

	Str     []byte       // KindString, KindMeta
	Hash    []Field      // KindHash: in file order, which for a small hash is Redis' HGETALL order
	JSON    []byte       // KindJSON
	Suggest []Suggestion // KindSuggest
}

// Field is one field of a hash.
type Field struct {
	Name, Value []byte
}

// Suggestion is one string of an auto-complete dictionary.
type Suggestion struct {
	Str     []byte
	Score   float32
	Payload []byte // empty when none
}

// Errors a Decoder returns wrap one of these (test with errors.Is); truncation wraps
// io.ErrUnexpectedEOF.
var (
	ErrCorrupt     = errors.New("corrupt RDB file")
	ErrChecksum    = errors.New("RDB checksum mismatch")
	ErrVersion     = errors.New("unsupported RDB version")
	ErrUnsupported = errors.New("value darner cannot hold")
)

// Error is a decoding error: what went wrong and where.
type Error struct {
	Offset int64  // file offset where the problem was found
	Key    []byte // the key being read, nil when none
	Msg    string // says what, naming the key when there is one
	Err    error  // ErrCorrupt, ErrChecksum, ErrVersion, ErrUnsupported or io.ErrUnexpectedEOF
}

func (e *Error) Error() string { return fmt.Sprintf("rdb: %s at offset %d", e.Msg, e.Offset) }

// Unwrap returns the sentinel the error is a case of.
func (e *Error) Unwrap() error { return e.Err }

// errEOF is the truncation error: the file ended at offset end.
func errEOF(end int64) *Error {
	return &Error{Offset: end, Msg: "unexpected end of file", Err: io.ErrUnexpectedEOF}
}
