package server

import (
	"crypto/sha1"
	"encoding/hex"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"darner/engine"
)

// infoSection is one section of INFO: its name (as asked for), its title (as printed) and
// what writes its lines. shards says it reads the shards' counters.
type infoSection struct {
	name, title string
	shards      bool
	write       func(s *Server, st *infoState, b *infoBuilder)
}

// infoSections is INFO's output order, Redis' order. Every section is in "default", "all"
// and "everything": darner has none of Redis' opt-in sections (commandstats, latencystats).
var infoSections = []infoSection{
	{"server", "Server", false, infoServer},
	{"clients", "Clients", false, infoClients},
	{"memory", "Memory", true, infoMemory},
	{"persistence", "Persistence", false, infoPersistence},
	{"stats", "Stats", true, infoStats},
	{"replication", "Replication", false, infoReplication},
	{"cpu", "CPU", false, infoCPU},
	{"modules", "Modules", false, infoModules},
	{"cluster", "Cluster", false, infoCluster},
	{"keyspace", "Keyspace", true, infoKeyspace},
}

// infoState is what the sections of one INFO call share: the shards' counters, read once.
type infoState struct {
	shards []engine.ShardStats
}

type infoBuilder struct{ strings.Builder }

func (b *infoBuilder) str(k, v string) {
	b.WriteString(k)
	b.WriteByte(':')
	b.WriteString(v)
	b.WriteString("\r\n")
}

func (b *infoBuilder) int(k string, v int64) { b.str(k, strconv.FormatInt(v, 10)) }

// INFO [section [section ...]]
func cmdInfo(c *Ctx) {
	want, needShards := selectInfoSections(c.Args[1:])
	var st infoState
	if needShards {
		// INFO is flagged FlagAllShards, so its Tx (or EXEC's) holds every shard and
		// Stats reads under those locks instead of taking any.
		st.shards = c.srv.store.Stats(c.tx)
	}
	var b infoBuilder
	for i, sec := range infoSections {
		if !want[i] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + sec.title + "\r\n")
		sec.write(c.srv, &st, &b)
	}
	c.W.Verbatim("txt", b.String())
}

// selectInfoSections maps INFO's arguments to the sections to print: none means
// "default"; "default", "all" and "everything" mean every section; unknown names are
// ignored, as Redis does.
func selectInfoSections(args [][]byte) (want []bool, needShards bool) {
	want = make([]bool, len(infoSections))
	all := len(args) == 0
	for _, a := range args {
		name := strings.ToLower(string(a))
		switch name {
		case "default", "all", "everything":
			all = true
		}
		for i, sec := range infoSections {
			if sec.name == name {
				want[i] = true
			}
		}
	}
	for i, sec := range infoSections {
		want[i] = want[i] || all
		needShards = needShards || (want[i] && sec.shards)
	}
	return want, needShards
}

func infoServer(s *Server, _ *infoState, b *infoBuilder) {
	up := time.Since(s.started)
	b.str("redis_version", Version)
	b.str("redis_git_sha1", "00000000")
	b.str("redis_git_dirty", "0")
	b.str("redis_mode", "standalone")
	b.str("os", runtime.GOOS+" "+runtime.GOARCH)
	b.int("arch_bits", strconv.IntSize)
	b.int("process_id", int64(os.Getpid()))
	b.str("process_supervised", "no")
	b.str("run_id", s.runID())
	b.int("tcp_port", int64(s.listenPort()))
	b.int("server_time_usec", time.Now().UnixMicro())
	b.int("uptime_in_seconds", int64(up/time.Second))
	b.int("uptime_in_days", int64(up/(24*time.Hour)))
	// The active expiry cycle runs ten times a second, Redis' default hz.
	b.int("hz", 10)
	b.int("configured_hz", 10)
	exe, _ := os.Executable()
	b.str("executable", exe)
	b.str("config_file", "")
	b.str("darner_version", darnerVersion())
	b.str("darner_go_version", runtime.Version())
	b.int("darner_shards", int64(s.store.Shards()))
}

// runID identifies this run of the server, as Redis' run_id does: 40 hex digits, the
// same for every INFO of one server and different for the next.
func (s *Server) runID() string {
	h := sha1.Sum([]byte(strconv.Itoa(os.Getpid()) + "/" + strconv.FormatInt(s.started.UnixNano(), 10)))
	return hex.EncodeToString(h[:])
}

// darnerVersion is the main module's version as the Go toolchain stamped it: a tag or a
// pseudo-version for a build from version control, "(devel)" otherwise.
func darnerVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func infoClients(s *Server, _ *infoState, b *infoBuilder) {
	s.mu.Lock()
	n := len(s.clients)
	s.mu.Unlock()
	b.int("connected_clients", int64(n))
	b.int("cluster_connections", 0)
	b.int("maxclients", s.cfg.maxClients.Load())
	b.int("blocked_clients", 0)
	b.int("tracking_clients", 0)
	b.int("clients_in_timeout_table", 0)
}

func infoMemory(s *Server, st *infoState, b *infoBuilder) {
	var used int64
	for _, sh := range st.shards {
		used += sh.UsedBytes
	}
	peak := s.cfg.notePeak(used)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := processRSS()
	if rss == 0 {
		rss = int64(ms.Sys)
	}
	b.int("used_memory", used)
	b.str("used_memory_human", humanBytes(used))
	b.int("used_memory_rss", rss)
	b.str("used_memory_rss_human", humanBytes(rss))
	b.int("used_memory_peak", peak)
	b.str("used_memory_peak_human", humanBytes(peak))
	b.int("maxmemory", 0)
	b.str("maxmemory_human", "0B")
	b.str("maxmemory_policy", "noeviction")
	b.str("mem_allocator", "go")
	b.int("lazyfree_pending_objects", 0)
	for i, sh := range st.shards {
		b.int("shard_"+strconv.Itoa(i)+"_used_memory", sh.UsedBytes)
	}
	b.int("go_heap_alloc", int64(ms.HeapAlloc))
	b.int("go_heap_sys", int64(ms.HeapSys))
	b.int("go_sys", int64(ms.Sys))
	b.int("go_num_gc", int64(ms.NumGC))
}

// processRSS reads the resident set size from /proc; 0 where there is no /proc.
func processRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

// humanBytes writes n as INFO's *_human fields do: bytes below 1K, else two decimals and
// a binary unit (K, M, G, T, P).
func humanBytes(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "B"
	}
	f := float64(n)
	for _, unit := range []string{"K", "M", "G", "T"} {
		f /= 1024
		if f < 1024 {
			return strconv.FormatFloat(f, 'f', 2, 64) + unit
		}
	}
	return strconv.FormatFloat(f/1024, 'f', 2, 64) + "P"
}

// infoPersistence reports snapshots (changes since the last one, when it was, whether one
// runs in the background), then the append-only file (infoAOF).
func infoPersistence(s *Server, _ *infoState, b *infoBuilder) {
	p := &s.persist
	b.int("loading", 0)
	b.int("async_loading", 0)
	b.int("rdb_changes_since_last_save", s.store.Changes()-p.changesAt.Load())
	// A log rewrite holds the background slot too; it is not a BGSAVE.
	b.int("rdb_bgsave_in_progress", b2i(p.bgInFlight.Load() && !s.aof.rewriting.Load()))
	b.int("rdb_last_save_time", p.lastSave.Load())
	b.str("rdb_last_bgsave_status", okErr(p.lastBgOK.Load()))
	b.int("rdb_saves", p.saves.Load())
	s.infoAOF(b)
}

func infoStats(s *Server, st *infoState, b *infoBuilder) {
	var expired, hits, misses int64
	for _, sh := range st.shards {
		expired += sh.ExpiredKeys
		hits += sh.KeyspaceHits
		misses += sh.KeyspaceMiss
	}
	b.int("total_connections_received", s.totalConnections.Load())
	b.int("total_commands_processed", s.totalCommands.Load())
	b.int("rejected_connections", s.rejectedConns.Load())
	b.int("expired_keys", expired)
	b.int("evicted_keys", 0)
	b.int("keyspace_hits", hits)
	b.int("keyspace_misses", misses)
	b.int("pubsub_channels", 0)
	b.int("pubsub_patterns", 0)
}

func infoReplication(_ *Server, _ *infoState, b *infoBuilder) {
	b.str("role", "master")
	b.int("connected_slaves", 0)
	b.str("master_failover_state", "no-failover")
	b.int("master_repl_offset", 0)
	b.int("repl_backlog_active", 0)
}

func infoCPU(_ *Server, _ *infoState, b *infoBuilder) {
	user, sys, cuser, csys, ok := cpuTimes()
	if !ok {
		return
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
	b.str("used_cpu_sys", f(sys))
	b.str("used_cpu_user", f(user))
	b.str("used_cpu_sys_children", f(csys))
	b.str("used_cpu_user_children", f(cuser))
}

func infoModules(_ *Server, _ *infoState, b *infoBuilder) {
	for _, m := range modules {
		b.str("module", "name="+m.name+",ver="+strconv.FormatInt(m.ver, 10)+
			",api=1,filters=0,usedby=[],using=[],options=[]")
	}
}

func infoCluster(_ *Server, _ *infoState, b *infoBuilder) { b.int("cluster_enabled", 0) }

func infoKeyspace(_ *Server, st *infoState, b *infoBuilder) {
	for db := range engine.NumDBs {
		keys, expires := 0, 0
		for _, sh := range st.shards {
			keys += sh.Keys[db]
			expires += sh.Volatile[db]
		}
		if keys > 0 {
			b.str("db"+strconv.Itoa(db), "keys="+strconv.Itoa(keys)+",expires="+strconv.Itoa(expires)+",avg_ttl=0")
		}
	}
}
