package server_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"darner/server"
	"darner/server/servertest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProtocolLimits(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Config: func(c *server.Config) {
		c.ProtoMaxBulkLen = 1000
		c.ClientQueryBufferLimit = 64 << 10
	}})
	cases := []struct {
		name  string
		input string
		want  []string // replies before the connection closes
	}{
		{"bulk over proto-max-bulk-len", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1001\r\n",
			[]string{"-ERR Protocol error: invalid bulk length\r\n"}},
		{"negative bulk length", "*1\r\n$-5\r\n", []string{"-ERR Protocol error: invalid bulk length\r\n"}},
		{"multibulk count beyond int32", "*4294967296\r\n", []string{"-ERR Protocol error: invalid multibulk length\r\n"}},
		{"commands before the bad one are answered", "PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$99999\r\n",
			[]string{"+PONG\r\n", "+PONG\r\n", "-ERR Protocol error: invalid bulk length\r\n"}},
		{"inline request over 64KiB", strings.Repeat("x", 70<<10),
			[]string{"-ERR Protocol error: too big inline request\r\n"}},
		{"query buffer over the limit closes silently", "*200\r\n" + strings.Repeat("$900\r\n"+strings.Repeat("a", 900)+"\r\n", 100),
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := dialRaw(t, s.Addr)
			r.send(c.input)
			for _, w := range c.want {
				assert.Equal(t, w, r.line())
			}
			assert.True(t, r.closed(), "connection should be closed")
		})
	}
	// The server goes on.
	r := dialRaw(t, s.Addr)
	r.send("PING\r\n")
	assert.Equal(t, "+PONG\r\n", r.line())
}

func TestBulkAtTheLimitIsAccepted(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.ProtoMaxBulkLen = 1000 }})
	r := dialRaw(t, s.Addr)
	v := strings.Repeat("v", 1000)
	// Sent in small pieces, so headers and payloads straddle reads.
	msg := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n" + v + "\r\n*2\r\n$6\r\nSTRLEN\r\n$1\r\nk\r\n"
	for i := 0; i < len(msg); i += 7 {
		r.send(msg[i:min(i+7, len(msg))])
	}
	assert.Equal(t, "+OK\r\n", r.line())
	assert.Equal(t, ":1000\r\n", r.line())
}

func TestInlineCommands(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := dialRaw(t, s.Addr)
	r.send("SET greeting \"hello world\"\r\nGET greeting\r\nPING\n")
	assert.Equal(t, "+OK\r\n", r.line())
	assert.Equal(t, "$11\r\n", r.line())
	assert.Equal(t, "hello world\r\n", r.line())
	assert.Equal(t, "+PONG\r\n", r.line())
}

// Random bytes must never take the server down or corrupt a value.
func TestGarbageInput(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ok := dialRaw(t, s.Addr)
	ok.send("SET keep safe\r\n")
	require.Equal(t, "+OK\r\n", ok.line())
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"*", "$", "\r\n", "-1", "3", "999999999999", "SET", "keep", "\"", "'", "\x00", "*0\r\n", "$0\r\n"}
	for range 200 {
		r := dialRaw(t, s.Addr)
		var b strings.Builder
		for range 1 + rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		r.send(b.String())
		r.c.Close()
	}
	ok.send("GET keep\r\n")
	assert.Equal(t, "$4\r\n", ok.line())
	assert.Equal(t, "safe\r\n", ok.line())
}

// Redis skips "*0", "*-1" and empty inline lines, and reads a line starting with '$' as an
// inline command (redcon alone would close on the first two and wait on the last).
func TestSkippedAndDollarLines(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := dialRaw(t, s.Addr)
	r.send("*0\r\nPING\r\n$3 foo\r\n*-1\r\nPING\r\n\r\n \r\nECHO \"a b\"\r\n")
	assert.Equal(t, "+PONG\r\n", r.line())
	assert.Equal(t, "-ERR unknown command '$3', with args beginning with: 'foo' \r\n", r.line())
	assert.Equal(t, "+PONG\r\n", r.line())
	assert.Equal(t, "$3\r\n", r.line())
	assert.Equal(t, "a b\r\n", r.line())
}
