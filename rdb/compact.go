package rdb

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// The compact encodings Redis stores small hashes in, each read from an RDB string that
// holds it whole. Elements come out as bytes; integer elements as their decimal text,
// formatted into the arena. Each parser checks every length against the blob's end and
// the headers against what it finds, so that a corrupt blob is an error, never a panic.

var errCompact = errors.New("malformed")

// listpack (Redis 7: RDB type 16):
//
//	<u32 LE total bytes> <u16 LE count, 65535 = unknown> { <encoding+data> <backlen> }… FF
//
// An element's encoding byte gives its kind; backlen is the size of encoding+data in 1 to
// 5 bytes of 7 bits, written so that it can be read backwards.
//
//	0xxxxxxx              7-bit unsigned int     1110LLLL LLLLLLLL      string, 12-bit length
//	10LLLLLL              string, 6-bit length   11110000 <u32 LE len>  string, 32-bit length
//	110xxxxx xxxxxxxx     13-bit signed int      F1 F2 F3 F4            int16/24/32/64 LE
func parseListpack(b []byte, a *arena, emit func([]byte)) error {
	if len(b) < 7 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != 0xFF {
		return errCompact
	}
	declared := int(binary.LittleEndian.Uint16(b[4:]))
	n, p, end := 0, 6, len(b)-1
	for p < end {
		v, size, err := listpackElement(b[p:end], a)
		if err != nil {
			return err
		}
		bl := backlenSize(size)
		if p+size+bl > end || readBacklen(b[p+size:p+size+bl]) != size {
			return errCompact
		}
		emit(v)
		p += size + bl
		n++
	}
	if declared != 65535 && declared != n {
		return errCompact
	}
	return nil
}

// listpackElement decodes the element at the start of b and returns it with the size of
// its encoding and data.
func listpackElement(b []byte, a *arena) ([]byte, int, error) {
	c := b[0]
	var strLen, hdr int
	switch {
	case c&0x80 == 0:
		return formatInt(a, int64(c)), 1, nil
	case c&0xC0 == 0x80:
		strLen, hdr = int(c&0x3f), 1
	case c&0xE0 == 0xC0:
		if len(b) < 2 {
			return nil, 0, errCompact
		}
		v := int64(c&0x1f)<<8 | int64(b[1])
		return formatInt(a, v<<51>>51), 2, nil
	case c&0xF0 == 0xE0:
		if len(b) < 2 {
			return nil, 0, errCompact
		}
		strLen, hdr = int(c&0xf)<<8|int(b[1]), 2
	case c == 0xF0:
		if len(b) < 5 {
			return nil, 0, errCompact
		}
		strLen, hdr = int(binary.LittleEndian.Uint32(b[1:])), 5
	case c >= 0xF1 && c <= 0xF4:
		w := [...]int{2, 3, 4, 8}[c-0xF1]
		if len(b) < 1+w {
			return nil, 0, errCompact
		}
		return formatInt(a, signedLE(b[1:1+w])), 1 + w, nil
	default:
		return nil, 0, errCompact
	}
	if strLen > len(b)-hdr {
		return nil, 0, errCompact
	}
	return b[hdr : hdr+strLen : hdr+strLen], hdr + strLen, nil
}

// backlenSize is how many bytes the backlen of an element of size l takes.
func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// readBacklen decodes a backlen: 7 bits a byte, most significant first; every byte but the
// first has its top bit set.
func readBacklen(b []byte) int {
	v := 0
	for _, c := range b {
		v = v<<7 | int(c&127)
	}
	return v
}

// ziplist (before Redis 7: RDB type 13):
//
//	<u32 LE total bytes> <u32 LE offset of last entry> <u16 LE count, 65535 = unknown>
//	{ <prevlen> <encoding> <data> }… FF
//
// prevlen is the previous entry's size: one byte below 254, else FE and a u32 LE.
//
//	00LLLLLL              string, 6-bit length     C0 D0 E0 F0 FE   int16/32/64/24/8 LE
//	01LLLLLL LLLLLLLL     string, 14-bit BE length 1111xxxx         int xxxx-1 (0 to 12)
//	10000000 <u32 BE len> string, 32-bit length
func parseZiplist(b []byte, a *arena, emit func([]byte)) error {
	const header = 10
	if len(b) < header+1 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != 0xFF {
		return errCompact
	}
	tail := int(binary.LittleEndian.Uint32(b[4:]))
	declared := int(binary.LittleEndian.Uint16(b[8:]))
	n, p, end, prev, last := 0, header, len(b)-1, 0, header
	for p < end {
		v, size, err := ziplistEntry(b[p:end], prev, a)
		if err != nil {
			return err
		}
		emit(v)
		last, prev = p, size
		p += size
		n++
	}
	if tail != last || (declared != 65535 && declared != n) {
		return errCompact
	}
	return nil
}

// ziplistEntry decodes the entry at the start of b, whose prevlen must be prev, and returns
// it with the entry's whole size.
func ziplistEntry(b []byte, prev int, a *arena) ([]byte, int, error) {
	p := 1
	pl := int(b[0])
	if pl == 0xFE {
		if len(b) < 5 {
			return nil, 0, errCompact
		}
		pl, p = int(binary.LittleEndian.Uint32(b[1:])), 5
	}
	if pl != prev || p >= len(b) {
		return nil, 0, errCompact
	}
	c := b[p]
	var strLen int
	switch c >> 6 {
	case 0:
		strLen, p = int(c&0x3f), p+1
	case 1:
		if p+2 > len(b) {
			return nil, 0, errCompact
		}
		strLen, p = int(c&0x3f)<<8|int(b[p+1]), p+2
	case 2:
		if c != 0x80 || p+5 > len(b) {
			return nil, 0, errCompact
		}
		strLen, p = int(binary.BigEndian.Uint32(b[p+1:])), p+5
	default:
		return ziplistInt(b, p, a)
	}
	if strLen > len(b)-p {
		return nil, 0, errCompact
	}
	return b[p : p+strLen : p+strLen], p + strLen, nil
}

func ziplistInt(b []byte, p int, a *arena) ([]byte, int, error) {
	c := b[p]
	var w int
	switch c {
	case 0xC0:
		w = 2
	case 0xD0:
		w = 4
	case 0xE0:
		w = 8
	case 0xF0:
		w = 3
	case 0xFE:
		w = 1
	default:
		if c >= 0xF1 && c <= 0xFD {
			return formatInt(a, int64(c&0x0f)-1), p + 1, nil
		}
		return nil, 0, errCompact
	}
	if p+1+w > len(b) {
		return nil, 0, errCompact
	}
	return formatInt(a, signedLE(b[p+1:p+1+w])), p + 1 + w, nil
}

// zipmap (Redis before 2.6: RDB type 9):
//
//	<count, 1 byte> { <len> field <len> <free> value <free bytes> }… FF
//
// len is one byte below 254, else FE and a u32 LE; free is one byte.
func parseZipmap(b []byte, emit func(field, value []byte)) error {
	if len(b) < 2 {
		return errCompact
	}
	p, end := 1, len(b)-1
	for p < end {
		field, q, err := zipmapString(b, p, end, 0)
		if err != nil {
			return err
		}
		if q >= end {
			return errCompact
		}
		value, r, err := zipmapString(b, q, end, 1)
		if err != nil {
			return err
		}
		emit(field, value)
		p = r
	}
	if p != end || b[end] != 0xFF {
		return errCompact
	}
	return nil
}

// zipmapString reads a length-prefixed string at b[p:], the length followed by extra
// header bytes (1 for a value: its free count, whose bytes after the value are skipped).
func zipmapString(b []byte, p, end, extra int) ([]byte, int, error) {
	n := int(b[p])
	switch {
	case n == 0xFF:
		return nil, 0, errCompact
	case n == 0xFE:
		if p+5 > end {
			return nil, 0, errCompact
		}
		n, p = int(binary.LittleEndian.Uint32(b[p+1:])), p+5
	default:
		p++
	}
	free := 0
	if extra == 1 {
		if p >= end {
			return nil, 0, errCompact
		}
		free = int(b[p])
		p++
	}
	if n > end-p || free > end-p-n {
		return nil, 0, errCompact
	}
	return b[p : p+n : p+n], p + n + free, nil
}

// signedLE reads a little-endian two's complement integer of len(b) ≤ 8 bytes.
func signedLE(b []byte) int64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	shift := 64 - 8*uint(len(b))
	return int64(v<<shift) >> shift
}

func formatInt(a *arena, v int64) []byte {
	var tmp [20]byte
	d := strconv.AppendInt(tmp[:0], v, 10)
	out := a.alloc(len(d))
	copy(out, d)
	return out
}
