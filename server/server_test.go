package server_test

import (
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"darner/engine"
	"darner/server"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wholeReply reads one complete RESP2/RESP3 reply from r and returns its exact bytes.
func wholeReply(t testing.TB, r *rawConn) string {
	t.Helper()
	head := r.line()
	n, _ := strconv.Atoi(strings.TrimSpace(head[1:]))
	switch head[0] {
	case '$', '=', '!':
		if n < 0 {
			return head
		}
		body := make([]byte, n+2)
		_, err := io.ReadFull(r.rd, body)
		require.NoError(t, err)
		return head + string(body)
	case '*', '~', '>':
		for range max(n, 0) {
			head += wholeReply(t, r)
		}
	case '%', '|':
		for range 2 * n {
			head += wholeReply(t, r)
		}
	}
	return head
}

// infoSections parses INFO's text into section title → field → value, checking the
// format on the way: CRLF line ends, "# Title" headers, "key:value" lines, one blank line
// between sections.
func parseInfo(t testing.TB, text string) (map[string]map[string]string, []string) {
	t.Helper()
	require.True(t, strings.HasSuffix(text, "\r\n"), "INFO ends with CRLF")
	out := map[string]map[string]string{}
	var order []string
	var cur map[string]string
	lines := strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
	for i, l := range lines {
		require.NotContains(t, l, "\n", "bare LF in INFO line %q", l)
		switch {
		case strings.HasPrefix(l, "# "):
			require.True(t, i == 0 || lines[i-1] == "", "section %q not preceded by a blank line", l)
			cur = map[string]string{}
			out[l[2:]] = cur
			order = append(order, l[2:])
		case l == "":
			require.True(t, i+1 < len(lines) && strings.HasPrefix(lines[i+1], "# "), "blank line not before a section")
		default:
			k, v, ok := strings.Cut(l, ":")
			require.True(t, ok && cur != nil, "line %q is not key:value inside a section", l)
			cur[k] = v
		}
	}
	return out, order
}

var allInfoSections = []string{"Server", "Clients", "Memory", "Persistence", "Stats", "Replication",
	"CPU", "Modules", "Cluster", "Keyspace"}

func TestInfoSections(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	_, port, _ := net.SplitHostPort(s.Addr)
	for _, proto := range servertest.Protocols {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			rdb := s.Client(t, proto)
			ctx := t.Context()
			require.NoError(t, rdb.FlushAll(ctx).Err())
			require.NoError(t, rdb.Set(ctx, "a", "1", 0).Err())
			require.NoError(t, rdb.Set(ctx, "b", strings.Repeat("x", 1000), 0).Err())
			r := dialRaw(t, s.Addr)
			r.send("SELECT 3\r\nSET c 1\r\n")
			require.Equal(t, "+OK\r\n", r.line())
			require.Equal(t, "+OK\r\n", r.line())

			text, err := rdb.Info(ctx).Result()
			require.NoError(t, err)
			info, order := parseInfo(t, text)
			assert.Equal(t, allInfoSections, order)

			srv := info["Server"]
			assert.Equal(t, server.Version, srv["redis_version"])
			assert.Equal(t, "7.4.0", srv["redis_version"])
			assert.Equal(t, "standalone", srv["redis_mode"])
			assert.Equal(t, "64", srv["arch_bits"])
			assert.Equal(t, strconv.Itoa(os.Getpid()), srv["process_id"])
			assert.Equal(t, port, srv["tcp_port"])
			assert.Equal(t, "4", srv["darner_shards"])
			assert.NotEmpty(t, srv["darner_version"])
			assert.NotEmpty(t, srv["os"])
			assert.NotEmpty(t, srv["executable"])
			assert.Len(t, srv["run_id"], 40)
			assert.Contains(t, srv, "config_file")
			for _, k := range []string{"uptime_in_seconds", "uptime_in_days"} {
				_, err := strconv.Atoi(srv[k])
				assert.NoError(t, err, k)
			}

			cl := info["Clients"]
			assert.Equal(t, "10000", cl["maxclients"])
			assert.Equal(t, "0", cl["blocked_clients"])
			n, _ := strconv.Atoi(cl["connected_clients"])
			assert.GreaterOrEqual(t, n, 2)

			mem := info["Memory"]
			used, err := strconv.ParseInt(mem["used_memory"], 10, 64)
			require.NoError(t, err)
			assert.Greater(t, used, int64(1000), "a 1000-byte value is accounted")
			var perShard int64
			for i := range 4 {
				v, err := strconv.ParseInt(mem["shard_"+strconv.Itoa(i)+"_used_memory"], 10, 64)
				require.NoError(t, err)
				perShard += v
			}
			assert.Equal(t, used, perShard)
			assert.NotEmpty(t, mem["used_memory_human"])
			assert.NotEmpty(t, mem["used_memory_rss"])
			peak, _ := strconv.ParseInt(mem["used_memory_peak"], 10, 64)
			assert.GreaterOrEqual(t, peak, used)
			assert.Equal(t, "0", mem["maxmemory"])
			assert.Equal(t, "go", mem["mem_allocator"])
			assert.NotEmpty(t, mem["go_heap_alloc"])

			assert.Equal(t, "0", info["Persistence"]["loading"])
			changes, err := strconv.ParseInt(info["Persistence"]["rdb_changes_since_last_save"], 10, 64)
			require.NoError(t, err)
			assert.Positive(t, changes, "the test's writes, never saved")
			assert.Equal(t, "0", info["Persistence"]["aof_enabled"])

			st := info["Stats"]
			for _, k := range []string{"total_connections_received", "total_commands_processed",
				"rejected_connections", "expired_keys", "keyspace_hits", "keyspace_misses"} {
				_, err := strconv.ParseInt(st[k], 10, 64)
				assert.NoError(t, err, k)
			}
			assert.Equal(t, "master", info["Replication"]["role"])
			assert.Equal(t, "0", info["Replication"]["connected_slaves"])
			_, err = strconv.ParseFloat(info["CPU"]["used_cpu_user"], 64)
			assert.NoError(t, err)
			// One "module:" line per module; the parsed map keeps the last.
			assert.Equal(t, "name=search,ver=80200,api=1,filters=0,usedby=[],using=[],options=[]", info["Modules"]["module"])
			assert.Equal(t, "0", info["Cluster"]["cluster_enabled"])
			assert.Equal(t, map[string]string{
				"db0": "keys=2,expires=0,avg_ttl=0",
				"db3": "keys=1,expires=0,avg_ttl=0",
			}, info["Keyspace"])
		})
	}
}

func TestInfoSectionSelection(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	cases := []struct {
		args []string
		want []string
	}{
		{nil, allInfoSections},
		{[]string{"default"}, allInfoSections},
		{[]string{"all"}, allInfoSections},
		{[]string{"everything"}, allInfoSections},
		{[]string{"server"}, []string{"Server"}},
		{[]string{"KEYSPACE", "server"}, []string{"Server", "Keyspace"}},
		{[]string{"modules", "nosuch", "cpu"}, []string{"CPU", "Modules"}},
		{[]string{"persistence"}, []string{"Persistence"}},
	}
	for _, c := range cases {
		text, err := rdb.Info(t.Context(), c.args...).Result()
		require.NoError(t, err, c.args)
		_, order := parseInfo(t, text)
		assert.Equal(t, c.want, order, c.args)
	}
	text, err := rdb.Info(t.Context(), "nosuch").Result()
	require.NoError(t, err)
	assert.Empty(t, text)
}

func TestInfoWireShape(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := dialRaw(t, s.Addr)
	r.send("INFO cluster\r\n")
	assert.Equal(t, "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n", wholeReply(t, r))
	r.send("HELLO 3\r\n")
	wholeReply(t, r)
	r.send("INFO cluster\r\n")
	assert.Equal(t, "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n", wholeReply(t, r))
}

func TestInfoInsideExec(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	r := dialRaw(t, s.Addr)
	r.send("MULTI\r\nSET k v\r\nINFO cluster\r\nINFO keyspace\r\nEXEC\r\n")
	assert.Equal(t, "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n", r.line()+r.line()+r.line()+r.line())
	assert.Equal(t, "*3\r\n+OK\r\n$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n"+
		"$44\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n", wholeReply(t, r),
		"INFO inside EXEC sees the transaction's own write")
	r.send("GET k\r\n")
	assert.Equal(t, "$1\r\nv\r\n", wholeReply(t, r), "the shard locks were released")
}

func TestDBSizeAndFlush(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 8})
	runExchanges(t, s.Addr, []exchange{
		{"DBSIZE", ":0\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"SET b 1", "+OK\r\n"},
		{"SET {b}c 1", "+OK\r\n"},
		{"DBSIZE", ":3\r\n"},
		{"DBSIZE x", "-ERR wrong number of arguments for 'dbsize' command\r\n"},
		{"SELECT 5", "+OK\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"DBSIZE", ":1\r\n"},
		{"FLUSHDB", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"SELECT 0", "+OK\r\n"},
		{"DBSIZE", ":3\r\n"},
		{"FLUSHDB bogus", "-ERR syntax error\r\n"},
		{"FLUSHALL bogus", "-ERR syntax error\r\n"},
		{"FLUSHALL SYNC now", "-ERR syntax error\r\n"},
		{"DBSIZE", ":3\r\n"},
		{"FLUSHALL async", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SELECT 5", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"FLUSHDB SYNC", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
	})
	for _, st := range s.Store.Stats(nil) {
		assert.Zero(t, st.UsedBytes, "flushing gives the memory back to the accounting")
	}
}

func TestFlushAllInsideExec(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	runExchanges(t, s.Addr, []exchange{
		{"SET a 1", "+OK\r\n"},
		{"SELECT 1", "+OK\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"MULTI", "+OK\r\n"},
		{"FLUSHALL", "+QUEUED\r\n"},
		{"DBSIZE", "+QUEUED\r\n"},
		{"EXEC", "*2\r\n+OK\r\n:0\r\n"},
		{"SELECT 0", "+OK\r\n"},
		{"DBSIZE", ":0\r\n"},
	})
}

func TestTime(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		before := time.Now().Truncate(time.Microsecond)
		got, err := rdb.Time(t.Context()).Result()
		require.NoError(t, err)
		assert.WithinRange(t, got, before, time.Now())
		raw, err := rdb.Do(t.Context(), "TIME").StringSlice()
		require.NoError(t, err)
		require.Len(t, raw, 2)
		usec, err := strconv.Atoi(raw[1])
		require.NoError(t, err)
		assert.Less(t, usec, 1000000)
	}
}

func configGetAll(t *testing.T, rdb *redis.Client, patterns ...any) map[string]string {
	t.Helper()
	v, err := rdb.Do(t.Context(), append([]any{"CONFIG", "GET"}, patterns...)...).Result()
	require.NoError(t, err)
	out := map[string]string{}
	switch v := v.(type) {
	case map[any]any: // RESP3
		for k, val := range v {
			out[k.(string)] = val.(string)
		}
	case []any: // RESP2: a flat array
		require.Zero(t, len(v)%2)
		for i := 0; i < len(v); i += 2 {
			_, dup := out[v[i].(string)]
			require.False(t, dup, "parameter %v listed twice", v[i])
			out[v[i].(string)] = v[i+1].(string)
		}
	default:
		t.Fatalf("CONFIG GET answered %T", v)
	}
	return out
}

func TestConfigGet(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	_, port, _ := net.SplitHostPort(s.Addr)
	wd, _ := os.Getwd()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		got, err := rdb.ConfigGet(t.Context(), "maxclients").Result()
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"maxclients": "10000"}, got)

		assert.Equal(t, map[string]string{
			"bind": "127.0.0.1", "port": port, "requirepass": "", "databases": "16",
			"save": "", "appendonly": "no", "dir": wd, "loglevel": "notice",
			"proto-max-bulk-len": "536870912", "client-query-buffer-limit": "1073741824",
		}, configGetAll(t, rdb, "bind", "port", "requirepass", "databases", "save", "appendonly", "dir",
			"LogLevel", "proto-max-bulk-len", "client-query-buffer-limit"))

		assert.Equal(t, map[string]string{
			"hash-max-listpack-entries": "512", "hash-max-listpack-value": "64",
			"hash-max-ziplist-entries": "512", "hash-max-ziplist-value": "64",
			"maxclients": "10000", "search-max-search-results": "1000000",
			"search-max-aggregate-results": "unlimited",
		}, configGetAll(t, rdb, "hash-max-*", "*max*s", "maxclients", "hash-max-listpack-[ev]*"),
			"each match once, however many patterns match it")
		assert.Empty(t, configGetAll(t, rdb, "nosuch*"))
		all := configGetAll(t, rdb, "*")
		assert.Len(t, all, 31, "23 of the server, 8 of search")
	}
	runExchanges(t, s.Addr, []exchange{
		{"CONFIG GET", "-ERR wrong number of arguments for 'config|get' command\r\n"},
		{"CONFIG", "-ERR wrong number of arguments for 'config' command\r\n"},
		{"CONFIG NOSUCH", "-ERR unknown subcommand 'NOSUCH'. Try CONFIG HELP.\r\n"},
	})
	r := dialRaw(t, s.Addr)
	r.send("HELLO 3\r\n")
	wholeReply(t, r)
	r.send("CONFIG GET databases\r\n")
	assert.Equal(t, "%1\r\n$9\r\ndatabases\r\n$2\r\n16\r\n", wholeReply(t, r))
}

func TestConfigSet(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 3)
	ctx := t.Context()
	entries, value := engine.HashListpackEntries(), engine.HashListpackValue()
	t.Cleanup(func() { // the limits are the process's: later tests see what this one leaves
		engine.SetHashListpackEntries(entries)
		engine.SetHashListpackValue(value)
	})
	set := func(args ...any) error {
		return rdb.Do(ctx, append([]any{"CONFIG", "SET"}, args...)...).Err()
	}
	require.NoError(t, set("maxclients", "50", "hash-max-listpack-entries", "10", "proto-max-bulk-len", "2mb",
		"LOGLEVEL", "WARNING", "hash-max-ziplist-value", "1kb", "client-query-buffer-limit", "4194304"))
	assert.Equal(t, map[string]string{
		"maxclients": "50", "hash-max-listpack-entries": "10", "proto-max-bulk-len": "2097152",
		"loglevel": "warning", "hash-max-listpack-value": "1024", "client-query-buffer-limit": "4194304",
	}, configGetAll(t, rdb, "maxclients", "hash-max-listpack-*", "proto-max-bulk-len", "loglevel", "client-query-buffer-limit"))
	assert.Equal(t, 10, engine.HashListpackEntries())
	assert.Equal(t, 1024, engine.HashListpackValue())

	refused := []struct {
		args []any
		err  string
	}{
		{[]any{"maxclients", "60", "nosuch", "1"}, "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"},
		{[]any{"maxclients", "60", "maxclients", "61"}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - duplicate parameter"},
		{[]any{"hash-max-listpack-entries", "5", "hash-max-ziplist-entries", "6"}, "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - duplicate parameter"},
		{[]any{"maxclients", "60", "maxclients"}, "ERR wrong number of arguments for 'config|set' command"},
		{[]any{"hash-max-listpack-entries", "5", "maxclients", "0"}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"},
		{[]any{"maxclients", "abc"}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer"},
		{[]any{"hash-max-listpack-entries", "-1"}, "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument must be between 0 and 9223372036854775807 inclusive"},
		{[]any{"proto-max-bulk-len", "1.5mb"}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value"},
		{[]any{"proto-max-bulk-len", "-1"}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value"},
		{[]any{"proto-max-bulk-len", "1000"}, "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"},
		{[]any{"loglevel", "loud"}, "ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning, nothing"},
		{[]any{"databases", "3"}, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"},
		{[]any{"port", "1"}, "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config"},
		{[]any{"appendonly", "maybe"}, "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"},
		{[]any{"appendfsync", "sometimes"}, "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: always, everysec, no"},
		{[]any{"appenddirname", "x"}, "ERR CONFIG SET failed (possibly related to argument 'appenddirname') - can't set protected config"},
		{[]any{"dir", "/tmp"}, "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"},
	}
	for _, c := range refused {
		err := set(c.args...)
		require.Error(t, err, c.args)
		assert.Equal(t, c.err, err.Error(), c.args)
	}
	assert.Equal(t, map[string]string{"maxclients": "50", "hash-max-listpack-entries": "10"},
		configGetAll(t, rdb, "maxclients", "hash-max-listpack-entries"), "a refused SET changes nothing")
	assert.Equal(t, 10, engine.HashListpackEntries())
}

func TestConfigSetProtoMaxBulkLenApplies(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.ConfigSet(t.Context(), "proto-max-bulk-len", "1mb").Err())
	r := dialRaw(t, s.Addr)
	r.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n")
	assert.Equal(t, "-ERR Protocol error: invalid bulk length\r\n", r.line())
}

func TestConfigMaxClients(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		ctx := t.Context()
		require.NoError(t, rdb.ConfigSet(ctx, "maxclients", "1").Err())
		r := dialRaw(t, s.Addr)
		assert.Equal(t, "-ERR max number of clients reached\r\n", r.line())
		assert.True(t, r.closed())
		info, _ := parseInfo(t, rdb.Info(ctx, "stats").Val())
		assert.NotEqual(t, "0", info["Stats"]["rejected_connections"])
		require.NoError(t, rdb.ConfigSet(ctx, "maxclients", "10000").Err())
		runExchanges(t, s.Addr, []exchange{{"PING", "+PONG\r\n"}})
		require.NoError(t, rdb.Close())
	}
}

func TestConfigRequirePass(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		ctx := t.Context()
		require.NoError(t, rdb.ConfigSet(ctx, "requirepass", "sekret").Err())
		require.NoError(t, rdb.Ping(ctx).Err(), "the connection that set the password stays in")
		runExchanges(t, s.Addr, []exchange{
			{"PING", "-NOAUTH Authentication required.\r\n"},
			{"AUTH wrong", "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
			{"AUTH sekret", "+OK\r\n"},
			{"PING", "+PONG\r\n"},
		})
		other := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: proto, Password: "sekret"})
		require.NoError(t, other.Ping(ctx).Err())
		require.NoError(t, other.Close())
		require.NoError(t, rdb.ConfigSet(ctx, "requirepass", "").Err())
		runExchanges(t, s.Addr, []exchange{{"PING", "+PONG\r\n"}})
	}
}

func TestConfigResetStat(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	for range 5 {
		require.NoError(t, rdb.Ping(ctx).Err())
	}
	stats := func() map[string]string {
		info, _ := parseInfo(t, rdb.Info(ctx, "stats").Val())
		return info["Stats"]
	}
	before := stats()
	n, _ := strconv.Atoi(before["total_commands_processed"])
	assert.Greater(t, n, 5)
	assert.NotEqual(t, "0", before["total_connections_received"])
	require.NoError(t, rdb.ConfigResetStat(ctx).Err())
	after := stats()
	assert.Equal(t, "1", after["total_commands_processed"], "only the INFO since the reset")
	assert.Equal(t, "0", after["total_connections_received"])
	assert.Equal(t, "0", after["keyspace_hits"])
	assert.Equal(t, "0", after["expired_keys"])
}

func TestConfigHelp(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	lines, err := s.Client(t, 2).Do(t.Context(), "CONFIG", "HELP").StringSlice()
	require.NoError(t, err)
	assert.Contains(t, lines[0], "CONFIG <subcommand>")
	assert.Contains(t, lines, "RESETSTAT")
}

func TestModuleList(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		v, err := rdb.Do(t.Context(), "MODULE", "LIST").Result()
		require.NoError(t, err)
		list, ok := v.([]any)
		require.True(t, ok, "%T", v)
		require.Len(t, list, 2)
		want := []map[any]any{
			{"name": "ReJSON", "ver": int64(20808), "path": "", "args": []any{}},
			{"name": "search", "ver": int64(80200), "path": "", "args": []any{}},
		}
		for i, entry := range list {
			fields := map[any]any{}
			switch m := entry.(type) {
			case map[any]any:
				require.Equal(t, 3, proto)
				fields = m
			case []any:
				require.Equal(t, 2, proto)
				for i := 0; i < len(m); i += 2 {
					fields[m[i]] = m[i+1]
				}
			}
			assert.Equal(t, want[i], fields)
		}
	}
	runExchanges(t, s.Addr, []exchange{
		{"MODULE LOAD /x.so", "-ERR darner does not load modules: the JSON and search commands are built in\r\n"},
		{"MODULE LOADEX /x.so", "-ERR darner does not load modules: the JSON and search commands are built in\r\n"},
		{"MODULE UNLOAD ReJSON", "-ERR darner does not load modules: the JSON and search commands are built in\r\n"},
		{"MODULE", "-ERR wrong number of arguments for 'module' command\r\n"},
		{"MODULE LIST x", "-ERR wrong number of arguments for 'module|list' command\r\n"},
	})
}

func shutdownRequested(s *servertest.Server) bool {
	select {
	case <-s.Srv.ShutdownRequested():
		return true
	case <-time.After(50 * time.Millisecond):
		return false
	}
}

func TestShutdown(t *testing.T) {
	// A directory that does not exist: SHUTDOWN SAVE's save fails, and it is refused.
	s := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.Dir = "/nonexistent/darner" }})
	runExchanges(t, s.Addr, []exchange{
		{"SHUTDOWN ABORT", "-ERR No shutdown in progress.\r\n"},
		{"SHUTDOWN NOSAVE ABORT", "-ERR syntax error\r\n"},
		{"SHUTDOWN SAVE NOSAVE", "-ERR syntax error\r\n"},
		{"SHUTDOWN LATER", "-ERR syntax error\r\n"},
		{"SHUTDOWN SAVE", "-ERR Errors trying to SHUTDOWN. Check logs.\r\n"},
		{"MULTI", "+OK\r\n"},
		{"SHUTDOWN", "-ERR Command not allowed inside a transaction\r\n"},
		{"EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"},
		{"PING", "+PONG\r\n"},
	})
	require.False(t, shutdownRequested(s))

	r := dialRaw(t, s.Addr)
	r.send("SHUTDOWN NOSAVE NOW\r\n")
	assert.True(t, r.closed(), "SHUTDOWN closes the connection without a reply")
	assert.True(t, shutdownRequested(s))
	// A second SHUTDOWN (the server has not stopped yet: main.go stops it) must not panic
	// on the closed channel.
	r = dialRaw(t, s.Addr)
	r.send("SHUTDOWN SAVE FORCE\r\n")
	assert.True(t, r.closed())
}
