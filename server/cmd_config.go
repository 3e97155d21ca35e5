package server

import (
	"math"
	"net"
	"path/filepath"
	"strconv"
	"strings"

	"darner/engine"
)

func configCommands() []*Command {
	const admin = FlagAdmin | FlagNoScript | FlagLoading | FlagStale
	return []*Command{
		{Name: "config", Arity: -2, Group: "server", Since: "2.0.0",
			Summary: "A container for the server configuration commands.", Handler: cmdContainer,
			Subcommands: []*Command{
				{Name: "get", Arity: -3, Flags: admin, Group: "server", Since: "2.0.0",
					Summary: "Returns the configuration parameters whose names match the patterns.", Handler: cmdConfigGet},
				{Name: "set", Arity: -4, Flags: admin, Group: "server", Since: "2.0.0",
					Summary: "Sets configuration parameters; all of them or none.", Handler: cmdConfigSet},
				{Name: "resetstat", Arity: 2, Flags: admin, Group: "server", Since: "2.0.0",
					Summary: "Zeroes the statistics INFO reports.", Handler: cmdConfigResetStat},
				{Name: "help", Arity: 2, Flags: FlagLoading | FlagStale, Group: "server", Since: "5.0.0",
					Summary: "Describes the CONFIG subcommands.", Handler: cmdConfigHelp},
			}},
	}
}

// cmdContainer answers a container command (CONFIG, MODULE) called without a
// subcommand. The dispatcher's arity check normally refuses that call before it gets here.
func cmdContainer(c *Ctx) { c.ArityErr() }

// configParam is one configuration parameter: the one table CONFIG GET and CONFIG SET read.
type configParam struct {
	name  string
	alias string // Redis 6's name, still accepted (hash-max-ziplist-*)
	get   func(s *Server) string
	// set checks v and returns the change to make; CONFIG SET applies the changes only when
	// every parameter passed its check. nil: the parameter is read-only.
	set func(s *Server, v string) (apply func(), err string)
	// protected marks read-only parameters Redis 7 refuses as protected (its
	// enable-protected-configs defaults to no) rather than immutable.
	protected bool
}

// configParams is the table, in the order CONFIG GET answers.
var configParams = []configParam{
	{name: "bind", get: func(s *Server) string { return s.cfg.bind }},
	{name: "port", get: func(s *Server) string { return strconv.Itoa(s.listenPort()) }},
	{name: "requirepass", get: func(s *Server) string { return s.cfg.requirePass() }, set: setRequirePass},
	{name: "maxclients", get: func(s *Server) string { return strconv.FormatInt(s.cfg.maxClients.Load(), 10) },
		set: func(s *Server, v string) (func(), string) {
			n, err := parseIntParam(v, 1, math.MaxUint32)
			return func() { s.cfg.maxClients.Store(n) }, err
		}},
	{name: "dir", get: configDir, protected: true},
	{name: "dbfilename", get: func(s *Server) string { return *s.cfg.dbfilename.Load() }, protected: true},
	{name: "loglevel", get: func(s *Server) string { return *s.cfg.logLevel.Load() }, set: setLogLevel},
	{name: "proto-max-bulk-len", get: func(s *Server) string { return strconv.FormatInt(s.cfg.protoMaxBulkLen.Load(), 10) },
		set: func(s *Server, v string) (func(), string) {
			n, err := parseMemoryParam(v, 1<<20, math.MaxInt64)
			return func() { s.cfg.protoMaxBulkLen.Store(n) }, err
		}},
	{name: "client-query-buffer-limit", get: func(s *Server) string { return strconv.FormatInt(s.cfg.queryBufLimit.Load(), 10) },
		set: func(s *Server, v string) (func(), string) {
			n, err := parseMemoryParam(v, 1<<20, math.MaxInt64)
			return func() { s.cfg.queryBufLimit.Store(n) }, err
		}},
	{name: "databases", get: func(*Server) string { return strconv.Itoa(engine.NumDBs) }},
	{name: "hash-max-listpack-entries", alias: "hash-max-ziplist-entries",
		get: func(*Server) string { return strconv.Itoa(engine.HashListpackEntries()) },
		set: func(_ *Server, v string) (func(), string) {
			n, err := parseIntParam(v, 0, math.MaxInt64)
			return func() { engine.SetHashListpackEntries(int(n)) }, err
		}},
	{name: "hash-max-listpack-value", alias: "hash-max-ziplist-value",
		get: func(*Server) string { return strconv.Itoa(engine.HashListpackValue()) },
		set: func(_ *Server, v string) (func(), string) {
			n, err := parseMemoryParam(v, 0, math.MaxInt64)
			return func() { engine.SetHashListpackValue(int(n)) }, err
		}},
	// save is the --save rules (read-only here).
	{name: "save", get: func(s *Server) string { return s.cfg.save }},
}

func setRequirePass(s *Server, v string) (func(), string) {
	return func() { s.cfg.requirepass.Store(&v) }, ""
}

func setLogLevel(s *Server, v string) (func(), string) {
	v = strings.ToLower(v)
	if !validLogLevel(v) {
		return nil, "argument(s) must be one of the following: " + logLevelList
	}
	return func() {
		s.cfg.logLevel.Store(&v)
		if s.cfg.levelVar != nil {
			s.cfg.levelVar.Set(SlogLevel(v))
		}
	}, ""
}

// configDir answers the absolute path, as Redis (which reports its working directory) does.
func configDir(s *Server) string {
	d := *s.cfg.dir.Load()
	if abs, err := filepath.Abs(d); err == nil {
		return abs
	}
	return d
}

// listenPort is the port actually listened on (it differs from the configured one when
// that was 0), or the configured one before Serve.
func (s *Server) listenPort() int {
	if a := s.Addr(); a != nil {
		if _, p, err := net.SplitHostPort(a.String()); err == nil {
			if n, err := strconv.Atoi(p); err == nil {
				return n
			}
		}
	}
	return s.cfg.port
}

func lookupConfigParam(name string) *configParam {
	for i := range configParams {
		p := &configParams[i]
		if strings.EqualFold(p.name, name) || (p.alias != "" && strings.EqualFold(p.alias, name)) {
			return p
		}
	}
	return nil
}

// CONFIG GET parameter [parameter ...]
func cmdConfigGet(c *Ctx) {
	type pair struct{ name, value string }
	var out []pair
	for _, p := range configParams {
		for _, name := range []string{p.name, p.alias} {
			if name == "" {
				continue
			}
			for _, pat := range c.Args[2:] {
				if matchGlob(string(pat), name, true) {
					out = append(out, pair{name, p.get(c.srv)})
					break
				}
			}
		}
	}
	c.W.Map(len(out))
	for _, kv := range out {
		c.W.BulkString(kv.name)
		c.W.BulkString(kv.value)
	}
}

// CONFIG SET parameter value [parameter value ...]
func cmdConfigSet(c *Ctx) {
	args := c.Args[2:]
	if len(args)%2 != 0 {
		c.ArityErr()
		return
	}
	seen := make(map[*configParam]bool, len(args)/2)
	applies := make([]func(), 0, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		name := string(args[i])
		p := lookupConfigParam(name)
		if p == nil {
			c.Err(Error("ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'"))
			return
		}
		msg := ""
		switch {
		case seen[p]:
			msg = "duplicate parameter"
		case p.set == nil && p.protected:
			msg = "can't set protected config"
		case p.set == nil:
			msg = "can't set immutable config"
		}
		var apply func()
		if msg == "" {
			apply, msg = p.set(c.srv, string(args[i+1]))
		}
		if msg != "" {
			c.Err(Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + msg))
			return
		}
		seen[p] = true
		applies = append(applies, apply)
	}
	c.srv.cfg.setMu.Lock()
	for _, apply := range applies {
		apply()
	}
	c.srv.cfg.setMu.Unlock()
	if seen[lookupConfigParam("requirepass")] {
		// Redis keeps connections that were in when a password is set authenticated; the
		// one that set it is at least (see the README's differences).
		c.cl.authed = true
	}
	c.W.OK()
}

// CONFIG RESETSTAT
func cmdConfigResetStat(c *Ctx) {
	s := c.srv
	s.totalCommands.Store(0)
	s.totalConnections.Store(0)
	s.rejectedConns.Store(0)
	s.cfg.memPeak.Store(0)
	s.store.ResetStats()
	c.W.OK()
}

// CONFIG HELP
func cmdConfigHelp(c *Ctx) {
	writeHelp(c.W, "CONFIG",
		"GET <pattern> [<pattern> ...]",
		"    Answer the parameters whose names match a glob-style pattern, with their values.",
		"SET <parameter> <value> [<parameter> <value> ...]",
		"    Change parameters; if one value is refused, none is changed.",
		"RESETSTAT",
		"    Zero the counters INFO reports.",
		"HELP",
		"    Print this help.")
}

// writeHelp writes a HELP reply: status lines, the first naming the command.
func writeHelp(w *Writer, cmd string, lines ...string) {
	w.Array(len(lines) + 1)
	w.Simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		w.Simple(l)
	}
}

// parseIntParam parses an integer setting within [lo, hi], with Redis' messages.
func parseIntParam(v string, lo, hi int64) (int64, string) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, "argument couldn't be parsed into an integer"
	}
	return checkRange(n, lo, hi)
}

// parseMemoryParam parses a size with an optional unit (b, k, kb, m, mb, g, gb: k is 1000,
// kb 1024) within [lo, hi], as Redis' memory settings do.
func parseMemoryParam(v string, lo, hi int64) (int64, string) {
	const bad = "argument must be a memory value"
	low := strings.ToLower(v)
	digits := strings.TrimRight(low, "bkmg")
	unit := low[len(digits):]
	mul := map[string]int64{"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000 * 1000, "mb": 1 << 20,
		"g": 1000 * 1000 * 1000, "gb": 1 << 30}[unit]
	if mul == 0 || digits == "" || digits[0] == '-' || digits[0] == '+' {
		return 0, bad
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > math.MaxInt64/mul {
		return 0, bad
	}
	return checkRange(n*mul, lo, hi)
}

func checkRange(n, lo, hi int64) (int64, string) {
	if n < lo || n > hi {
		return 0, "argument must be between " + strconv.FormatInt(lo, 10) + " and " +
			strconv.FormatInt(hi, 10) + " inclusive"
	}
	return n, ""
}
