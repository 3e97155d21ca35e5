package jsonpath

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// ParseError is a JSON syntax error. Msg uses serde_json's wording, which RedisJSON
// replies with ("expected value", "trailing characters", …); Line and Column follow
// serde_json's counting (column 0 at the start of a line).
type ParseError struct {
	Msg    string
	Line   int
	Column int
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s at line %d column %d", e.Msg, e.Line, e.Column)
}

// Parse reads one JSON value, strictly: RFC 8259 with no comments, trailing commas,
// byte-order mark or trailing text; UTF-8 only; surrogate escapes must pair up; nesting
// must stay under MaxDepth. Objects become *Object (a repeated key keeps its first place
// and its last value), arrays *Array, integers that fit int64 become int64 and every other
// number float64 (so 3 and 3.0 stay apart; RedisJSON also keeps integers up to 2^64-1 as
// integers, darner turns those past 2^63-1 into floats). A number too large for float64
// is an error, as in RedisJSON.
func Parse(data []byte) (any, error) {
	d := decoder{data: data, room: MaxDepth}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.errAt(d.pos+1, "trailing characters")
	}
	return v, nil
}

// ParseString is Parse for a string.
func ParseString(s string) (any, error) { return Parse([]byte(s)) }

// decoder is a recursive-descent JSON reader; recursion is bounded by room.
type decoder struct {
	data []byte
	pos  int
	room int // nesting levels left before serde_json's recursion limit
}

// errAt reports msg at serde_json's position for "n bytes read": errors about a byte that
// was looked at but not consumed use pos+1, errors at the end use len(data).
func (d *decoder) errAt(n int, msg string) *ParseError {
	line, start := 1, 0
	for i := 0; i < n && i < len(d.data); i++ {
		if d.data[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return &ParseError{Msg: msg, Line: line, Column: n - start}
}

func (d *decoder) eof(what string) *ParseError {
	return d.errAt(len(d.data), "EOF while parsing "+what)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value := object | array | string | number | true | false | null
func (d *decoder) value() (any, error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, d.eof("a value")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		d.pos++
		return d.str()
	case c == 't':
		return d.ident("true", true)
	case c == 'f':
		return d.ident("false", false)
	case c == 'n':
		return d.ident("null", nil)
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, d.errAt(d.pos+1, "expected value")
}

func (d *decoder) ident(word string, v any) (any, error) {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) {
			return nil, d.eof("a value")
		}
		if d.data[d.pos] != word[i] {
			return nil, d.errAt(d.pos+1, "expected ident")
		}
		d.pos++
	}
	return v, nil
}

// enter and leave count nesting the way serde_json does, so the same documents pass.
func (d *decoder) enter() error {
	d.room--
	if d.room == 0 {
		return d.errAt(d.pos+1, "recursion limit exceeded")
	}
	d.pos++
	return nil
}

// array := '[' ( value ( ',' value )* )? ']'
func (d *decoder) array() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	a := &Array{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.room++
		return a, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		a.elems = append(a.elems, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.eof("a list")
		}
		switch d.data[d.pos] {
		case ']':
			d.pos++
			d.room++
			return a, nil
		case ',':
			d.pos++
			d.skipSpace()
			if d.pos < len(d.data) && d.data[d.pos] == ']' {
				return nil, d.errAt(d.pos+1, "trailing comma")
			}
		default:
			return nil, d.errAt(d.pos+1, "expected `,` or `]`")
		}
	}
}

// object := '{' ( string ':' value ( ',' string ':' value )* )? '}'
func (d *decoder) object() (any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	o := &Object{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.room++
		return o, nil
	}
	for {
		if err := d.member(o); err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.eof("an object")
		}
		switch d.data[d.pos] {
		case '}':
			d.pos++
			d.room++
			return o, nil
		case ',':
			d.pos++
			d.skipSpace()
			if d.pos < len(d.data) && d.data[d.pos] == '}' {
				return nil, d.errAt(d.pos+1, "trailing comma")
			}
		default:
			return nil, d.errAt(d.pos+1, "expected `,` or `}`")
		}
	}
}

// member := string ':' value
func (d *decoder) member(o *Object) error {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return d.eof("an object")
	}
	if d.data[d.pos] != '"' {
		return d.errAt(d.pos+1, "key must be a string")
	}
	d.pos++
	key, err := d.str()
	if err != nil {
		return err
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return d.eof("an object")
	}
	if d.data[d.pos] != ':' {
		return d.errAt(d.pos+1, "expected `:`")
	}
	d.pos++
	v, err := d.value()
	if err != nil {
		return err
	}
	o.Set(key.(string), v)
	return nil
}

// str reads a string body after its opening quote. Plain runs are copied in one go;
// escapes are decoded into a scratch buffer only when present.
func (d *decoder) str() (any, error) {
	start := d.pos
	var buf []byte
	for {
		if d.pos >= len(d.data) {
			return nil, d.eof("a string")
		}
		c := d.data[d.pos]
		switch {
		case c == '"':
			var s string
			if buf == nil {
				s = string(d.data[start:d.pos])
			} else {
				s = string(append(buf, d.data[start:d.pos]...))
			}
			d.pos++
			return s, nil
		case c == '\\':
			buf = append(buf, d.data[start:d.pos]...)
			var err error
			if buf, err = d.escape(buf); err != nil {
				return nil, err
			}
			start = d.pos
		case c < 0x20:
			return nil, d.errAt(d.pos+1, "control character (\\u0000-\\u001F) found while parsing a string")
		case c < utf8.RuneSelf:
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return nil, d.errAt(d.pos+1, "invalid UTF-8 in string")
			}
			d.pos += size
		}
	}
}

// escape decodes one escape sequence starting at the backslash and appends it to buf.
func (d *decoder) escape(buf []byte) ([]byte, error) {
	d.pos++ // the backslash
	if d.pos >= len(d.data) {
		return nil, d.eof("a string")
	}
	c := d.data[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
		r, err := d.unicodeEscape()
		if err != nil {
			return nil, err
		}
		return utf8.AppendRune(buf, r), nil
	}
	return nil, d.errAt(d.pos, "invalid escape")
}

// unicodeEscape decodes the XXXX of \uXXXX, joining a surrogate pair. Unpaired
// surrogates are errors, as in serde_json.
func (d *decoder) unicodeEscape() (rune, error) {
	r1, err := d.hex4()
	if err != nil {
		return 0, err
	}
	switch {
	case r1 >= 0xDC00 && r1 <= 0xDFFF:
		return 0, d.errAt(d.pos, "lone leading surrogate in hex escape")
	case r1 < 0xD800 || r1 > 0xDBFF:
		return r1, nil
	}
	for _, want := range []byte{'\\', 'u'} {
		if d.pos >= len(d.data) {
			return 0, d.eof("a string")
		}
		if d.data[d.pos] != want {
			return 0, d.errAt(d.pos+1, "unexpected end of hex escape")
		}
		d.pos++
	}
	r2, err := d.hex4()
	if err != nil {
		return 0, err
	}
	if r2 < 0xDC00 || r2 > 0xDFFF {
		return 0, d.errAt(d.pos, "lone leading surrogate in hex escape")
	}
	return utf16.DecodeRune(r1, r2), nil
}

func (d *decoder) hex4() (rune, error) {
	var r rune
	for range 4 {
		if d.pos >= len(d.data) {
			return 0, d.eof("a string")
		}
		c := d.data[d.pos]
		d.pos++
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, d.errAt(d.pos, "invalid escape")
		}
	}
	return r, nil
}

// number := '-'? ( '0' | [1-9][0-9]* ) ( '.' [0-9]+ )? ( [eE] [+-]? [0-9]+ )?
func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	if d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
		if d.pos < len(d.data) && isDigit(d.data[d.pos]) {
			return nil, d.errAt(d.pos+1, "invalid number")
		}
	} else if err := d.digits(); err != nil {
		return nil, err
	}
	isFloat := false
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		isFloat = true
		d.pos++
		if err := d.digits(); err != nil {
			return nil, err
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		isFloat = true
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if err := d.digits(); err != nil {
			return nil, err
		}
	}
	text := string(d.data[start:d.pos])
	if !isFloat {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && math.IsInf(f, 0) {
		return nil, d.errAt(d.pos, "number out of range")
	}
	return f, nil // an underflow quietly becomes 0 or a subnormal, as in serde_json
}

// digits consumes one or more decimal digits.
func (d *decoder) digits() error {
	if d.pos >= len(d.data) {
		return d.eof("a value")
	}
	if !isDigit(d.data[d.pos]) {
		return d.errAt(d.pos+1, "invalid number")
	}
	for d.pos < len(d.data) && isDigit(d.data[d.pos]) {
		d.pos++
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
