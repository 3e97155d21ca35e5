package server_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"darner/server/servertest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The oracle runs every script in testdata/oracle against a real redis-server and against
// darner, in RESP2 and in RESP3, and requires the same reply bytes for every command.
//
// Script format: one command per line, arguments separated by spaces; an argument in double
// quotes may hold spaces and the escapes \" \\ \n \r \t \xHH. Blank lines and lines starting
// with '#' are skipped. Two directives:
//
//	!unordered CMD ...   compare the reply as a multiset: every array, set and map in it is
//	                     sorted before comparing (KEYS, SCAN, HKEYS of a big hash …)
//	!sleep MS            wait MS milliseconds (for expiry; keep these few and short)
//
// What legitimately differs between Redis 7.0 (Debian's) and the 7.4 darner follows stays out
// of the scripts and is tested on its own.

// oracleStep is one line of a script.
type oracleStep struct {
	line      int
	text      string
	args      [][]byte
	unordered bool
	sleep     time.Duration
}

func parseOracleScript(src string) ([]oracleStep, error) {
	var steps []oracleStep
	for i, text := range strings.Split(src, "\n") {
		text = strings.TrimSpace(text)
		if text == "" || text[0] == '#' {
			continue
		}
		st := oracleStep{line: i + 1, text: text}
		if ms, ok := strings.CutPrefix(text, "!sleep "); ok {
			n, err := strconv.Atoi(strings.TrimSpace(ms))
			if err != nil {
				return nil, fmt.Errorf("line %d: bad sleep %q", i+1, ms)
			}
			st.sleep = time.Duration(n) * time.Millisecond
			steps = append(steps, st)
			continue
		}
		if rest, ok := strings.CutPrefix(text, "!unordered "); ok {
			st.unordered, text = true, rest
		}
		args, err := splitOracleLine(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		if len(args) == 0 {
			return nil, fmt.Errorf("line %d: no command", i+1)
		}
		st.args = args
		steps = append(steps, st)
	}
	return steps, nil
}

// splitOracleLine splits a command line into arguments (see the format above).
func splitOracleLine(s string) ([][]byte, error) {
	var args [][]byte
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' || s[i] == '\t':
			i++
		case s[i] == '"':
			arg, n, err := unquoteOracleArg(s[i:])
			if err != nil {
				return nil, err
			}
			args = append(args, arg)
			i += n
			if i < len(s) && s[i] != ' ' && s[i] != '\t' {
				return nil, fmt.Errorf("text right after a closing quote at byte %d", i)
			}
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			args = append(args, []byte(s[i:j]))
			i = j
		}
	}
	return args, nil
}

// unquoteOracleArg reads the quoted argument at the start of s and returns it and the
// number of bytes of s it took, quotes included.
func unquoteOracleArg(s string) ([]byte, int, error) {
	var out []byte
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return append([]byte{}, out...), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return nil, 0, errors.New("backslash at end of line")
			}
			i++
			switch s[i] {
			case '"', '\\':
				out = append(out, s[i])
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'x':
				if i+2 >= len(s) {
					return nil, 0, errors.New(`short \x escape`)
				}
				b, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
				if err != nil {
					return nil, 0, fmt.Errorf(`bad \x escape %q`, s[i+1:i+3])
				}
				out = append(out, byte(b))
				i += 2
			default:
				return nil, 0, fmt.Errorf(`unknown escape \%c`, s[i])
			}
		default:
			out = append(out, c)
		}
	}
	return nil, 0, errors.New("unterminated quote")
}

// respReply is one complete reply: its bytes as sent, and a canonical form of them in which
// the elements of every aggregate are sorted (map entries as key-value pairs), so that two
// replies have the same canonical form when they hold the same elements in any order.
type respReply struct {
	raw, canon []byte
}

// readRESPReply reads one complete RESP2 or RESP3 reply. An attribute (|) is returned
// together with the reply it annotates.
func readRESPReply(r *bufio.Reader) (respReply, error) {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return respReply{}, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return respReply{}, fmt.Errorf("malformed reply line %q", line)
	}
	rep := respReply{raw: line, canon: line}
	switch line[0] {
	case '+', '-', ':', '_', ',', '#', '(':
		return rep, nil
	case '$', '!', '=', '*', '~', '>', '%', '|':
	default:
		return respReply{}, fmt.Errorf("unknown reply type %q", line)
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-2]))
	if err != nil {
		return respReply{}, fmt.Errorf("bad length in %q", line)
	}
	if n < 0 { // RESP2's null bulk string and null array
		return rep, nil
	}
	switch line[0] {
	case '$', '!', '=':
		body := make([]byte, n+2)
		if _, err := io.ReadFull(r, body); err != nil {
			return respReply{}, err
		}
		rep.raw = append(line, body...)
		rep.canon = rep.raw
		return rep, nil
	}
	return readAggregate(r, line, n)
}

func readAggregate(r *bufio.Reader, head []byte, n int) (respReply, error) {
	perEntry := 1
	if head[0] == '%' || head[0] == '|' {
		perEntry = 2
	}
	raw := slices.Clone(head)
	entries := make([][]byte, n)
	for i := range entries {
		for range perEntry {
			e, err := readRESPReply(r)
			if err != nil {
				return respReply{}, err
			}
			raw = append(raw, e.raw...)
			entries[i] = append(entries[i], e.canon...)
		}
	}
	slices.SortFunc(entries, bytes.Compare)
	rep := respReply{raw: raw, canon: append(slices.Clone(head), bytes.Join(entries, nil)...)}
	if head[0] == '|' {
		inner, err := readRESPReply(r)
		if err != nil {
			return respReply{}, err
		}
		rep.raw = append(rep.raw, inner.raw...)
		rep.canon = append(rep.canon, inner.canon...)
	}
	return rep, nil
}

func encodeCommand(args [][]byte) []byte {
	b := fmt.Appendf(nil, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n", len(a))
		b = append(append(b, a...), "\r\n"...)
	}
	return b
}

// oracleConn is a raw connection to one of the two servers.
type oracleConn struct {
	c  net.Conn
	rd *bufio.Reader
}

func dialOracle(t *testing.T, addr string) *oracleConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &oracleConn{c: c, rd: bufio.NewReader(c)}
}

func (o *oracleConn) do(args [][]byte) (respReply, error) {
	o.c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := o.c.Write(encodeCommand(args)); err != nil {
		return respReply{}, err
	}
	return readRESPReply(o.rd)
}

// startRedis runs redis-server on a free port until the test ends, or skips the test when
// there is none; extra are more of its arguments.
func startRedis(t *testing.T, extra ...string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not on PATH; the oracle needs a real Redis to compare with")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	cmd := exec.Command(bin, append([]string{"--port", port, "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--daemonize", "no"}, extra...)...)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			if !ok && strings.Contains(sc.Text(), "Ready to accept connections") {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		require.True(t, ok, "redis-server exited before it was ready")
	case <-time.After(10 * time.Second):
		t.Fatal("redis-server did not get ready in 10s")
	}
	return net.JoinHostPort("127.0.0.1", port)
}

func TestOracle(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "oracle", "*.txt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	scripts := make(map[string][]oracleStep)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		steps, err := parseOracleScript(string(src))
		require.NoError(t, err, f)
		scripts[filepath.Base(f)] = steps
	}
	redisAddr := startRedis(t)
	for _, f := range files {
		name := filepath.Base(f)
		for _, proto := range servertest.Protocols {
			t.Run(fmt.Sprintf("%s/RESP%d", strings.TrimSuffix(name, ".txt"), proto), func(t *testing.T) {
				runOracleScript(t, name, scripts[name], redisAddr, proto)
			})
		}
	}
}

// runOracleScript runs one script on fresh connections to Redis (flushed first) and to a
// fresh darner, and reports every reply that differs.
func runOracleScript(t *testing.T, name string, steps []oracleStep, redisAddr string, proto int) {
	d := servertest.Start(t, servertest.Options{})
	conns := []*oracleConn{dialOracle(t, redisAddr), dialOracle(t, d.Addr)}
	setup := [][][]byte{{[]byte("FLUSHALL")}}
	if proto == 3 {
		setup = append([][][]byte{{[]byte("HELLO"), []byte("3")}}, setup...)
	}
	for _, conn := range conns {
		for _, args := range setup {
			_, err := conn.do(args)
			require.NoError(t, err)
		}
	}
	for _, st := range steps {
		if st.sleep > 0 {
			time.Sleep(st.sleep)
			continue
		}
		want, err := conns[0].do(st.args)
		require.NoError(t, err, "%s:%d: redis: %s", name, st.line, st.text)
		got, err := conns[1].do(st.args)
		require.NoError(t, err, "%s:%d: darner: %s", name, st.line, st.text)
		same := bytes.Equal(want.raw, got.raw)
		if st.unordered {
			same = bytes.Equal(want.canon, got.canon)
		}
		if !same {
			t.Errorf("%s:%d: %s\n\tredis:  %q\n\tdarner: %q", name, st.line, st.text, want.raw, got.raw)
		}
	}
}

func TestOracleScriptSyntax(t *testing.T) {
	steps, err := parseOracleScript("# comment\n\nSET k \"a b\\\"\\\\\\n\\r\\t\\x00\\xff\"  \"\"\n" +
		"!unordered KEYS *\n!sleep 20\n")
	require.NoError(t, err)
	require.Len(t, steps, 3)
	assert.Equal(t, 3, steps[0].line)
	assert.Equal(t, [][]byte{[]byte("SET"), []byte("k"), []byte("a b\"\\\n\r\t\x00\xff"), {}}, steps[0].args)
	assert.True(t, steps[1].unordered)
	assert.Equal(t, [][]byte{[]byte("KEYS"), []byte("*")}, steps[1].args)
	assert.Equal(t, 20*time.Millisecond, steps[2].sleep)
	for _, bad := range []string{`GET "k`, `GET "k"x`, `GET "\q"`, `GET "\x4"`, `GET "\xzz"`, "!sleep x"} {
		_, err := parseOracleScript(bad)
		assert.Error(t, err, bad)
	}
}

func TestOracleRESPReader(t *testing.T) {
	cases := []struct{ in, canon string }{
		{"+OK\r\n", "+OK\r\n"},
		{"-ERR x\r\n", "-ERR x\r\n"},
		{":-5\r\n", ":-5\r\n"},
		{"$-1\r\n", "$-1\r\n"},
		{"*-1\r\n", "*-1\r\n"},
		{"_\r\n", "_\r\n"},
		{",1.5\r\n", ",1.5\r\n"},
		{"#t\r\n", "#t\r\n"},
		{"(12345678901234567890\r\n", "(12345678901234567890\r\n"},
		{"$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n"},
		{"!3\r\nbad\r\n", "!3\r\nbad\r\n"},
		{"=7\r\ntxt:abc\r\n", "=7\r\ntxt:abc\r\n"},
		{"*2\r\n$1\r\nb\r\n$1\r\na\r\n", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
		{"~2\r\n:2\r\n:1\r\n", "~2\r\n:1\r\n:2\r\n"},
		{"%2\r\n+b\r\n:1\r\n+a\r\n:2\r\n", "%2\r\n+a\r\n:2\r\n+b\r\n:1\r\n"},
		{">2\r\n+m\r\n+a\r\n", ">2\r\n+a\r\n+m\r\n"},
		{"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nz\r\n$1\r\ny\r\n", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\ny\r\n$1\r\nz\r\n"},
		{"|1\r\n+k\r\n+v\r\n:7\r\n", "|1\r\n+k\r\n+v\r\n:7\r\n"},
	}
	for _, c := range cases {
		// A second reply follows each, to check the reader stops at the end of the first.
		r := bufio.NewReader(strings.NewReader(c.in + "+NEXT\r\n"))
		rep, err := readRESPReply(r)
		require.NoError(t, err, "%q", c.in)
		assert.Equal(t, c.in, string(rep.raw))
		assert.Equal(t, c.canon, string(rep.canon), "%q", c.in)
		next, err := readRESPReply(r)
		require.NoError(t, err)
		assert.Equal(t, "+NEXT\r\n", string(next.raw))
	}
	for _, bad := range []string{"?x\r\n", "$x\r\n", "$5\r\nab\r\n", "+OK\n", "*2\r\n:1\r\n"} {
		_, err := readRESPReply(bufio.NewReader(strings.NewReader(bad)))
		assert.Error(t, err, "%q", bad)
	}
}
