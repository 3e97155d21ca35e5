package server_test

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clientLine is the shape of one CLIENT LIST line, in Redis 7.2's field order. fd is -1 for
// a connection already closing, as Redis shows for clients without a socket.
var clientLine = regexp.MustCompile(`^id=(\d+) addr=(\S+) laddr=(\S+) fd=-?\d+ name=(\S*) age=\d+ idle=\d+ ` +
	`flags=N db=(\d+) sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 ` +
	`rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=(\S+) user=default redir=-1 ` +
	`resp=([23]) lib-name=(\S*) lib-ver=(\S*)$`)

type listedClient struct {
	id                     int64
	addr, laddr, name, cmd string
	db, resp               string
	libName, libVer        string
}

// parseClientList checks every line of a CLIENT LIST / INFO reply and returns them by id.
func parseClientList(t *testing.T, reply string) map[int64]listedClient {
	t.Helper()
	require.True(t, strings.HasSuffix(reply, "\n"), "every line ends with a newline: %q", reply)
	out := map[int64]listedClient{}
	for _, line := range strings.Split(strings.TrimSuffix(reply, "\n"), "\n") {
		m := clientLine.FindStringSubmatch(line)
		require.NotNil(t, m, "malformed line %q", line)
		id, err := strconv.ParseInt(m[1], 10, 64)
		require.NoError(t, err)
		out[id] = listedClient{id: id, addr: m[2], laddr: m[3], name: m[4], db: m[5], cmd: m[6],
			resp: m[7], libName: m[8], libVer: m[9]}
	}
	return out
}

func TestClientSetnameGetname(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprintf("resp%d", proto), func(t *testing.T) {
			ctx := t.Context()
			conn := s.Client(t, proto).Conn()
			defer conn.Close()
			_, err := conn.ClientGetName(ctx).Result()
			assert.ErrorIs(t, err, redis.Nil, "no name yet")
			require.NoError(t, conn.ClientSetName(ctx, "worker-1").Err())
			assert.Equal(t, "worker-1", conn.ClientGetName(ctx).Val())
			err = conn.Do(ctx, "CLIENT", "SETNAME", "has space").Err()
			assert.EqualError(t, err, "ERR Client names cannot contain spaces, newlines or special characters.")
			err = conn.Do(ctx, "CLIENT", "SETNAME", "tab\there").Err()
			assert.EqualError(t, err, "ERR Client names cannot contain spaces, newlines or special characters.")
			assert.Equal(t, "worker-1", conn.ClientGetName(ctx).Val(), "a refused name changes nothing")
			require.NoError(t, conn.Do(ctx, "CLIENT", "SETNAME", "").Err())
			_, err = conn.ClientGetName(ctx).Result()
			assert.ErrorIs(t, err, redis.Nil, "an empty name removes the name")
		})
	}
}

func TestClientListShowsClients(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	a := s.Client(t, 2).Conn()
	defer a.Close()
	b := s.Client(t, 3).Conn()
	defer b.Close()
	require.NoError(t, a.ClientSetName(ctx, "alpha").Err())
	require.NoError(t, b.ClientSetName(ctx, "beta").Err())
	require.NoError(t, b.Select(ctx, 5).Err())
	idA, idB := a.ClientID(ctx).Val(), b.ClientID(ctx).Val()

	list, err := a.ClientList(ctx).Result()
	require.NoError(t, err)
	clients := parseClientList(t, list)
	require.Contains(t, clients, idA)
	require.Contains(t, clients, idB)
	ca, cb := clients[idA], clients[idB]
	assert.Equal(t, "alpha", ca.name)
	assert.Equal(t, "beta", cb.name)
	assert.Equal(t, "client|list", ca.cmd, "the caller's last command is this one")
	assert.Equal(t, "client|id", cb.cmd)
	assert.Equal(t, "0", ca.db)
	assert.Equal(t, "5", cb.db)
	assert.Equal(t, "2", ca.resp)
	assert.Equal(t, "3", cb.resp)
	assert.Equal(t, s.Addr, ca.laddr)
	assert.True(t, strings.HasPrefix(ca.libName, "go-redis"), "go-redis sends CLIENT SETINFO: %q", ca.libName)
	assert.NotEmpty(t, ca.libVer)
	assert.Less(t, idA, idB)
	assert.Less(t, strings.Index(list, "id="+strconv.FormatInt(idA, 10)+" "),
		strings.Index(list, "id="+strconv.FormatInt(idB, 10)+" "), "listed in id order")

	only, err := a.Do(ctx, "CLIENT", "LIST", "ID", idB, 999999).Text()
	require.NoError(t, err)
	assert.Equal(t, []int64{idB}, keysOf(parseClientList(t, only)))
	normal, err := a.Do(ctx, "CLIENT", "LIST", "TYPE", "normal").Text()
	require.NoError(t, err)
	assert.Len(t, parseClientList(t, normal), len(clients))
	none, err := a.Do(ctx, "CLIENT", "LIST", "TYPE", "pubsub").Text()
	require.NoError(t, err)
	assert.Equal(t, "", none)

	info, err := b.ClientInfo(ctx).Result()
	require.NoError(t, err, "go-redis parses CLIENT INFO")
	assert.Equal(t, idB, info.ID)
	assert.Equal(t, "beta", info.Name)
	assert.Equal(t, 5, info.DB)
	assert.Equal(t, "client|info", info.LastCmd)
}

func keysOf(m map[int64]listedClient) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	return out
}

// readReply reads one whole RESP2/RESP3 reply from r and returns its bytes.
func readReply(t *testing.T, r *rawConn) string {
	t.Helper()
	line := r.line()
	n, _ := strconv.Atoi(strings.TrimRight(line[1:], "\r\n"))
	switch line[0] {
	case '$', '=', '!':
		if n < 0 {
			return line
		}
		buf := make([]byte, n+2)
		_, err := io.ReadFull(r.rd, buf)
		require.NoError(t, err)
		return line + string(buf)
	case '*', '~', '>':
	case '%', '|':
		n *= 2
	default:
		return line
	}
	for range n {
		line += readReply(t, r)
	}
	return line
}

func TestClientListWireFormat(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := dialRaw(t, s.Addr)
	r.send("CLIENT INFO\r\n")
	resp2 := readReply(t, r)
	require.True(t, strings.HasPrefix(resp2, "$"), "RESP2: a bulk string: %q", resp2)
	line := resp2[strings.Index(resp2, "\r\n")+2 : len(resp2)-2]
	parseClientList(t, line)

	r.send("HELLO 3\r\n")
	readReply(t, r)
	for _, c := range []string{"CLIENT INFO", "CLIENT LIST"} {
		r.send(c + "\r\n")
		resp3 := readReply(t, r)
		header := resp3[:strings.Index(resp3, "\r\n")+2]
		body := resp3[len(header) : len(resp3)-2]
		assert.True(t, strings.HasPrefix(header, "="), "RESP3: a verbatim string: %q", resp3)
		assert.Equal(t, "="+strconv.Itoa(len(body))+"\r\n", header)
		require.True(t, strings.HasPrefix(body, "txt:"), body)
		parseClientList(t, body[4:])
	}
}

func TestClientSetinfo(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprintf("resp%d", proto), func(t *testing.T) {
			conn := s.Client(t, proto).Conn()
			defer conn.Close()
			watcher := s.Client(t, proto)
			require.NoError(t, conn.Do(ctx, "CLIENT", "SETINFO", "LIB-NAME", "mylib").Err())
			require.NoError(t, conn.Do(ctx, "client", "setinfo", "lib-ver", "1.2.3").Err())
			id := conn.ClientID(ctx).Val()
			list, err := watcher.ClientList(ctx).Result()
			require.NoError(t, err)
			c := parseClientList(t, list)[id]
			assert.Equal(t, "mylib", c.libName)
			assert.Equal(t, "1.2.3", c.libVer)

			errs := []struct {
				args []any
				want string
			}{
				{[]any{"lib-name", "has space"}, "ERR lib-name cannot contain spaces, newlines or special characters."},
				{[]any{"LIB-VER", "1\n2"}, "ERR LIB-VER cannot contain spaces, newlines or special characters."},
				{[]any{"lib-color", "red"}, "ERR Unrecognized option 'lib-color'"},
				{[]any{"lib-name"}, "ERR wrong number of arguments for 'client|setinfo' command"},
			}
			for _, e := range errs {
				err := conn.Do(ctx, append([]any{"CLIENT", "SETINFO"}, e.args...)...).Err()
				assert.EqualError(t, err, e.want, "%v", e.args)
			}
			require.NoError(t, conn.Do(ctx, "CLIENT", "SETINFO", "lib-name", "").Err())
			info, err := conn.ClientInfo(ctx).Result()
			require.NoError(t, err)
			assert.Equal(t, "", info.LibName, "an empty value clears it")
			assert.Equal(t, "1.2.3", info.LibVer)
		})
	}
}

func TestClientKill(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	killer := s.Client(t, 3).Conn()
	defer killer.Close()
	rawID := func(r *rawConn) int64 {
		r.send("CLIENT ID\r\n")
		id, err := strconv.ParseInt(strings.TrimSpace(r.line()[1:]), 10, 64)
		require.NoError(t, err)
		return id
	}

	t.Run("by id", func(t *testing.T) {
		victim := dialRaw(t, s.Addr)
		id := rawID(victim)
		n, err := killer.ClientKillByFilter(ctx, "ID", strconv.FormatInt(id, 10)).Result()
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		assert.True(t, victim.closed(), "the killed connection is closed")
		listed, err := killer.Do(ctx, "CLIENT", "LIST", "ID", id).Text()
		require.NoError(t, err)
		assert.Equal(t, "", listed, "a killed client is gone from the list at once")
		n, err = killer.ClientKillByFilter(ctx, "ID", strconv.FormatInt(id, 10)).Result()
		require.NoError(t, err)
		assert.Zero(t, n)
	})
	t.Run("old form by address", func(t *testing.T) {
		victim := dialRaw(t, s.Addr)
		rawID(victim)
		addr := victim.c.LocalAddr().String()
		require.NoError(t, killer.ClientKill(ctx, addr).Err())
		assert.True(t, victim.closed())
		assert.EqualError(t, killer.ClientKill(ctx, addr).Err(), "ERR No such client")
	})
	t.Run("skipme", func(t *testing.T) {
		self := dialRaw(t, s.Addr)
		id := rawID(self)
		self.send(fmt.Sprintf("CLIENT KILL ID %d\r\n", id))
		assert.Equal(t, ":0\r\n", self.line(), "SKIPME defaults to yes")
		self.send(fmt.Sprintf("CLIENT KILL ID %d SKIPME no\r\n", id))
		assert.Equal(t, ":1\r\n", self.line(), "the reply comes before the close")
		assert.True(t, self.closed())
	})
	t.Run("filters combine", func(t *testing.T) {
		a, b := dialRaw(t, s.Addr), dialRaw(t, s.Addr)
		rawID(a)
		idB := rawID(b)
		n, err := killer.Do(ctx, "CLIENT", "KILL", "ADDR", a.c.LocalAddr().String(), "ID", idB).Int()
		require.NoError(t, err)
		assert.Zero(t, n, "no client has both a's address and b's id")
		n, err = killer.Do(ctx, "CLIENT", "KILL", "LADDR", s.Addr, "USER", "default",
			"TYPE", "normal", "ADDR", a.c.LocalAddr().String()).Int()
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		assert.True(t, a.closed())
		n, err = killer.Do(ctx, "CLIENT", "KILL", "TYPE", "master").Int()
		require.NoError(t, err)
		assert.Zero(t, n)
		b.send("PING\r\n")
		assert.Equal(t, "+PONG\r\n", b.line(), "b survived")
	})
	t.Run("errors", func(t *testing.T) {
		runExchanges(t, s.Addr, []exchange{
			{"CLIENT KILL", "-ERR wrong number of arguments for 'client|kill' command\r\n"},
			{"CLIENT KILL ID", "-ERR No such client\r\n"},
			{"CLIENT KILL ID 0", "-ERR client-id should be greater than 0\r\n"},
			{"CLIENT KILL ID x", "-ERR client-id should be greater than 0\r\n"},
			{"CLIENT KILL ID 5 SKIPME", "-ERR syntax error\r\n"},
			{"CLIENT KILL SKIPME maybe", "-ERR syntax error\r\n"},
			{"CLIENT KILL TYPE foo", "-ERR Unknown client type 'foo'\r\n"},
			{"CLIENT KILL USER bob", "-ERR No such user 'bob'\r\n"},
			{"CLIENT KILL MAXAGE 0", "-ERR maxage should be greater than 0\r\n"},
			{"CLIENT KILL MAXAGE x", "-ERR maxage is not an integer or out of range\r\n"},
			{"CLIENT KILL FOO bar", "-ERR syntax error\r\n"},
			{"CLIENT KILL MAXAGE 1000000", ":0\r\n"},
		})
	})
}

func TestClientOtherSubcommands(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	runExchanges(t, s.Addr, []exchange{
		{"CLIENT", "-ERR wrong number of arguments for 'client' command\r\n"},
		{"CLIENT FOO", "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n"},
		{"CLIENT ID x", "-ERR wrong number of arguments for 'client|id' command\r\n"},
		{"CLIENT GETNAME x", "-ERR wrong number of arguments for 'client|getname' command\r\n"},
		{"CLIENT SETNAME", "-ERR wrong number of arguments for 'client|setname' command\r\n"},
		{"CLIENT NO-EVICT on", "+OK\r\n"},
		{"CLIENT NO-EVICT OFF", "+OK\r\n"},
		{"CLIENT NO-EVICT maybe", "-ERR syntax error\r\n"},
		{"CLIENT NO-TOUCH on", "+OK\r\n"},
		{"CLIENT NO-TOUCH x", "-ERR syntax error\r\n"},
		{"CLIENT LIST TYPE foo", "-ERR Unknown client type 'foo'\r\n"},
		{"CLIENT LIST ID x", "-ERR Invalid client ID\r\n"},
		{"CLIENT LIST foo", "-ERR syntax error\r\n"},
		{"CLIENT LIST TYPE normal ID", "-ERR syntax error\r\n"},
		{"CLIENT GETNAME", "$-1\r\n"},
	})
	rdb := s.Client(t, 2)
	help, err := rdb.Do(t.Context(), "CLIENT", "HELP").StringSlice()
	require.NoError(t, err)
	require.NotEmpty(t, help)
	assert.Equal(t, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
	for _, sub := range []string{"GETNAME", "ID", "INFO", "KILL <ip:port>", "LIST", "SETINFO", "SETNAME <name>", "HELP"} {
		assert.True(t, slicesHasPrefix(help, sub), "HELP mentions %s", sub)
	}
}

func slicesHasPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// TestClientListWhileClientsChange lists clients while others rename themselves, switch
// databases and come and go: run with -race, it checks CLIENT LIST reads other
// connections' state only in the allowed ways.
func TestClientListWhileClientsChange(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rdb := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2 + w%2, PoolSize: 1})
			defer rdb.Close()
			for i := range 50 {
				conn := rdb.Conn()
				conn.ClientSetName(ctx, fmt.Sprintf("w%d-%d", w, i))
				conn.Select(ctx, i%16)
				conn.Do(ctx, "CLIENT", "SETINFO", "LIB-VER", strconv.Itoa(i))
				conn.Close()
			}
		}()
	}
	rdb := s.Client(t, 2)
	for range 100 {
		list, err := rdb.ClientList(ctx).Result()
		require.NoError(t, err)
		parseClientList(t, list)
	}
	wg.Wait()
}
