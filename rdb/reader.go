package rdb

import (
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strconv"
)

// reader is a buffered reader that knows its file offset and keeps the running CRC64 of
// what has been consumed. The checksum is folded in whole spans of the buffer, when the
// buffer is refilled and when the trailer is reached, not byte by byte.
//
//	buf: [ summed | consumed, not yet summed | unread | free ]
//	      0        sum                        r        w
type reader struct {
	src  io.Reader
	buf  []byte
	r, w int
	sum  int
	crc  uint64
	base int64 // file offset of buf[0]
	arena
}

const readBufSize = 64 << 10

func newReader(src io.Reader) *reader {
	return &reader{src: src, buf: make([]byte, readBufSize)}
}

// offset is the file offset of the next unread byte.
func (rd *reader) offset() int64 { return rd.base + int64(rd.r) }

// fill makes at least n ≤ len(buf) bytes readable, or fails with the truncation error.
func (rd *reader) fill(n int) error {
	if rd.r > 0 {
		rd.crc = crc64(rd.crc, rd.buf[rd.sum:rd.r])
		rd.w = copy(rd.buf, rd.buf[rd.r:rd.w])
		rd.base += int64(rd.r)
		rd.r, rd.sum = 0, 0
	}
	for empty := 0; rd.w < n; {
		m, err := rd.src.Read(rd.buf[rd.w:])
		rd.w += m
		if m == 0 && err == nil {
			if empty++; empty == 100 { // a broken reader: do not spin
				err = io.ErrNoProgress
			}
		}
		if err != nil && rd.w < n {
			if errors.Is(err, io.EOF) {
				return errEOF(rd.base + int64(rd.w))
			}
			return &Error{Offset: rd.base + int64(rd.w), Msg: "read: " + err.Error(), Err: err}
		}
	}
	return nil
}

// next returns the next n ≤ len(buf) bytes, valid until the next call.
func (rd *reader) next(n int) ([]byte, error) {
	if rd.w-rd.r < n {
		if err := rd.fill(n); err != nil {
			return nil, err
		}
	}
	b := rd.buf[rd.r : rd.r+n]
	rd.r += n
	return b, nil
}

func (rd *reader) byte() (byte, error) {
	if rd.r < rd.w {
		c := rd.buf[rd.r]
		rd.r++
		return c, nil
	}
	b, err := rd.next(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// full fills dst, of any length.
func (rd *reader) full(dst []byte) error {
	for len(dst) > 0 {
		if rd.r == rd.w {
			if err := rd.fill(1); err != nil {
				return err
			}
		}
		n := copy(dst, rd.buf[rd.r:rd.w])
		rd.r += n
		dst = dst[n:]
	}
	return nil
}

// checksum returns the CRC64 of everything consumed so far.
func (rd *reader) checksum() uint64 {
	rd.crc = crc64(rd.crc, rd.buf[rd.sum:rd.r])
	rd.sum = rd.r
	return rd.crc
}

// corrupt makes the error for malformed data found at the current offset.
func (rd *reader) corrupt(msg string) *Error {
	return &Error{Offset: rd.offset(), Msg: msg, Err: ErrCorrupt}
}

// length reads an RDB length. When the first two bits are 11 it is instead a special
// string encoding, returned with enc set.
//
//	00LLLLLL          6 bits         10000000 <u32 BE>   32 bits
//	01LLLLLL LLLLLLLL 14 bits        10000001 <u64 BE>   64 bits
//	11EEEEEE          encoding E
func (rd *reader) length() (n uint64, enc bool, err error) {
	c, err := rd.byte()
	if err != nil {
		return 0, false, err
	}
	switch c >> 6 {
	case 0:
		return uint64(c), false, nil
	case 1:
		c2, err := rd.byte()
		return uint64(c&0x3f)<<8 | uint64(c2), false, err
	case 3:
		return uint64(c & 0x3f), true, nil
	}
	switch c {
	case 0x80:
		b, err := rd.next(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(b)), false, nil
	case 0x81:
		b, err := rd.next(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(b), false, nil
	}
	return 0, false, rd.corrupt("unknown length encoding 0x" + strconv.FormatUint(uint64(c), 16))
}

// count reads a length that must not be a string encoding.
func (rd *reader) count() (uint64, error) {
	n, enc, err := rd.length()
	if err == nil && enc {
		err = rd.corrupt("string encoding where a length was expected")
	}
	return n, err
}

// String encodings (the E of a length byte 11EEEEEE).
const (
	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// string reads an RDB string: raw, an integer kept as its decimal text, or LZF-compressed.
// The result is the caller's.
func (rd *reader) string() ([]byte, error) {
	n, enc, err := rd.length()
	if err != nil {
		return nil, err
	}
	if !enc {
		return rd.raw(n)
	}
	switch n {
	case encInt8, encInt16, encInt32:
		b, err := rd.next(1 << n)
		if err != nil {
			return nil, err
		}
		var v int64
		switch n {
		case encInt8:
			v = int64(int8(b[0]))
		case encInt16:
			v = int64(int16(binary.LittleEndian.Uint16(b)))
		default:
			v = int64(int32(binary.LittleEndian.Uint32(b)))
		}
		return formatInt(&rd.arena, v), nil
	case encLZF:
		return rd.lzf()
	}
	return nil, rd.corrupt("unknown string encoding " + strconv.FormatUint(n, 10))
}

// raw reads n bytes. A large n is read in growing steps, so that a corrupt length in a
// short file fails at the file's end instead of allocating what the length claims.
func (rd *reader) raw(n uint64) ([]byte, error) {
	const step = 1 << 20
	if n <= step {
		b := rd.alloc(int(n))
		return b, rd.full(b)
	}
	if n > 1<<40 {
		return nil, rd.corrupt("string length " + strconv.FormatUint(n, 10) + " is too large")
	}
	b := make([]byte, 0, step)
	for uint64(len(b)) < n {
		m := min(n-uint64(len(b)), uint64(max(len(b), step)))
		b = slices.Grow(b, int(m))
		chunk := b[len(b) : len(b)+int(m)]
		if err := rd.full(chunk); err != nil {
			return nil, err
		}
		b = b[:len(b)+int(m)]
	}
	return b, nil
}

// lzf reads an LZF-compressed string: compressed length, original length, data.
func (rd *reader) lzf() ([]byte, error) {
	clen, err := rd.count()
	if err != nil {
		return nil, err
	}
	ulen, err := rd.count()
	if err != nil {
		return nil, err
	}
	at := rd.offset()
	if clen > 1<<40 || ulen > clen*lzfMaxGain {
		return nil, rd.corrupt("LZF string claims more than its data can hold")
	}
	c, err := rd.raw(clen)
	if err != nil {
		return nil, err
	}
	out := rd.alloc(int(ulen))
	if lzfDecompress(c, out) != nil {
		return nil, &Error{Offset: at, Msg: "invalid LZF compressed string", Err: ErrCorrupt}
	}
	return out, nil
}

// skipString reads past a string.
func (rd *reader) skipString() error {
	_, err := rd.string()
	return err
}

// arena hands out byte slices carved from shared blocks, so that an entry of many small
// strings costs a few allocations instead of one each. Blocks are never reused: a slice
// handed out stays its owner's.
type arena struct{ block []byte }

const arenaBlock = 32 << 10

func (a *arena) alloc(n int) []byte {
	if n > arenaBlock/8 {
		return make([]byte, n)
	}
	if len(a.block)+n > cap(a.block) {
		a.block = make([]byte, 0, arenaBlock)
	}
	l := len(a.block)
	a.block = a.block[:l+n]
	return a.block[l : l+n : l+n]
}
