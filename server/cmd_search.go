package server

import (
	"errors"
	"strings"
	"time"

	"darner/search"
)

// The FT.* commands: index definitions and queries over HASH and JSON documents. An FT
// command that reads or changes index contents declares every shard (FlagAllShards), so the
// dispatcher holds all their locks while it runs, and inside MULTI/EXEC it runs under EXEC's
// locks instead of taking its own.

func searchCommands() []*Command {
	const (
		ro  = FlagReadonly | FlagAllShards
		all = FlagWrite | FlagAllShards
	)
	cmd := func(name string, arity int, flags Flag, since, summary string, h func(*Ctx)) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, Group: "search", Since: since,
			Summary: summary, Handler: h}
	}
	return []*Command{
		cmd("ft.create", -2, FlagWrite|FlagDenyOOM, "1.0.0", "Creates an index over HASH or JSON keys.", cmdFTCreate),
		cmd("ft.search", -3, ro, "1.0.0", "Searches an index with a query, returning documents or their keys.", cmdFTSearch),
		cmd("ft.aggregate", -3, ro, "1.1.0", "Runs a query and passes its documents through a pipeline of groupings, sorts and expressions.", cmdFTAggregate),
		{Name: "ft.cursor", Arity: -2, Group: "search", Since: "1.1.0",
			Summary: "A container for the commands that read FT.AGGREGATE's cursors.", Handler: cmdContainer,
			Subcommands: []*Command{
				cmd("read", -4, FlagReadonly, "1.1.0", "Reads the next rows of an aggregate cursor.", cmdFTCursorRead),
				cmd("del", 4, FlagReadonly, "1.1.0", "Deletes an aggregate cursor.", cmdFTCursorDel),
			}},
		cmd("ft.profile", -5, ro, "2.2.0", "Runs an FT.SEARCH or FT.AGGREGATE and replies its answer with where its time went, per shard.", cmdFTProfile),
		cmd("ft.info", 2, ro, "1.0.0", "Returns an index's definition and statistics.", cmdFTInfo),
		cmd("ft.dropindex", -2, all, "2.0.0", "Deletes an index, and with DD the documents it indexed.", cmdFTDropIndex),
		cmd("ft._list", 1, FlagReadonly, "2.0.0", "Returns the names of all indexes.", cmdFTList),
		{Name: "ft.config", Arity: -2, Group: "search", Since: "1.0.0",
			Summary: "A container for the search settings commands.", Handler: cmdContainer,
			Subcommands: []*Command{
				cmd("get", 3, FlagAdmin, "1.0.0", "Returns search settings.", cmdFTConfigGet),
				cmd("set", 4, FlagAdmin, "1.0.0", "Changes a search setting.", cmdFTConfigSet),
				cmd("help", 2, 0, "1.0.0", "Describes the FT.CONFIG subcommands.", cmdFTConfigHelp),
			}},
		cmd("ft.drop", -2, all, "1.0.0", "Deletes an index and its documents unless KEEPDOCS (deprecated: FT.DROPINDEX).", cmdFTDrop),
	}
}

// searchError turns a search package error into its reply: RediSearch's texts carry no
// "ERR" prefix for the index errors clients match on, and do for the others.
func searchError(err error) Error {
	msg := err.Error()
	if strings.HasPrefix(msg, "ERR ") || strings.HasPrefix(msg, "Unknown index") ||
		strings.HasPrefix(msg, "Index already") {
		return Error(msg)
	}
	return Error("ERR " + msg)
}

// FT.CREATE index [ON HASH|JSON] [PREFIX n p…] [LANGUAGE l] [LANGUAGE_FIELD f] [SCORE s]
// [SCORE_FIELD f] [NOOFFSETS] [NOHL] [NOFIELDS] [NOFREQS] [STOPWORDS n w…]
// [SKIPINITIALSCAN] SCHEMA field [AS alias] TEXT|TAG|NUMERIC|GEO [options] …
func cmdFTCreate(c *Ctx) {
	if c.cl.db() != 0 {
		c.Err("ERR Cannot create index on db != 0")
		return
	}
	name := string(c.Args[1])
	argv := argStrings(c.Args, 2)
	def, err := search.ParseCreate(name, argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	idx, err := c.srv.search.Create(def)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	// The keys that exist are indexed in the background, as in RediSearch; but a small
	// keyspace is done within the wait, so that a search sent right after FT.CREATE finds
	// them. Inside MULTI/EXEC the scan needs the shards the transaction holds: no wait.
	if c.tx == nil || !c.tx.HoldsAny() {
		idx.WaitScan(createWait)
	}
	c.W.OK()
}

// argStrings copies args[from:] into one string and returns its pieces: one allocation for
// what the search parsers read, instead of one per argument. A piece kept (a cached query,
// an index definition) keeps the whole string, a command's worth of bytes.
func argStrings(args [][]byte, from int) []string {
	args = args[from:]
	var b strings.Builder
	n := 0
	for _, a := range args {
		n += len(a)
	}
	b.Grow(n)
	for _, a := range args {
		b.Write(a)
	}
	all := b.String()
	out := make([]string, len(args))
	off := 0
	for i, a := range args {
		out[i] = all[off : off+len(a)]
		off += len(a)
	}
	return out
}

// createWait is how long FT.CREATE waits for the index to take in the existing keys before
// it answers and lets the rest go on in the background.
const createWait = time.Second

// FT.DROPINDEX index [DD]
func cmdFTDropIndex(c *Ctx) {
	dd := false
	if len(c.Args) == 3 && strings.EqualFold(string(c.Args[2]), "DD") {
		dd = true
	} else if len(c.Args) > 2 {
		c.Err(errSyntax)
		return
	}
	if err := c.srv.search.Drop(c.tx, string(c.Args[1]), dd); err != nil {
		if errors.Is(err, search.ErrNotFound) {
			c.Err("Unknown Index name") // RediSearch's spelling here, which redis-om matches
			return
		}
		c.Err(searchError(err))
		return
	}
	c.W.OK()
}

// FT.DROP index [KEEPDOCS]
//
// RediSearch 1's form, which redis-py 4.3 still sends (with an empty argument when the
// documents are to go): the documents are deleted unless KEEPDOCS.
func cmdFTDrop(c *Ctx) {
	if len(c.Args) > 3 {
		c.Err(errSyntax)
		return
	}
	keep := len(c.Args) == 3 && strings.EqualFold(string(c.Args[2]), "KEEPDOCS")
	if err := c.srv.search.Drop(c.tx, string(c.Args[1]), !keep); err != nil {
		c.Err(searchError(err))
		return
	}
	c.W.OK()
}

// FT._LIST
func cmdFTList(c *Ctx) {
	names := c.srv.search.Names()
	c.W.Set(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// FT.SEARCH index query [NOCONTENT] [VERBATIM] [NOSTOPWORDS] [WITHSCORES] [WITHSORTKEYS]
// [FILTER f min max]… [GEOFILTER f lon lat r unit]… [INKEYS n k…] [INFIELDS n f…]
// [RETURN n f [AS a]…] [SLOP n] [TIMEOUT ms] [INORDER] [LANGUAGE l] [SCORER s]
// [SORTBY f [ASC|DESC] [WITHCOUNT]] [LIMIT offset num] [PARAMS n k v…] [DIALECT d]
func cmdFTSearch(c *Ctx) {
	idx := c.srv.search.Get(string(c.Args[1]))
	if idx == nil {
		c.Err(Error(string(c.Args[1]) + ": no such index"))
		return
	}
	argv := argStrings(c.Args, 2)
	sa, err := search.ParseSearch(argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	if (sa.Highlight != nil || sa.Summarize != nil) && (idx.Def.NoOffsets || idx.Def.NoHL) {
		c.Err("ERR Cannot use highlight/summarize because NOOFFSETS or NOHL was specified at index level")
		return
	}
	if err := checkLimit(sa.Offset, sa.Limit, c.srv.limits.maxSearch.Load()); err != nil {
		c.Err(err.(Error))
		return
	}
	res, err := c.srv.search.Search(c.tx, idx, &sa.Request)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	writeSearchReply(c, idx, sa, res)
}
