package server

import (
	"errors"
	"strings"

	"darner/search"
)

// The synonym commands: groups of terms that a query word of the group matches alike (see
// search/synonym.go). FT.SYNUPDATE changes what searches match, so it holds every shard for
// writing, as FT.CREATE's and FT.DROPINDEX's peers do.

func synonymCommands() []*Command {
	return []*Command{
		{Name: "ft.synupdate", Arity: -4, Flags: FlagWrite | FlagDenyOOM | FlagAllShards, Group: "search",
			Since: "1.2.0", Summary: "Adds terms to a synonym group of an index.", Handler: cmdFTSynUpdate},
		{Name: "ft.syndump", Arity: 2, Flags: FlagReadonly | FlagAllShards, Group: "search",
			Since: "1.2.0", Summary: "Lists the terms of an index's synonym groups, each with its groups.", Handler: cmdFTSynDump},
	}
}

// FT.SYNUPDATE index group_id [SKIPINITIALSCAN] term [term …]
//
// SKIPINITIALSCAN counts only right after the group id, as in RediSearch; anywhere else it
// is a term.
func cmdFTSynUpdate(c *Ctx) {
	idx := c.srv.search.Get(string(c.Args[1]))
	if idx == nil {
		c.Err("Unknown index name") // RediSearch 8.2's words for this command
		return
	}
	group := string(c.Args[2])
	rest := c.Args[3:]
	skip := strings.EqualFold(string(rest[0]), "SKIPINITIALSCAN")
	if skip {
		rest = rest[1:]
	}
	terms := make([]string, len(rest))
	for i, t := range rest {
		terms[i] = string(t)
	}
	if err := idx.SynUpdate(c.tx, group, terms, skip); err != nil {
		if errors.Is(err, search.ErrSynonymTerms) || errors.Is(err, search.ErrSynonymGroups) {
			c.Err(Error(err.Error())) // RediSearch sends these without a prefix
			return
		}
		c.Err(searchError(err))
		return
	}
	c.W.OK()
}

// FT.SYNDUMP index
//
// A map of each term to the groups it is in (RESP2: a flat array of term, [groups…] pairs).
func cmdFTSynDump(c *Ctx) {
	idx := c.srv.search.Get(string(c.Args[1]))
	if idx == nil {
		c.Err(Error(string(c.Args[1]) + ": no such index"))
		return
	}
	terms := idx.SynDump()
	c.W.Map(len(terms))
	for _, t := range terms {
		c.W.BulkString(t.Term)
		c.W.Array(len(t.Groups))
		for _, g := range t.Groups {
			c.W.BulkString(g)
		}
	}
}
