package server

import (
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"darner/search"
)

// ftOption is one search setting: its FT.CONFIG name, its CONFIG name (Redis 8 names the
// module's settings search-*), its value, and how to set it (nil: read-only here).
type ftOption struct {
	name   string
	config string
	get    func(s *Server) string
	// set checks v and returns the change to make, or an error text.
	set func(s *Server, v string) (apply func(), err string)
}

// unlimited is how RediSearch shows a result limit that is not set.
const unlimited = "unlimited"

// ftOptions are the settings FT.CONFIG and CONFIG show, each acting on darner as its name
// says. TIMEOUT and ON_TIMEOUT are fixed: a query is never cut short.
var ftOptions = []ftOption{
	{"DEFAULT_DIALECT", "search-default-dialect",
		func(s *Server) string { return strconv.Itoa(int(s.search.DefaultDialect.Load())) },
		func(s *Server, v string) (func(), string) {
			d, err := strconv.Atoi(v)
			if err != nil || d < 1 || d > 4 {
				return nil, "DIALECT must be between 1 and 4"
			}
			return func() { s.search.DefaultDialect.Store(int32(d)) }, ""
		}},
	{"MAXSEARCHRESULTS", "search-max-search-results",
		func(s *Server) string { return limitText(s.limits.maxSearch.Load()) },
		func(s *Server, v string) (func(), string) {
			n, err := parseLimit(v)
			return func() { s.limits.maxSearch.Store(n) }, err
		}},
	{"MAXAGGREGATERESULTS", "search-max-aggregate-results",
		func(s *Server) string { return limitText(s.limits.maxAggregate.Load()) },
		func(s *Server, v string) (func(), string) {
			n, err := parseLimit(v)
			return func() { s.limits.maxAggregate.Store(n) }, err
		}},
	{"CURSOR_MAX_IDLE", "search-cursor-max-idle",
		func(s *Server) string { return strconv.FormatInt(s.cursors.maxIdle().Milliseconds(), 10) },
		func(s *Server, v string) (func(), string) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return nil, "CURSOR_MAX_IDLE must be a positive number of milliseconds"
			}
			return func() { s.cursors.maxIdleMs.Store(n) }, ""
		}},
	{"CURSOR_READ_SIZE", "search-cursor-read-size",
		func(s *Server) string { return strconv.FormatInt(int64(s.cursors.readSize()), 10) },
		func(s *Server, v string) (func(), string) {
			n, err := strconv.ParseInt(v, 10, 32)
			if err != nil || n < 1 {
				return nil, "CURSOR_READ_SIZE must be a positive number"
			}
			return func() { s.cursors.readSizeN.Store(n) }, ""
		}},
	{"BM25STD_TANH_FACTOR", "search-bm25std-tanh-factor",
		func(*Server) string {
			return strconv.FormatFloat(math.Float64frombits(search.TanhFactor.Load()), 'g', -1, 64)
		},
		func(_ *Server, v string) (func(), string) {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f > 0) || math.IsInf(f, 1) {
				return nil, "BM25STD_TANH_FACTOR must be a positive number"
			}
			return func() { search.TanhFactor.Store(math.Float64bits(f)) }, ""
		}},
	{"TIMEOUT", "search-timeout", func(*Server) string { return "0" }, nil},
	{"ON_TIMEOUT", "search-on-timeout", func(*Server) string { return "return" }, nil},
}

// limitText shows a result limit, 0 being none.
func limitText(n int64) string {
	if n <= 0 {
		return unlimited
	}
	return strconv.FormatInt(n, 10)
}

// parseLimit reads a result limit: a positive number, or "unlimited" (0).
func parseLimit(v string) (int64, string) {
	if strings.EqualFold(v, unlimited) {
		return 0, ""
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, "the value must be a non-negative number or 'unlimited'"
	}
	return n, ""
}

// The search settings are CONFIG parameters too, under their Redis 8 names.
func init() {
	for _, o := range ftOptions {
		configParams = append(configParams, configParam{name: o.config, get: o.get, set: o.set})
	}
}

// FT.CONFIG GET pattern
func cmdFTConfigGet(c *Ctx) {
	pat := strings.ToUpper(string(c.Args[2]))
	var hits []ftOption
	for _, o := range ftOptions {
		if matchGlob(pat, o.name, true) {
			hits = append(hits, o)
		}
	}
	if c.W.RESP3() {
		c.W.Map(len(hits))
		for _, o := range hits {
			c.W.BulkString(o.name)
			c.W.BulkString(o.get(c.srv))
		}
		return
	}
	c.W.Array(len(hits))
	for _, o := range hits {
		c.W.Array(2)
		c.W.BulkString(o.name)
		c.W.BulkString(o.get(c.srv))
	}
}

// FT.CONFIG SET option value
func cmdFTConfigSet(c *Ctx) {
	name := strings.ToUpper(string(c.Args[2]))
	for _, o := range ftOptions {
		if o.name != name {
			continue
		}
		if o.set == nil {
			c.Err(Error("ERR FT.CONFIG option " + name + " cannot be changed in darner"))
			return
		}
		apply, msg := o.set(c.srv, string(c.Args[3]))
		if msg != "" {
			c.Err(Error("ERR Invalid value for " + name + ": " + msg))
			return
		}
		c.srv.cfg.setMu.Lock()
		apply()
		c.srv.cfg.setMu.Unlock()
		c.W.OK()
		return
	}
	c.Err("ERR Invalid option")
}

// FT.CONFIG HELP
func cmdFTConfigHelp(c *Ctx) {
	writeHelp(c.W, "FT.CONFIG",
		"GET <pattern>",
		"    Return the search settings matching <pattern>.",
		"SET <option> <value>",
		"    Change a search setting (DEFAULT_DIALECT, MAXSEARCHRESULTS, MAXAGGREGATERESULTS,",
		"    CURSOR_MAX_IDLE, CURSOR_READ_SIZE).")
}

// resultLimits are MAXSEARCHRESULTS and MAXAGGREGATERESULTS (0: unlimited).
type resultLimits struct {
	maxSearch, maxAggregate atomic.Int64
}

// defaultMaxSearchResults is RediSearch's default MAXSEARCHRESULTS.
const defaultMaxSearchResults = 1000000

// checkLimit refuses a LIMIT reaching beyond max results (0: no maximum), as RediSearch does.
func checkLimit(offset, num int, max int64) error {
	if max > 0 && int64(offset)+int64(num) > max {
		return Error("ERR LIMIT exceeds maximum of " + strconv.FormatInt(max, 10))
	}
	return nil
}
