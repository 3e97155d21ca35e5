package server

import (
	"math"
	"strconv"

	"github.com/tidwall/redcon"
)

// Writer writes replies in the connection's protocol: RESP2, or RESP3 after HELLO 3. The
// types RESP2 lacks are written as RESP2 clients expect them (maps as flat arrays, doubles
// and verbatim strings as bulk strings, booleans as integers, nulls as nil bulks/arrays).
//
// A command's reply is built in b and handed to redcon when the command ends, so that a
// handler that panics half way leaves no partial reply behind.
type Writer struct {
	b     []byte
	resp3 bool
	errs  int // error replies written: a write command that answered one is not logged
}

// Error is an error reply: the message including its prefix (ERR, WRONGTYPE, NOAUTH, …).
type Error string

func (e Error) Error() string { return string(e) }

// Errorf-free constants for the replies many commands share.
const (
	errWrongType  Error = "WRONGTYPE Operation against a key holding the wrong kind of value"
	errSyntax     Error = "ERR syntax error"
	errNotInt     Error = "ERR value is not an integer or out of range"
	errNotFloat   Error = "ERR value is not a valid float"
	errNoAuth     Error = "NOAUTH Authentication required."
	errNoSuchKey  Error = "ERR no such key"
	errOverflow   Error = "ERR increment or decrement would overflow"
	errDBIndex    Error = "ERR DB index is out of range"
	errInvalidDB  Error = "ERR invalid DB index"
	errNotSupport Error = "ERR not supported"
)

// Err writes an error reply. The message is kept to one line as Redis does.
func (w *Writer) Err(e Error) {
	s := string(e)
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			b := []byte(s)
			for j := range b {
				if b[j] == '\r' || b[j] == '\n' {
					b[j] = ' '
				}
			}
			s = string(b)
			break
		}
	}
	w.b = redcon.AppendError(w.b, s)
	w.errs++
}

// Simple writes a simple string (+OK).
func (w *Writer) Simple(s string) { w.b = redcon.AppendString(w.b, s) }

// OK writes +OK.
func (w *Writer) OK() { w.b = append(w.b, "+OK\r\n"...) }

// Int writes an integer.
func (w *Writer) Int(n int64) { w.b = redcon.AppendInt(w.b, n) }

// Bulk writes a bulk string.
func (w *Writer) Bulk(b []byte) { w.b = redcon.AppendBulk(w.b, b) }

// BulkString writes a bulk string.
func (w *Writer) BulkString(s string) { w.b = redcon.AppendBulkString(w.b, s) }

// Null writes a null: $-1 in RESP2, _ in RESP3.
func (w *Writer) Null() {
	if w.resp3 {
		w.b = append(w.b, "_\r\n"...)
		return
	}
	w.b = redcon.AppendNull(w.b)
}

// NullArray writes a null array: *-1 in RESP2, _ in RESP3.
func (w *Writer) NullArray() {
	if w.resp3 {
		w.b = append(w.b, "_\r\n"...)
		return
	}
	w.b = append(w.b, "*-1\r\n"...)
}

// Array writes an array header of n elements.
func (w *Writer) Array(n int) { w.b = redcon.AppendArray(w.b, n) }

// Map writes a map header of n pairs (an array of 2n elements in RESP2).
func (w *Writer) Map(n int) {
	if w.resp3 {
		w.header('%', n)
		return
	}
	w.b = redcon.AppendArray(w.b, 2*n)
}

// Set writes a set header of n elements (an array in RESP2).
func (w *Writer) Set(n int) {
	if w.resp3 {
		w.header('~', n)
		return
	}
	w.b = redcon.AppendArray(w.b, n)
}

// Double writes a double (a bulk string in RESP2), formatted as Redis does (%.17g, inf, nan).
func (w *Writer) Double(f float64) {
	var s string
	switch {
	case math.IsInf(f, 1):
		s = "inf"
	case math.IsInf(f, -1):
		s = "-inf"
	case math.IsNaN(f):
		s = "nan"
	default:
		s = strconv.FormatFloat(f, 'g', 17, 64)
	}
	if w.resp3 {
		w.b = append(append(append(w.b, ','), s...), "\r\n"...)
		return
	}
	w.b = redcon.AppendBulkString(w.b, s)
}

// Bool writes a boolean (integer 1 or 0 in RESP2).
func (w *Writer) Bool(b bool) {
	switch {
	case w.resp3 && b:
		w.b = append(w.b, "#t\r\n"...)
	case w.resp3:
		w.b = append(w.b, "#f\r\n"...)
	case b:
		w.b = redcon.AppendInt(w.b, 1)
	default:
		w.b = redcon.AppendInt(w.b, 0)
	}
}

// Verbatim writes a verbatim string of format fmt ("txt", "mkd"); a bulk string in RESP2.
func (w *Writer) Verbatim(format, s string) {
	if !w.resp3 {
		w.b = redcon.AppendBulkString(w.b, s)
		return
	}
	b := append(w.b, '=')
	b = strconv.AppendInt(b, int64(len(s)+4), 10)
	b = append(b, "\r\n"...)
	b = append(b, format...)
	b = append(b, ':')
	b = append(b, s...)
	w.b = append(b, "\r\n"...)
}

// RESP3 reports whether the connection speaks RESP3.
func (w *Writer) RESP3() bool { return w.resp3 }

func (w *Writer) header(c byte, n int) {
	w.b = append(w.b, c)
	w.b = strconv.AppendInt(w.b, int64(n), 10)
	w.b = append(w.b, "\r\n"...)
}

// Raw appends bytes that are already RESP.
func (w *Writer) Raw(b []byte) { w.b = append(w.b, b...) }

// mark and reset let the dispatcher drop a half-written reply when a handler panics.
func (w *Writer) mark() int      { return len(w.b) }
func (w *Writer) reset(mark int) { w.b = w.b[:mark] }
