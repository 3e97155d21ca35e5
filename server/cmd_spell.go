package server

import (
	"errors"

	"darner/search"
)

// The spelling commands: custom dictionaries (FT.DICTADD, FT.DICTDEL, FT.DICTDUMP) and
// FT.SPELLCHECK, which suggests index words (and dictionary words) for the words of a
// query the index does not hold (see search/spellcheck.go). The dictionaries are not keys
// and live outside the shards, behind a lock of their own, so the dictionary commands
// declare no keys and take no shard lock; FT.SPELLCHECK reads the index's words on every
// shard, so it holds them all, as FT.SEARCH does.

func spellCommands() []*Command {
	cmd := func(name string, arity int, flags Flag, since, summary string, h func(*Ctx)) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, Group: "search", Since: since,
			Summary: summary, Handler: h}
	}
	return []*Command{
		cmd("ft.dictadd", -3, FlagWrite|FlagDenyOOM, "1.4.0", "Adds terms to a custom dictionary, making it if need be.", cmdFTDictAdd),
		cmd("ft.dictdel", -3, FlagWrite, "1.4.0", "Deletes terms from a custom dictionary.", cmdFTDictDel),
		cmd("ft.dictdump", 2, FlagReadonly, "1.4.0", "Returns the terms of a custom dictionary.", cmdFTDictDump),
		cmd("ft.spellcheck", -3, FlagReadonly|FlagAllShards, "1.4.0",
			"Suggests corrections for the query words an index does not hold.", cmdFTSpellCheck),
	}
}

// FT.DICTADD dict term [term …]
func cmdFTDictAdd(c *Ctx) {
	c.W.Int(int64(c.srv.search.DictAdd(c.tx, string(c.Args[1]), argStrings(c.Args, 2))))
}

// FT.DICTDEL dict term [term …]
func cmdFTDictDel(c *Ctx) {
	c.W.Int(int64(c.srv.search.DictDel(string(c.Args[1]), argStrings(c.Args, 2))))
}

// FT.DICTDUMP dict
func cmdFTDictDump(c *Ctx) {
	terms := c.srv.search.DictDump(string(c.Args[1]))
	c.W.Set(len(terms))
	for _, t := range terms {
		c.W.BulkString(t)
	}
}

// FT.SPELLCHECK index query [DISTANCE d] [TERMS INCLUDE|EXCLUDE dict [term …]]…
// [DIALECT n] [PARAMS n name value …]
func cmdFTSpellCheck(c *Ctx) {
	req, err := search.ParseSpellCheck(argStrings(c.Args, 2))
	if err != nil { // a bad DIALECT, which RediSearch reports before looking the index up
		c.Err(searchError(err))
		return
	}
	idx := c.srv.search.Get(string(c.Args[1]))
	if idx == nil {
		c.Err("Unknown Index name") // RediSearch 8.0–8.6's words for FT.SPELLCHECK
		return
	}
	res, err := c.srv.search.SpellCheck(c.tx, idx, req)
	if err != nil {
		var se search.SpellError
		if errors.As(err, &se) {
			c.Err(Error(se))
			return
		}
		c.Err(searchError(err))
		return
	}
	writeSpellReply(c.W, res, req.FullScoreInfo)
}

// spellFoundInIndex is what FULLSCOREINFO says of a query word the index holds.
const spellFoundInIndex = "term exists in index"

// writeSpellReply writes FT.SPELLCHECK's answer. RESP2: [["TERM", word, [[score, suggestion],
// …]], …], preceded by the number of documents with FULLSCOREINFO. RESP3: {results: {word:
// [{suggestion: score}, …], …}}, with total_docs before results under FULLSCOREINFO, where
// a word the index holds maps to an error.
func writeSpellReply(w *Writer, res *search.SpellResult, full bool) {
	if !w.RESP3() {
		n := len(res.Terms)
		if full {
			n++
		}
		w.Array(n)
		if full {
			w.Int(res.TotalDocs)
		}
		for _, st := range res.Terms {
			w.Array(3)
			w.Simple("TERM")
			w.BulkString(st.Term)
			if st.InIndex {
				w.Simple(spellFoundInIndex)
				continue
			}
			w.Array(len(st.Suggestions))
			for _, sg := range st.Suggestions {
				w.Array(2)
				w.Double(sg.Score)
				w.BulkString(sg.Term)
			}
		}
		return
	}
	if full {
		w.Map(2)
		w.BulkString("total_docs")
		w.Int(res.TotalDocs)
	} else {
		w.Map(1)
	}
	w.BulkString("results")
	w.Map(len(res.Terms))
	for _, st := range res.Terms {
		w.BulkString(st.Term)
		if st.InIndex {
			w.Err(spellFoundInIndex)
			continue
		}
		w.Array(len(st.Suggestions))
		for _, sg := range st.Suggestions {
			w.Map(1)
			w.BulkString(sg.Term)
			w.Double(sg.Score)
		}
	}
}
