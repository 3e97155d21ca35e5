package server

import (
	"errors"
	"strings"
	"time"

	"darner/search"
)

// FT.EXPLAIN and FT.EXPLAINCLI (a query's parsed tree), FT.TAGVALS (a tag field's values)
// and the index aliases. EXPLAIN reads only the schema, and the alias commands only the
// registry, which has its own lock: they hold no shard. TAGVALS reads every shard's part.

func searchAdminCommands() []*Command {
	cmd := func(name string, arity int, flags Flag, summary string, h func(*Ctx)) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, Group: "search", Since: "1.0.0",
			Summary: summary, Handler: h}
	}
	return []*Command{
		cmd("ft.explain", -3, FlagReadonly|FlagAllShards, "Returns the parsed tree of a query, as text.", cmdFTExplain),
		cmd("ft.explaincli", -3, FlagReadonly|FlagAllShards, "Returns the parsed tree of a query, one line per element.", cmdFTExplainCLI),
		cmd("ft.alter", -5, FlagWrite|FlagDenyOOM, "Adds attributes to an index's schema and indexes the documents for them.", cmdFTAlter),
		cmd("ft.tagvals", 3, FlagReadonly|FlagAllShards, "Returns the distinct values of a TAG field over an index.", cmdFTTagVals),
		cmd("ft.aliasadd", 3, FlagWrite|FlagDenyOOM, "Adds an alias to an index.", cmdFTAliasAdd),
		cmd("ft.aliasupdate", 3, FlagWrite|FlagDenyOOM, "Points an alias at an index, moving it from the index it named.", cmdFTAliasUpdate),
		cmd("ft.aliasdel", 2, FlagWrite, "Removes an index alias.", cmdFTAliasDel),
	}
}

// FT.EXPLAIN index query [DIALECT d] [PARAMS n k v…] [VERBATIM] [LANGUAGE l] [NOSTOPWORDS]
//
// FT.SEARCH's other options are accepted and ignored: redis-py sends its whole query
// (LIMIT, RETURN, …) to EXPLAIN.
func cmdFTExplain(c *Ctx) {
	if text, ok := explain(c); ok {
		c.W.BulkString(text)
	}
}

// FT.EXPLAINCLI index query [DIALECT d] [PARAMS n k v…] [VERBATIM] [LANGUAGE l] [NOSTOPWORDS]
//
// The lines of FT.EXPLAIN as simple strings, the empty one after the last newline
// included, as RediSearch splits them.
func cmdFTExplainCLI(c *Ctx) {
	text, ok := explain(c)
	if !ok {
		return
	}
	lines := strings.Split(text, "\n")
	c.W.Array(len(lines))
	for _, l := range lines {
		// A simple string cannot hold a CR (a query word may); RediSearch writes it as \r.
		c.W.Simple(strings.ReplaceAll(l, "\r", `\r`))
	}
}

// explain answers FT.EXPLAIN's question, or replies the error and returns false.
func explain(c *Ctx) (string, bool) {
	name := string(c.Args[1])
	idx := c.srv.search.Get(name)
	if idx == nil {
		c.Err(Error(name + ": no such index"))
		return "", false
	}
	argv := argStrings(c.Args, 2)
	sa, err := search.ParseSearch(argv)
	if err != nil {
		c.Err(searchError(err))
		return "", false
	}
	text, err := c.srv.search.Explain(idx, &sa.Request)
	if err != nil {
		c.Err(searchError(err))
		return "", false
	}
	return text, true
}

// FT.TAGVALS index field
//
// A set in RESP3, an array in RESP2; the values in byte order.
func cmdFTTagVals(c *Ctx) {
	name := string(c.Args[1])
	idx := c.srv.search.Get(name)
	if idx == nil {
		c.Err(Error(name + ": no such index"))
		return
	}
	vals, err := idx.TagValues(c.tx, string(c.Args[2]))
	if err != nil {
		c.Err(Error(err.Error())) // RediSearch's texts, without "ERR"
		return
	}
	c.W.Set(len(vals))
	for _, v := range vals {
		c.W.BulkString(v)
	}
}

// FT.ALIASADD alias index
func cmdFTAliasAdd(c *Ctx) {
	aliasReply(c, c.srv.search.AliasAdd(string(c.Args[1]), string(c.Args[2])))
}

// FT.ALIASUPDATE alias index
func cmdFTAliasUpdate(c *Ctx) {
	aliasReply(c, c.srv.search.AliasUpdate(string(c.Args[1]), string(c.Args[2])))
}

// FT.ALIASDEL alias
func cmdFTAliasDel(c *Ctx) {
	aliasReply(c, c.srv.search.AliasDel(string(c.Args[1])))
}

// aliasReply replies OK, or the alias error as RediSearch words it (without "ERR").
func aliasReply(c *Ctx, err error) {
	if err != nil {
		c.Err(Error(err.Error()))
		return
	}
	c.W.OK()
}

// FT.ALTER index [SKIPINITIALSCAN] SCHEMA ADD attribute options …
//
// The index is built again with the new attributes while the old one answers; a small
// keyspace is done before the reply, as FT.CREATE's. SKIPINITIALSCAN is accepted, and the
// documents that exist are indexed all the same (the new index is built whole).
func cmdFTAlter(c *Ctx) {
	a := c.Args[2:]
	if len(a) > 0 && strings.EqualFold(string(a[0]), "SKIPINITIALSCAN") {
		a = a[1:]
	}
	if len(a) < 2 || !strings.EqualFold(string(a[0]), "SCHEMA") || !strings.EqualFold(string(a[1]), "ADD") {
		c.Err("ERR Unknown argument: expected SCHEMA ADD")
		return
	}
	argv := argStrings(a, 2)
	next, err := c.srv.search.Alter(string(c.Args[1]), argv)
	if err != nil {
		if errors.Is(err, search.ErrNotFound) {
			c.Err("Unknown index name")
			return
		}
		c.Err(searchError(err))
		return
	}
	if c.tx == nil || !c.tx.HoldsAny() {
		select {
		case <-next.Swapped():
		case <-time.After(createWait):
		}
	}
	c.W.OK()
}
