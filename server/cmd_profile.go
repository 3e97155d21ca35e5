package server

import (
	"strings"
	"time"

	"darner/search"
)

// FT.PROFILE index SEARCH|AGGREGATE [LIMITED] QUERY query [args…]
//
// It runs the FT.SEARCH or FT.AGGREGATE and replies its answer with a profile in
// RediSearch 8's layout: per shard (darner's shards are real: one entry each), the time
// its part took, the query tree with what each node matched there, and the stages its
// documents went through; then, as RediSearch's coordinator, the time of the merge.
func cmdFTProfile(c *Ctx) {
	name := string(c.Args[1])
	idx := c.srv.search.Get(name)
	if idx == nil {
		c.Err(Error(name + ": no such index"))
		return
	}
	kind := strings.ToUpper(string(c.Args[2]))
	if kind != "SEARCH" && kind != "AGGREGATE" {
		c.Err("ERR No `SEARCH` or `AGGREGATE` provided")
		return
	}
	rest := c.Args[3:]
	limited := len(rest) > 0 && strings.EqualFold(string(rest[0]), "LIMITED")
	if limited {
		rest = rest[1:]
	}
	if len(rest) < 2 || !strings.EqualFold(string(rest[0]), "QUERY") {
		c.Err("ERR The QUERY keyword is expected")
		return
	}
	argv := argStrings(rest, 1)
	if kind == "SEARCH" {
		profileSearch(c, idx, argv, limited)
	} else {
		profileAggregate(c, idx, argv, limited)
	}
}

func profileSearch(c *Ctx, idx *search.Index, argv []string, limited bool) {
	sa, err := search.ParseSearch(argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	res, prof, err := c.srv.search.ProfileSearch(c.tx, idx, &sa.Request, limited)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	writeProfileReply(c.W, prof, func() { writeSearchReply(c, idx, sa, res) })
}

func profileAggregate(c *Ctx, idx *search.Index, argv []string, limited bool) {
	ar, err := search.ParseAggregate(argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	if ar.WithCursor {
		c.Err("ERR FT.PROFILE does not support cursor")
		return
	}
	res, prof, err := c.srv.search.ProfileAggregate(c.tx, idx, ar, limited)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	writeProfileReply(c.W, prof, func() { writeAggRows(c.W, res.Total, res.Rows) })
}

// writeProfileReply writes [results, profile] (RESP2) or {Results, Profile} (RESP3).
func writeProfileReply(w *Writer, prof *search.Profile, results func()) {
	if w.RESP3() {
		w.Map(2)
		w.BulkString("Results")
	} else {
		w.Array(2)
	}
	results()
	if w.RESP3() {
		w.BulkString("Profile")
		w.Map(2)
	} else {
		w.Array(4)
	}
	w.BulkString("Shards")
	w.Array(len(prof.Shards))
	for i := range prof.Shards {
		writeShardProfile(w, prof, &prof.Shards[i])
	}
	w.BulkString("Coordinator")
	w.Map(2)
	w.BulkString("Total Coordinator time")
	w.Double(ms(prof.Total))
	w.BulkString("Post Proccessing time") // sic: RediSearch's spelling
	w.Double(ms(prof.Merge))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func writeShardProfile(w *Writer, prof *search.Profile, sp *search.ShardProfile) {
	w.Map(6)
	w.BulkString("Total profile time")
	w.Double(ms(sp.Time))
	w.BulkString("Parsing time")
	w.Double(ms(prof.Parse))
	w.BulkString("Pipeline creation time")
	w.Double(0)
	w.BulkString("Warning")
	w.BulkString("None")
	w.BulkString("Iterators profile")
	writeProfileNode(w, sp.Iterators)
	w.BulkString("Result processors profile")
	w.Array(len(sp.Processors))
	for _, st := range sp.Processors {
		w.Map(3)
		w.BulkString("Type")
		w.BulkString(st.Type)
		w.BulkString("Time")
		w.Double(ms(st.Time))
		w.BulkString("Results processed")
		w.Int(st.Count)
	}
}

// writeProfileNode writes one node of the tree and, below it, its children.
func writeProfileNode(w *Writer, n *search.ProfileNode) {
	pairs := 3 // Type, Time, Number of reading operations
	if n.QueryType != "" {
		pairs++
	}
	leaf := n.Type == "TEXT" || n.Type == "TAG" || n.Type == "NUMERIC"
	if n.Term != "" {
		pairs++
	}
	if leaf {
		pairs++
	}
	if len(n.Children) > 0 {
		pairs++
	}
	w.Map(pairs)
	w.BulkString("Type")
	w.BulkString(n.Type)
	if n.QueryType != "" {
		w.BulkString("Query type")
		w.BulkString(n.QueryType)
	}
	if n.Term != "" {
		w.BulkString("Term")
		w.BulkString(n.Term)
	}
	w.BulkString("Time")
	w.Double(ms(n.Time))
	w.BulkString("Number of reading operations")
	w.Int(n.Count)
	if leaf {
		w.BulkString("Estimated number of matches")
		w.Int(n.Count)
	}
	switch {
	case len(n.Children) == 0:
	case n.Single:
		w.BulkString("Child iterator")
		writeProfileNode(w, n.Children[0])
	default:
		w.BulkString("Child iterators")
		w.Array(len(n.Children))
		for _, ch := range n.Children {
			writeProfileNode(w, ch)
		}
	}
}
