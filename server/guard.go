package server

import (
	"bytes"
	"errors"
	"net"
)

// The guard enforces Redis' input limits, which redcon does not: a bulk string longer than
// proto-max-bulk-len, a multibulk count beyond 2^31-1 or an inline command over 64 KiB is
// refused with Redis' protocol error, and a command whose unparsed bytes outgrow
// client-query-buffer-limit closes the connection. It follows RESP framing as bytes pass
// through Read, looking only at headers: bulk payloads are skipped by count, not scanned.
//
//	*3\r\n $3\r\n SET\r\n $1\r\n k\r\n $5\r\n hello\r\n
//	^ header  ^ header ^ skip  ...
type guardListener struct {
	net.Listener
	limits *settings
}

func (l *guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &guardConn{Conn: c, limits: l.limits}, nil
}

const inlineMax = 64 << 10 // PROTO_INLINE_MAX_SIZE

type guardState uint8

const (
	gStart      guardState = iota // at the first byte of a command
	gInline                       // inside an inline command, looking for '\n'
	gMultiCount                   // reading the digits after '*'
	gBulkHeader                   // expecting '$' and the digits of a bulk length
	gBulkBody                     // skipping a bulk payload and its CRLF
)

var errQueryBuffer = errors.New("query buffer limit reached")

type guardConn struct {
	net.Conn
	limits *settings

	state   guardState
	header  []byte // digits of the header being read
	args    int64  // bulk strings left in the current command
	skip    int64  // payload bytes left in gBulkBody
	pending int64  // bytes of the current, incomplete command seen so far
	failed  error  // set once a limit is broken; the next Read reports it
}

// Read passes through every complete command that fits the limits. When a command breaks
// one, the bytes before it are passed first; the next Read writes the error reply and fails,
// which closes the connection after redcon has answered the earlier commands.
func (c *guardConn) Read(p []byte) (int, error) {
	if c.failed != nil {
		return 0, c.fail()
	}
	n, err := c.Conn.Read(p)
	if n > 0 {
		ok, verr := c.scan(p[:n])
		if verr != nil {
			c.failed = verr
			if ok == 0 {
				return 0, c.fail()
			}
			return ok, nil
		}
	}
	return n, err
}

func (c *guardConn) fail() error {
	var perr protoError
	if errors.As(c.failed, &perr) {
		c.Conn.Write([]byte("-ERR Protocol error: " + string(perr) + "\r\n"))
	}
	return c.failed
}

type protoError string

func (e protoError) Error() string { return "Protocol error: " + string(e) }

// scan advances the framing over b. On a broken limit it returns how many leading bytes of
// b belong to complete commands before the offending one, and the error.
func (c *guardConn) scan(b []byte) (int, error) {
	cmdStart := 0 // where, in b, the current command began (0 if it began earlier)
	for i := 0; i < len(b); {
		switch c.state {
		case gStart:
			cmdStart, c.pending = i, 0
			if b[i] == '*' {
				c.state, c.header = gMultiCount, c.header[:0]
				i++
			} else {
				c.state = gInline
			}
		case gInline:
			j := bytes.IndexByte(b[i:], '\n')
			if j < 0 {
				c.pending += int64(len(b) - i)
				if c.pending > inlineMax {
					return cmdStart, protoError("too big inline request")
				}
				return len(b), nil
			}
			i += j + 1
			c.state = gStart
		case gMultiCount, gBulkHeader:
			j := bytes.IndexByte(b[i:], '\n')
			end := len(b)
			if j >= 0 {
				end = i + j
			}
			h := b[i:end]
			if len(c.header) > 0 || j < 0 {
				// Split across reads: gather the pieces. Most headers arrive whole and
				// are read in place.
				c.header = append(c.header, h...)
				h = c.header
			}
			if len(h) > 32 {
				return cmdStart, c.headerError()
			}
			c.pending += int64(end - i)
			if j < 0 {
				return len(b), nil
			}
			i = end + 1
			if err := c.endHeader(h); err != nil {
				return cmdStart, err
			}
		case gBulkBody:
			k := min(c.skip, int64(len(b)-i))
			i += int(k)
			c.skip -= k
			c.pending += k
			if c.skip == 0 {
				c.nextArg()
			}
		}
		if c.state != gStart && c.pending > c.limits.queryBufLimit.Load() {
			return cmdStart, errQueryBuffer
		}
	}
	return len(b), nil
}

func (c *guardConn) headerError() error {
	if c.state == gMultiCount {
		return protoError("invalid multibulk length")
	}
	return protoError("invalid bulk length")
}

// endHeader interprets a complete header line h: "N" after a "*", or "$N"; no "\n".
func (c *guardConn) endHeader(h []byte) error {
	if n := len(h); n > 0 && h[n-1] == '\r' {
		h = h[:n-1]
	}
	c.header = c.header[:0]
	if c.state == gMultiCount {
		n, ok := parseLength(h)
		if !ok || n > 1<<31-1 {
			return protoError("invalid multibulk length")
		}
		c.args = n
		c.nextArg()
		return nil
	}
	if len(h) == 0 || h[0] != '$' {
		// Not ours to judge: redcon answers "expected '$'".
		c.state = gStart
		return nil
	}
	n, ok := parseLength(h[1:])
	if !ok || n < 0 || n > c.limits.protoMaxBulkLen.Load() {
		return protoError("invalid bulk length")
	}
	c.skip = n + 2
	c.state = gBulkBody
	return nil
}

func (c *guardConn) nextArg() {
	if c.args <= 0 {
		c.state = gStart
		return
	}
	c.args--
	c.state = gBulkHeader
}

// parseLength reads a header's decimal length; values too long to matter saturate.
func parseLength(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < 1<<40 {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}
