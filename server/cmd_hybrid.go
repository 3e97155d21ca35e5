package server

import (
	"strconv"
	"time"

	"darner/search"
)

// FT.HYBRID (Redis 8.4): a text search and a vector search over one index, their rankings
// fused into one (search.Registry.Hybrid). Like FT.SEARCH it reads the whole index, so it
// declares every shard.

func hybridCommands() []*Command {
	return []*Command{
		{Name: "ft.hybrid", Arity: -2, Flags: FlagReadonly | FlagAllShards, Group: "search", Since: "8.4.0",
			Summary: "Runs a text query and a vector query over an index and fuses their rankings (RRF or LINEAR).",
			Handler: cmdFTHybrid},
	}
}

// FT.HYBRID index [2] SEARCH query [SCORER s] [YIELD_SCORE_AS name]
// VSIM @field $param [KNN n K k [EF_RUNTIME ef] [SHARD_K_RATIO r] | RANGE n RADIUS r [EPSILON e]]
// [FILTER expr | FILTER n expr [POLICY ADHOC|BATCHES] [BATCH_SIZE b]] [YIELD_SCORE_AS name]
// [COMBINE RRF n [CONSTANT c] [WINDOW w] [YIELD_SCORE_AS name] |
// COMBINE LINEAR n [ALPHA a BETA b] [WINDOW w] [YIELD_SCORE_AS name]] [YIELD_SCORE_AS name]
// [LOAD n @f [AS a]… | LOAD *]… [GROUPBY n @p… [REDUCE fn n args… [AS name]]…]
// [APPLY expr [AS name]]… [SORTBY n (@p [ASC|DESC])… | NOSORT] [FILTER expr] [LIMIT offset num]
// [PARAMS n name value…] [TIMEOUT ms] [FORMAT STRING]
func cmdFTHybrid(c *Ctx) {
	start := time.Now()
	name := string(c.Args[1])
	idx := c.srv.search.Get(name)
	if idx == nil {
		c.Err(Error("No such index " + name)) // RediSearch 8.4's words for FT.HYBRID
		return
	}
	argv := argStrings(c.Args, 2)
	hr, err := search.ParseHybrid(argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	if most := c.srv.limits.maxSearch.Load(); hr.HasLimit && most > 0 && int64(hr.LimitNum) > most {
		c.Err(Error("ERR LIMIT exceeds maximum of " + strconv.FormatInt(most, 10)))
		return
	}
	res, err := c.srv.search.Hybrid(c.tx, idx, hr)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	writeHybridReply(c.W, res, time.Since(start))
}

// writeHybridReply writes FT.HYBRID's answer as RediSearch 8.4 does: a map (a flat array of
// names and values in RESP2) of total_results, results (each row a map of its properties,
// values as text), warnings and execution_time (milliseconds, a double).
func writeHybridReply(w *Writer, res *search.AggResult, elapsed time.Duration) {
	w.Map(4)
	w.Simple("total_results")
	w.Int(res.Total)
	w.Simple("results")
	w.Array(len(res.Rows))
	for _, r := range res.Rows {
		w.Map(len(r.Names))
		for i, n := range r.Names {
			w.BulkString(n)
			writeAggValue(w, r.Vals[i])
		}
	}
	w.Simple("warnings")
	w.Array(0)
	w.Simple("execution_time")
	w.Double(float64(elapsed.Nanoseconds()) / 1e6)
}
