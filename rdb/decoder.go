package rdb

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
)

// Decoder reads the entries of an RDB file in order.
type Decoder struct {
	rd      *reader
	version int // 0 until the header is read
	db      int
	aux     map[string]string
	funcs   [][]byte
	skipped []string
	err     error // sticky: io.EOF after a good end, else the failure
}

// NewDecoder returns a Decoder reading from r. Nothing is read until the first Next.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{rd: newReader(r), aux: map[string]string{}}
}

// Version is the file's RDB version, known once Next has been called.
func (d *Decoder) Version() int { return d.version }

// Aux returns the AUX fields read so far (redis-ver, ctime, …): all of them once Next has
// returned io.EOF. The map is the Decoder's; do not change it.
func (d *Decoder) Aux() map[string]string { return d.aux }

// Functions returns the code of the function libraries read so far (FUNCTION LOAD
// sources), which darner does not run.
func (d *Decoder) Functions() [][]byte { return d.funcs }

// Skipped names the modules whose auxiliary (not key) data was skipped: data of modules
// other than darner, such as RediSearch's index definitions in a Redis Stack file.
func (d *Decoder) Skipped() []string { return d.skipped }

// Next returns the next entry; io.EOF once the whole file has been read and its checksum
// found good. Any other error (an *Error) is final: a file that fails anywhere, including
// its trailer, must not be taken as loaded.
func (d *Decoder) Next() (*Entry, error) {
	if d.err != nil {
		return nil, d.err
	}
	e, err := d.next()
	if err != nil {
		d.err = err
	}
	return e, err
}

func (d *Decoder) next() (*Entry, error) {
	if d.version == 0 {
		if err := d.header(); err != nil {
			return nil, err
		}
	}
	rd := d.rd
	var expire int64
	for {
		op, err := rd.byte()
		if err != nil {
			return nil, err
		}
		switch op {
		case opEOF:
			return nil, d.trailer()
		case opSelectDB:
			n, err := rd.count()
			if err != nil {
				return nil, err
			}
			if n > 1<<20 {
				return nil, rd.corrupt("database number " + strconv.FormatUint(n, 10) + " is too large")
			}
			d.db = int(n)
		case opExpireMs:
			b, err := rd.next(8)
			if err != nil {
				return nil, err
			}
			expire = int64(binary.LittleEndian.Uint64(b))
			if expire == 0 {
				expire = -1
			}
		case opExpireSec:
			b, err := rd.next(4)
			if err != nil {
				return nil, err
			}
			expire = int64(int32(binary.LittleEndian.Uint32(b))) * 1000
			if expire == 0 {
				expire = -1
			}
		default:
			if op >= opSlotInfo {
				e, err := d.opcode(op)
				if err != nil || e != nil {
					return e, err
				}
				continue
			}
			e, err := d.entry(op, expire)
			if err != nil {
				return nil, err
			}
			if e != nil {
				return e, nil
			}
			expire = 0 // an empty key was skipped
		}
	}
}

// header reads the signature and version: "REDIS" and four decimal digits.
func (d *Decoder) header() error {
	b, err := d.rd.next(9)
	if err != nil {
		return err
	}
	if string(b[:5]) != "REDIS" {
		return &Error{Msg: "not an RDB file (no REDIS signature)", Err: ErrCorrupt}
	}
	v, err := strconv.Atoi(string(b[5:]))
	if err != nil || b[5] < '0' || b[5] > '9' {
		return &Error{Offset: 5, Msg: fmt.Sprintf("not an RDB file (version %q)", b[5:]), Err: ErrCorrupt}
	}
	if v < MinVersion || v > MaxVersion {
		return &Error{Offset: 5, Msg: fmt.Sprintf("RDB version %d is not supported (darner reads versions %d to %d)",
			v, MinVersion, MaxVersion), Err: ErrVersion}
	}
	d.version = v
	return nil
}

// trailer checks the CRC64 after the EOF opcode (files of version 5 and later have one).
func (d *Decoder) trailer() error {
	if d.version < 5 {
		return io.EOF
	}
	want := d.rd.checksum()
	at := d.rd.offset()
	b, err := d.rd.next(8)
	if err != nil {
		return err
	}
	got := binary.LittleEndian.Uint64(b)
	if got != 0 && got != want {
		return &Error{Offset: at, Msg: fmt.Sprintf("checksum mismatch: file says %016x, content sums to %016x", got, want),
			Err: ErrChecksum}
	}
	return io.EOF
}

// opcode handles the opcodes of 0xF4 and above other than the ones next handles: most are
// read past; darner's own MODULE_AUX block comes back as a KindMeta entry.
func (d *Decoder) opcode(op byte) (*Entry, error) {
	rd := d.rd
	switch op {
	case opAux:
		k, err := rd.string()
		if err != nil {
			return nil, err
		}
		v, err := rd.string()
		if err != nil {
			return nil, err
		}
		d.aux[string(k)] = string(v)
	case opResizeDB:
		return nil, d.counts(2)
	case opSlotInfo:
		return nil, d.counts(3)
	case opIdle:
		return nil, d.counts(1)
	case opFreq:
		_, err := rd.byte()
		return nil, err
	case opFunction2:
		code, err := rd.string()
		if err != nil {
			return nil, err
		}
		d.funcs = append(d.funcs, code)
	case opFunctionPreGA:
		return nil, rd.corrupt("functions in the format of Redis 7.0 release candidates are not supported")
	case opModuleAux:
		return d.moduleAux()
	}
	return nil, nil
}

// counts reads past n lengths.
func (d *Decoder) counts(n int) error {
	for range n {
		if _, err := d.rd.count(); err != nil {
			return err
		}
	}
	return nil
}

// moduleAux reads a MODULE_AUX block: module id, UINT opcode, when, the module's items,
// EOF opcode. Darner's is a named blob; other modules' blocks are skipped item by item.
func (d *Decoder) moduleAux() (*Entry, error) {
	rd := d.rd
	id, err := rd.count()
	if err != nil {
		return nil, err
	}
	if err := d.expectOp(modUInt, "module aux data"); err != nil {
		return nil, err
	}
	if _, err := rd.count(); err != nil {
		return nil, err
	}
	if !sameModule(id, moduleAux) {
		d.skipped = append(d.skipped, moduleName(id))
		return nil, d.skipModule(moduleName(id))
	}
	if err := d.checkEncoding(id, moduleAux, "darner aux data"); err != nil {
		return nil, err
	}
	name, err := d.modString("darner aux data")
	if err != nil {
		return nil, err
	}
	data, err := d.modString("darner aux data")
	if err != nil {
		return nil, err
	}
	if err := d.expectOp(modEOF, "darner aux data"); err != nil {
		return nil, err
	}
	return &Entry{Kind: KindMeta, Key: name, Str: data}, nil
}

// skipModule reads past a module's items up to its EOF opcode, as redis-check-rdb does.
func (d *Decoder) skipModule(name string) error {
	rd := d.rd
	for {
		op, err := rd.count()
		if err != nil {
			return err
		}
		switch op {
		case modEOF:
			return nil
		case modSInt, modUInt:
			_, err = rd.count()
		case modFloat:
			_, err = rd.next(4)
		case modDouble:
			_, err = rd.next(8)
		case modString:
			err = rd.skipString()
		default:
			err = rd.corrupt(fmt.Sprintf("unknown opcode %d in data of module %s", op, name))
		}
		if err != nil {
			return err
		}
	}
}

// expectOp reads a module opcode that must be want.
func (d *Decoder) expectOp(want uint64, what string) error {
	op, err := d.rd.count()
	if err == nil && op != want {
		err = d.rd.corrupt(fmt.Sprintf("module opcode %d where %d was expected in %s", op, want, what))
	}
	return err
}

// modString reads a STRING item of a module value.
func (d *Decoder) modString(what string) ([]byte, error) {
	if err := d.expectOp(modString, what); err != nil {
		return nil, err
	}
	return d.rd.string()
}

// checkEncoding refuses darner data written in an encoding newer than this code knows.
func (d *Decoder) checkEncoding(id, known uint64, what string) error {
	if id&1023 > known&1023 {
		return &Error{Offset: d.rd.offset(), Err: ErrUnsupported,
			Msg: fmt.Sprintf("%s has encoding version %d; this darner reads up to %d", what, id&1023, known&1023)}
	}
	return nil
}
