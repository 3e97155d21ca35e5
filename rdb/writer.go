package rdb

import (
	"encoding/binary"
	"io"
)

// writer buffers the file and keeps its CRC64, summing each buffer as it is written out.
// Values are appended straight to buf; flushFull writes it out once it is full enough.
type writer struct {
	dst io.Writer
	buf []byte
	crc uint64
	err error
}

const writeBufSize = 64 << 10

func (w *writer) byte(c byte) { w.buf = append(w.buf, c) }

// length appends an RDB length in the shortest of its forms.
func (w *writer) length(n uint64) {
	switch {
	case n < 1<<6:
		w.buf = append(w.buf, byte(n))
	case n < 1<<14:
		w.buf = append(w.buf, byte(n>>8)|0x40, byte(n))
	case n <= 1<<32-1:
		w.buf = append(w.buf, 0x80)
		w.buf = binary.BigEndian.AppendUint32(w.buf, uint32(n))
	default:
		w.buf = append(w.buf, 0x81)
		w.buf = binary.BigEndian.AppendUint64(w.buf, n)
	}
}

// flush writes the buffer out.
func (w *writer) flush() error {
	if w.err != nil {
		return w.err
	}
	w.crc = crc64(w.crc, w.buf)
	_, w.err = w.dst.Write(w.buf)
	w.buf = w.buf[:0]
	return w.err
}

// flushFull writes the buffer out if it has grown past its size.
func (w *writer) flushFull() error {
	if len(w.buf) >= writeBufSize {
		return w.flush()
	}
	return w.err
}

// bytes appends p, writing a large p straight through rather than copying it.
func (w *writer) bytes(p []byte) {
	if len(p) < writeBufSize {
		w.buf = append(w.buf, p...)
		return
	}
	if w.flush() != nil {
		return
	}
	w.crc = crc64(w.crc, p)
	_, w.err = w.dst.Write(p)
}

// string appends an RDB string the way Redis chooses its form: the integer encoding for
// the canonical decimal text of a number that fits 32 bits, else LZF when enabled and it
// pays, else the raw bytes.
func (en *Encoder) string(s []byte) {
	w := &en.w
	if len(s) <= 11 && len(s) > 0 {
		if v, ok := canonicalInt(s); ok && v >= -1<<31 && v <= 1<<31-1 {
			switch {
			case v >= -1<<7 && v <= 1<<7-1:
				w.buf = append(w.buf, 0xC0|encInt8, byte(v))
			case v >= -1<<15 && v <= 1<<15-1:
				w.buf = append(w.buf, 0xC0|encInt16)
				w.buf = binary.LittleEndian.AppendUint16(w.buf, uint16(v))
			default:
				w.buf = append(w.buf, 0xC0|encInt32)
				w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(v))
			}
			return
		}
	}
	if en.table != nil && len(s) > 20 {
		if cap(en.lzfBuf) < len(s)-4 {
			en.lzfBuf = make([]byte, len(s)-4)
		}
		out := en.lzfBuf[:len(s)-4]
		if n := lzfCompress(s, out, en.table); n > 0 {
			w.buf = append(w.buf, 0xC0|encLZF)
			w.length(uint64(n))
			w.length(uint64(len(s)))
			w.bytes(out[:n])
			return
		}
	}
	w.length(uint64(len(s)))
	w.bytes(s)
}

// canonicalInt parses s as Redis' string2ll does: an optional minus, digits without a
// leading zero (but "0" itself), no "-0", within int64. Only such text may be stored as an
// integer, for it must read back byte for byte the same.
func canonicalInt(s []byte) (int64, bool) {
	neg := s[0] == '-'
	d := s
	if neg {
		d = s[1:]
	}
	if len(d) == 0 || len(d) > 19 || d[0] < '0' || d[0] > '9' || (d[0] == '0' && (len(d) > 1 || neg)) {
		return 0, false
	}
	var v uint64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}
