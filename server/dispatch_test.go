package server_test

import (
	"testing"

	"darner/server"
	"darner/server/servertest"

	"github.com/stretchr/testify/assert"
)

// Script lines: command sent inline, then the exact reply expected.
type exchange struct{ send, want string }

func runExchanges(t *testing.T, addr string, ex []exchange) {
	t.Helper()
	r := dialRaw(t, addr)
	for _, e := range ex {
		r.send(e.send + "\r\n")
		got := ""
		for len(got) < len(e.want) {
			got += r.line()
		}
		assert.Equal(t, e.want, got, e.send)
	}
}

func TestCentralChecks(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	runExchanges(t, s.Addr, []exchange{
		{"NOSUCH a b", "-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' \r\n"},
		{"nosuch", "-ERR unknown command 'nosuch', with args beginning with: \r\n"},
		{"GET", "-ERR wrong number of arguments for 'get' command\r\n"},
		{"gEt a b", "-ERR wrong number of arguments for 'get' command\r\n"},
		{"ping a b", "-ERR wrong number of arguments for 'ping' command\r\n"},
		{"SELECT 16", "-ERR DB index is out of range\r\n"},
		{"SELECT x", "-ERR value is not an integer or out of range\r\n"},
		{"SELECT 4294967296", "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n"},
		{"SELECT 15", "+OK\r\n"},
		{"HELLO 4", "-NOPROTO unsupported protocol version\r\n"},
		{"ECHO hi", "$2\r\nhi\r\n"},
	})
}

func TestPanicInHandlerIsRecovered(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	server.AddCommandForTest(s.Srv, &server.Command{Name: "boom", Arity: 1, Handler: func(c *server.Ctx) {
		c.W.Array(2)
		c.W.Int(1)
		panic("kaboom")
	}})
	runExchanges(t, s.Addr, []exchange{
		{"SET k v", "+OK\r\n"},
		{"BOOM", "-ERR internal error in 'boom': kaboom\r\n"},
		{"GET k", "$1\r\nv\r\n"},
		{"MULTI", "+OK\r\n"},
		{"BOOM", "+QUEUED\r\n"},
		{"GET k", "+QUEUED\r\n"},
		{"EXEC", "*2\r\n-ERR internal error in 'boom': kaboom\r\n$1\r\nv\r\n"},
	})
}

func TestAuth(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.RequirePass = "sekret" }})
	runExchanges(t, s.Addr, []exchange{
		{"GET k", "-NOAUTH Authentication required.\r\n"},
		{"NOSUCH", "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
		{"AUTH wrong", "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{"AUTH other sekret", "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
		{"AUTH sekret", "+OK\r\n"},
		{"GET k", "$-1\r\n"},
		{"RESET", "+RESET\r\n"},
		{"GET k", "-NOAUTH Authentication required.\r\n"},
		{"HELLO 3 AUTH default sekret", "%7\r\n"},
	})
	for _, proto := range servertest.Protocols {
		c := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.RequirePass = "pw" }})
		rdb := c.Client(t, proto)
		assert.ErrorContains(t, rdb.Ping(t.Context()).Err(), "NOAUTH")
	}
}

func TestAuthWithoutPassword(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	runExchanges(t, s.Addr, []exchange{
		{"AUTH x", "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n"},
		{"AUTH default anything", "+OK\r\n"},
	})
}

func TestHello(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		m, err := rdb.Do(t.Context(), "HELLO", proto).Result()
		assert.NoError(t, err)
		var fields map[any]any
		switch v := m.(type) {
		case map[any]any:
			fields = v
		case []any:
			fields = map[any]any{}
			for i := 0; i+1 < len(v); i += 2 {
				fields[v[i]] = v[i+1]
			}
		}
		assert.Equal(t, int64(proto), fields["proto"])
		assert.Equal(t, server.Version, fields["version"])
		assert.Equal(t, "redis", fields["server"])
		assert.Equal(t, "standalone", fields["mode"])
		assert.Equal(t, "master", fields["role"])
		assert.NotEmpty(t, fields["modules"])
	}
}
