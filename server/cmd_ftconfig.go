package server

import (
	"strconv"
	"strings"
)

// ftOption is one FT.CONFIG setting: its value, and how to set it (nil: read-only here).
type ftOption struct {
	name string
	get  func(s *Server) string
	set  func(s *Server, v string) bool
}

// ftOptions are the settings FT.CONFIG shows. Only DEFAULT_DIALECT can be changed; the
// others report the fixed behaviour darner has.
var ftOptions = []ftOption{
	{"DEFAULT_DIALECT",
		func(s *Server) string { return strconv.Itoa(int(s.search.DefaultDialect.Load())) },
		func(s *Server, v string) bool {
			d, err := strconv.Atoi(v)
			if err != nil || d < 1 || d > 4 {
				return false
			}
			s.search.DefaultDialect.Store(int32(d))
			return true
		}},
	{"MAXSEARCHRESULTS", func(*Server) string { return "unlimited" }, nil},
	{"TIMEOUT", func(*Server) string { return "0" }, nil},
	{"ON_TIMEOUT", func(*Server) string { return "return" }, nil},
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
		if !o.set(c.srv, string(c.Args[3])) {
			c.Err("ERR Invalid value for " + Error(name))
			return
		}
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
		"    Change a search setting (DEFAULT_DIALECT).")
}
