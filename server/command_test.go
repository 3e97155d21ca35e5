package server_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"darner/server"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// commandInfoGet is COMMAND INFO GET in RESP3 as redis-server 7.0 answers it, but for the key
// specification's flags: Redis says RO and access, darner's table knows only RO/RW.
const commandInfoGet = "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n" +
	"~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n" +
	"~1\r\n%3\r\n$5\r\nflags\r\n~1\r\n+RO\r\n" +
	"$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n" +
	"$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n" +
	"$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"

// toRESP2 rewrites a RESP3 reply's set and map headers as RESP2 arrays (it assumes no bulk
// string body starts with '~' or '%').
func toRESP2(resp3 string) string {
	lines := strings.SplitAfter(resp3, "\r\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "~"):
			lines[i] = "*" + l[1:]
		case strings.HasPrefix(l, "%"):
			n, _ := strconv.Atoi(strings.TrimSpace(l[1:]))
			lines[i] = "*" + strconv.Itoa(2*n) + "\r\n"
		}
	}
	return strings.Join(lines, "")
}

func TestCommandInfoWire(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := dialRaw(t, s.Addr)
	r.send("COMMAND INFO get\r\n")
	assert.Equal(t, toRESP2(commandInfoGet), wholeReply(t, r))
	r.send("COMMAND INFO nosuch\r\n")
	assert.Equal(t, "*1\r\n$-1\r\n", wholeReply(t, r))
	r.send("HELLO 3\r\n")
	wholeReply(t, r)
	r.send("COMMAND INFO GET\r\n")
	assert.Equal(t, commandInfoGet, wholeReply(t, r))
	r.send("COMMAND INFO nosuch\r\n")
	assert.Equal(t, "*1\r\n_\r\n", wholeReply(t, r))
}

func TestCommandCount(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		n, err := s.Client(t, proto).Do(t.Context(), "COMMAND", "COUNT").Int()
		require.NoError(t, err)
		assert.Equal(t, len(s.Srv.Table().Names()), n)
	}
}

// probeCommands are the commands clients look up with COMMAND INFO (redis-om checks
// json.set before every query); the test covers those the table has today.
var probeCommands = []string{"get", "set", "hset", "json.set", "ft.search"}

func TestCommandInfoGoRedis(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		all, err := rdb.Command(t.Context()).Result()
		require.NoError(t, err, "go-redis parses every entry (6, 7 or 10 elements)")
		assert.Len(t, all, len(s.Srv.Table().Names()))

		// go-redis' parser fails on a nil entry, so ask only for the commands that exist.
		args := []any{"COMMAND", "INFO"}
		for _, name := range probeCommands {
			if s.Srv.Table().Lookup([]byte(name)) != nil {
				args = append(args, name)
			}
		}
		cmd := redis.NewCommandsInfoCmd(t.Context(), args...)
		require.NoError(t, rdb.Process(t.Context(), cmd))
		require.Len(t, cmd.Val(), len(args)-2)
		for _, name := range args[2:] {
			name := name.(string)
			want := s.Srv.Table().Lookup([]byte(name))
			got := all[name]
			require.NotNil(t, got, name)
			assert.Equal(t, got, cmd.Val()[name], name)
			assert.Equal(t, want.Arity, int(got.Arity), name)
			assert.Equal(t, want.First, int(got.FirstKeyPos), name)
			assert.Equal(t, want.Last, int(got.LastKeyPos), name)
			assert.Equal(t, want.Step, int(got.StepCount), name)
			assert.Equal(t, want.Flags&server.FlagReadonly != 0, got.ReadOnly, name)
			assert.Equal(t, want.Flags&server.FlagWrite != 0, slices.Contains(got.Flags, "write"), name)
			assert.Equal(t, want.Flags&server.FlagWrite != 0, slices.Contains(got.ACLFlags, "@write"), name)
		}
		assert.Equal(t, []string{"@read", "@string", "@fast"}, all["get"].ACLFlags)
		assert.Equal(t, []string{"@write", "@string", "@slow"}, all["set"].ACLFlags)
	}
}

// TestCommandInfoEntries checks every entry the way redis-py's parser needs it: ten
// elements, the name first, and subcommands as entries of their own.
func TestCommandInfoEntries(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	names := append([]any{"COMMAND", "INFO"}, anySlice(s.Srv.Table().Names())...)
	names = append(names, "config|get", "nosuch")
	for _, proto := range servertest.Protocols {
		v, err := s.Client(t, proto).Do(t.Context(), names...).Slice()
		require.NoError(t, err)
		require.Len(t, v, len(names)-2)
		for i, e := range v[:len(v)-1] {
			checkInfoEntry(t, names[i+2].(string), e)
		}
		assert.Nil(t, v[len(v)-1], "nil for an unknown command")

		v, err = s.Client(t, proto).Do(t.Context(), "COMMAND", "INFO", "config").Slice()
		require.NoError(t, err)
		subs := v[0].([]any)[9].([]any)
		assert.Len(t, subs, 4)
		var subNames []string
		for _, sub := range subs {
			subNames = append(subNames, sub.([]any)[0].(string))
		}
		assert.ElementsMatch(t, []string{"config|get", "config|set", "config|resetstat", "config|help"}, subNames)
	}
}

func checkInfoEntry(t *testing.T, name string, e any) {
	t.Helper()
	entry, ok := e.([]any)
	require.True(t, ok, "%s: %T", name, e)
	require.Len(t, entry, 10, name)
	assert.Equal(t, name, entry[0])
	for _, i := range []int{1, 3, 4, 5} {
		assert.IsType(t, int64(0), entry[i], "%s element %d", name, i)
	}
	for _, i := range []int{2, 6, 7, 8, 9} {
		assert.IsType(t, []any{}, entry[i], "%s element %d", name, i)
	}
	for _, sub := range entry[9].([]any) {
		checkInfoEntry(t, sub.([]any)[0].(string), sub)
	}
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// pairs turns a RESP3 map or a RESP2 flat array into a map.
func pairs(t *testing.T, v any) map[string]any {
	t.Helper()
	out := map[string]any{}
	switch v := v.(type) {
	case map[any]any:
		for k, val := range v {
			out[k.(string)] = val
		}
	case []any:
		require.Zero(t, len(v)%2)
		for i := 0; i < len(v); i += 2 {
			out[v[i].(string)] = v[i+1]
		}
	default:
		t.Fatalf("not a map: %T", v)
	}
	return out
}

func TestCommandDocs(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		v, err := rdb.Do(t.Context(), "COMMAND", "DOCS", "get", "nosuch", "CONFIG").Result()
		require.NoError(t, err)
		docs := pairs(t, v)
		require.Len(t, docs, 2, "unknown names are left out")
		get := pairs(t, docs["get"])
		assert.Equal(t, map[string]any{"summary": "Returns the string value of a key.", "since": "1.0.0",
			"group": "string"}, get)
		cfg := pairs(t, docs["config"])
		assert.Equal(t, "server", cfg["group"])
		subs := pairs(t, cfg["subcommands"])
		require.Len(t, subs, 4)
		assert.Equal(t, "2.0.0", pairs(t, subs["config|get"])["since"])

		v, err = rdb.Do(t.Context(), "COMMAND", "DOCS").Result()
		require.NoError(t, err)
		assert.Len(t, pairs(t, v), len(s.Srv.Table().Names()))
	}
}

func TestCommandList(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 3)
	ctx := t.Context()
	all, err := rdb.CommandList(ctx, nil).Result()
	require.NoError(t, err)
	want := 0
	for _, c := range s.Srv.Table().Commands() {
		want += 1 + len(c.Subcommands)
	}
	assert.Len(t, all, want)
	assert.Contains(t, all, "config|get")

	got, err := rdb.CommandList(ctx, &redis.FilterBy{Pattern: "CONFIG*"}).Result()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"config", "config|get", "config|set", "config|resetstat", "config|help"}, got)

	got, err = rdb.CommandList(ctx, &redis.FilterBy{ACLCat: "admin"}).Result()
	require.NoError(t, err)
	assert.Contains(t, got, "shutdown")
	assert.Contains(t, got, "config|set")
	assert.NotContains(t, got, "get")

	got, err = rdb.CommandList(ctx, &redis.FilterBy{Module: "ReJSON"}).Result()
	require.NoError(t, err)
	for _, name := range got {
		assert.True(t, strings.HasPrefix(name, "json."), name)
	}
	got, err = rdb.CommandList(ctx, &redis.FilterBy{Module: "nosuch"}).Result()
	require.NoError(t, err)
	assert.Empty(t, got)

	runExchanges(t, s.Addr, []exchange{
		{"COMMAND LIST FILTERBY color red", "-ERR syntax error\r\n"},
		{"COMMAND LIST FILTERBY", "-ERR syntax error\r\n"},
		{"COMMAND LIST FILTERBY pattern sh*", "*1\r\n$8\r\nshutdown\r\n"},
	})
}

func TestCommandGetKeys(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		ctx := t.Context()
		keys, err := rdb.CommandGetKeys(ctx, "SET", "a", "b").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"a"}, keys)
		keys, err = rdb.CommandGetKeys(ctx, "del", "a", "b", "c").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b", "c"}, keys)
		kf, err := rdb.CommandGetKeysAndFlags(ctx, "del", "a", "b").Result()
		require.NoError(t, err)
		require.Len(t, kf, 2)
		assert.Equal(t, "b", kf[1].Key)
		assert.Equal(t, []string{"RW"}, kf[1].Flags)
	}
	runExchanges(t, s.Addr, []exchange{
		{"COMMAND GETKEYS nosuch a", "-ERR Invalid command specified\r\n"},
		{"COMMAND GETKEYS ping", "-ERR The command has no key arguments\r\n"},
		{"COMMAND GETKEYS get", "-ERR Invalid number of arguments specified for command\r\n"},
		{"COMMAND GETKEYS", "-ERR wrong number of arguments for 'command|getkeys' command\r\n"},
		{"COMMAND GETKEYS config get x", "-ERR The command has no key arguments\r\n"},
	})
}

func TestCommandHelp(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	lines, err := s.Client(t, 2).Do(t.Context(), "COMMAND", "HELP").StringSlice()
	require.NoError(t, err)
	assert.Contains(t, lines[0], "COMMAND <subcommand>")
	assert.Contains(t, lines, "COUNT")
}
