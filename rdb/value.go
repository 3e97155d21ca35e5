package rdb

import (
	"encoding/binary"
	"fmt"
	"math"
)

// entry reads a key and its value of RDB type t. It returns nil, nil for an empty hash,
// which Redis too skips (old versions could write them).
func (d *Decoder) entry(t byte, expire int64) (*Entry, error) {
	rd := d.rd
	at := rd.offset()
	name := typeName(t)
	if name == "" {
		return nil, rd.corrupt(fmt.Sprintf("unknown value type %d", t))
	}
	key, err := rd.string()
	if err != nil {
		return nil, err
	}
	e := &Entry{DB: d.db, Key: key, ExpireMs: expire}
	switch t {
	case typeString:
		e.Kind = KindString
		e.Str, err = rd.string()
	case typeHash:
		err = d.hash(e)
	case typeHashZipmap, typeHashZiplist, typeHashListpack:
		err = d.compactHash(e, t)
	case typeModule2:
		err = d.module(e)
	default:
		return nil, &Error{Offset: at, Key: key, Err: ErrUnsupported,
			Msg: fmt.Sprintf("key %q holds a %s (RDB type %d), which darner cannot hold", key, name, t)}
	}
	if err != nil {
		return nil, err
	}
	if e.Kind == KindHash && len(e.Hash) == 0 {
		return nil, nil
	}
	return e, nil
}

// hash reads an RDB_TYPE_HASH value: a count of pairs, then field and value strings.
// Duplicate fields are not looked for: a loader setting them in order keeps the last.
func (d *Decoder) hash(e *Entry) error {
	n, err := d.rd.count()
	if err != nil {
		return err
	}
	e.Kind = KindHash
	e.Hash = make([]Field, 0, min(n, 1024))
	for range n {
		f, err := d.rd.string()
		if err != nil {
			return err
		}
		v, err := d.rd.string()
		if err != nil {
			return err
		}
		e.Hash = append(e.Hash, Field{f, v})
	}
	return nil
}

// compactHash reads a hash stored as one string holding a zipmap, ziplist or listpack.
func (d *Decoder) compactHash(e *Entry, t byte) error {
	rd := d.rd
	at := rd.offset()
	blob, err := rd.string()
	if err != nil {
		return err
	}
	e.Kind = KindHash
	var odd []byte
	pair := func(v []byte) {
		if odd == nil {
			odd = v
			return
		}
		e.Hash = append(e.Hash, Field{odd, v})
		odd = nil
	}
	switch t {
	case typeHashZipmap:
		err = parseZipmap(blob, func(f, v []byte) { e.Hash = append(e.Hash, Field{f, v}) })
	case typeHashZiplist:
		err = parseZiplist(blob, &rd.arena, pair)
	default:
		err = parseListpack(blob, &rd.arena, pair)
	}
	if err == nil && odd != nil {
		err = errCompact
	}
	if err != nil {
		return &Error{Offset: at, Key: e.Key, Err: ErrCorrupt,
			Msg: fmt.Sprintf("hash %q: malformed %s", e.Key, compactName(t))}
	}
	return nil
}

func compactName(t byte) string {
	switch t {
	case typeHashZipmap:
		return "zipmap"
	case typeHashZiplist:
		return "ziplist"
	}
	return "listpack"
}

// module reads an RDB_TYPE_MODULE_2 value: darner's JSON documents and suggestion
// dictionaries; any other module's value is refused, naming the module.
func (d *Decoder) module(e *Entry) error {
	rd := d.rd
	at := rd.offset()
	id, err := rd.count()
	if err != nil {
		return err
	}
	switch {
	case sameModule(id, moduleJSON):
		if err := d.checkEncoding(id, moduleJSON, "JSON document"); err != nil {
			return err
		}
		e.Kind = KindJSON
		if e.JSON, err = d.modString("JSON document"); err != nil {
			return err
		}
	case sameModule(id, moduleSuggest):
		if err := d.checkEncoding(id, moduleSuggest, "suggestion dictionary"); err != nil {
			return err
		}
		e.Kind = KindSuggest
		if err := d.suggestions(e); err != nil {
			return err
		}
	default:
		return &Error{Offset: at, Key: e.Key, Err: ErrUnsupported,
			Msg: fmt.Sprintf("key %q holds a value of module type %q, which darner cannot read", e.Key, moduleName(id))}
	}
	return d.expectOp(modEOF, "module value")
}

// suggestions reads a dictionary's count, then each entry's string, score and payload.
func (d *Decoder) suggestions(e *Entry) error {
	const what = "suggestion dictionary"
	if err := d.expectOp(modUInt, what); err != nil {
		return err
	}
	n, err := d.rd.count()
	if err != nil {
		return err
	}
	e.Suggest = make([]Suggestion, 0, min(n, 1024))
	for range n {
		s, err := d.modString(what)
		if err != nil {
			return err
		}
		if err := d.expectOp(modFloat, what); err != nil {
			return err
		}
		b, err := d.rd.next(4)
		if err != nil {
			return err
		}
		score := math.Float32frombits(binary.LittleEndian.Uint32(b))
		p, err := d.modString(what)
		if err != nil {
			return err
		}
		e.Suggest = append(e.Suggest, Suggestion{Str: s, Score: score, Payload: p})
	}
	return nil
}
