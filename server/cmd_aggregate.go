package server

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"darner/search"
	"darner/search/expr"
)

// FT.AGGREGATE's answers are computed whole, under the shards' locks; WITHCURSOR keeps
// what the first read did not return in a cursor, which FT.CURSOR READ pages through
// without touching the data again (so a cursor sees the index as it was when it was
// opened: RediSearch's cursors, which resume the query, may see later changes).

// Cursor defaults, RediSearch's: rows per read and how long an unread cursor lives.
const (
	cursorDefaultCount   = 1000
	cursorDefaultMaxIdle = 300 * time.Second
)

// cursor is an FT.AGGREGATE's rows not yet read.
type cursor struct {
	index   string
	total   int64
	rows    []search.AggRow
	count   int
	maxIdle time.Duration
	used    time.Time
}

// cursors are the server's open cursors, by id, and their settings.
type cursors struct {
	mu   sync.Mutex
	byID map[uint64]*cursor
	// maxIdleMs caps a cursor's MAXIDLE (CURSOR_MAX_IDLE) and readSizeN is the rows a read
	// returns without COUNT (CURSOR_READ_SIZE); 0: the defaults.
	maxIdleMs, readSizeN atomic.Int64
}

func (cs *cursors) maxIdle() time.Duration {
	if ms := cs.maxIdleMs.Load(); ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return cursorDefaultMaxIdle
}

func (cs *cursors) readSize() int {
	if n := cs.readSizeN.Load(); n > 0 {
		return int(n)
	}
	return cursorDefaultCount
}

// open stores c and returns its id (never 0: 0 tells a client the rows are all read).
func (cs *cursors) open(c *cursor) uint64 {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.sweepLocked(c.used)
	if cs.byID == nil {
		cs.byID = map[uint64]*cursor{}
	}
	for {
		id := rand.Uint64N(1<<53) + 1 // exact in a client's float64, as RediSearch's ids are
		if _, taken := cs.byID[id]; !taken {
			cs.byID[id] = c
			return id
		}
	}
}

// take removes and returns cursor id of index; nil when there is none (or it expired).
func (cs *cursors) take(index string, id uint64, now time.Time) *cursor {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.sweepLocked(now)
	c := cs.byID[id]
	if c == nil || c.index != index {
		return nil
	}
	delete(cs.byID, id)
	return c
}

// put stores c back under id after a read.
func (cs *cursors) put(id uint64, c *cursor) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.byID[id] = c
}

// sweepLocked drops the cursors idle longer than their MAXIDLE.
func (cs *cursors) sweepLocked(now time.Time) {
	for id, c := range cs.byID {
		if now.Sub(c.used) > c.maxIdle {
			delete(cs.byID, id)
		}
	}
}

// Stats are FT.INFO's cursor_stats for index: cursors of all indexes, idle ones (all of
// ours are idle between reads), and the index's own.
func (cs *cursors) Stats(index string) (total, indexTotal int) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.sweepLocked(time.Now())
	for _, c := range cs.byID {
		if c.index == index {
			indexTotal++
		}
	}
	return len(cs.byID), indexTotal
}

// FT.AGGREGATE index query [VERBATIM] [LOAD n f [AS a]… | LOAD *] [TIMEOUT ms]
// [GROUPBY n @p… [REDUCE fn n args… [AS name]]…]… [SORTBY n (@p [ASC|DESC])… [MAX n]]
// [APPLY expr AS name]… [LIMIT off num] [FILTER expr] [WITHCURSOR [COUNT n] [MAXIDLE ms]]
// [PARAMS n k v…] [SCORER s] [ADDSCORES] [DIALECT d]
func cmdFTAggregate(c *Ctx) {
	name := string(c.Args[1])
	idx := c.srv.search.Get(name)
	if idx == nil {
		c.Err(Error(name + ": no such index"))
		return
	}
	argv := argStrings(c.Args, 2)
	ar, err := search.ParseAggregate(argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	for _, st := range ar.Steps {
		if st.Kind != search.StepLimit {
			continue
		}
		if err := checkLimit(st.Offset, st.Num, c.srv.limits.maxAggregate.Load()); err != nil {
			c.Err(err.(Error))
			return
		}
	}
	res, err := c.srv.search.Aggregate(c.tx, idx, ar)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	if !ar.WithCursor {
		writeAggRows(c.W, res.Total, res.Rows)
		return
	}
	cs := &c.srv.cursors
	// The index's own name: a cursor opened through an alias reads through either name.
	cur := &cursor{index: idx.Def.Name, total: res.Total, rows: res.Rows, count: ar.CursorCount,
		maxIdle: cs.maxIdle(), used: time.Now()}
	if cur.count <= 0 {
		cur.count = cs.readSize()
	}
	if ar.MaxIdle > 0 {
		cur.maxIdle = min(cur.maxIdle, time.Duration(ar.MaxIdle)*time.Millisecond)
	}
	c.srv.cursors.readFrom(c, cur, 0, cur.count)
}

// readFrom answers a cursor read: up to count rows, and the cursor's id (0 when that was
// all, and the cursor is gone). id 0 opens the cursor if rows remain.
func (cs *cursors) readFrom(c *Ctx, cur *cursor, id uint64, count int) {
	n := min(count, len(cur.rows))
	page := cur.rows[:n]
	cur.rows = cur.rows[n:]
	if len(cur.rows) == 0 {
		id = 0
	} else {
		cur.used = time.Now()
		if id == 0 {
			id = cs.open(cur)
		} else {
			cs.put(id, cur)
		}
	}
	c.W.Array(2)
	writeAggRows(c.W, cur.total, page)
	c.W.Int(int64(id))
}

// FT.CURSOR READ index id [COUNT n] [MAXIDLE ms] | FT.CURSOR DEL index id
func cmdFTCursorRead(c *Ctx) {
	index, id, ok := cursorArgs(c)
	if !ok {
		return
	}
	count, maxIdle, err := cursorReadOptions(c.Args[4:])
	if err != nil {
		c.Err(err.(Error))
		return
	}
	cur := c.srv.cursors.take(index, id, time.Now())
	if cur == nil {
		c.Err(Error("ERR Cursor not found, id: " + strconv.FormatUint(id, 10)))
		return
	}
	if count == 0 {
		count = cur.count
	}
	if maxIdle > 0 {
		cur.maxIdle = min(maxIdle, c.srv.cursors.maxIdle())
	}
	c.srv.cursors.readFrom(c, cur, id, count)
}

// cursorReadOptions reads FT.CURSOR READ's options, in any order (redis-py sends MAXIDLE
// before COUNT); zero where not given.
func cursorReadOptions(opts [][]byte) (count int, maxIdle time.Duration, err error) {
	for i := 0; i < len(opts); i += 2 {
		if i+1 >= len(opts) {
			return 0, 0, errSyntax
		}
		val := string(opts[i+1])
		switch strings.ToUpper(string(opts[i])) {
		case "COUNT":
			if count, err = strconv.Atoi(val); err != nil || count <= 0 {
				return 0, 0, Error("ERR Bad arguments for COUNT: Value is not an integer or out of range")
			}
		case "MAXIDLE":
			ms, perr := search.ParseMaxIdle(val)
			if perr != nil {
				return 0, 0, searchError(perr)
			}
			maxIdle = time.Duration(ms) * time.Millisecond
		default:
			return 0, 0, errSyntax
		}
	}
	return count, maxIdle, nil
}

func cmdFTCursorDel(c *Ctx) {
	index, id, ok := cursorArgs(c)
	if !ok {
		return
	}
	if c.srv.cursors.take(index, id, time.Now()) == nil {
		c.Err("ERR Cursor does not exist")
		return
	}
	c.W.OK()
}

// cursorArgs reads FT.CURSOR's index (an alias resolved to the index's own name) and id;
// it replies the error when they are bad.
func cursorArgs(c *Ctx) (string, uint64, bool) {
	index := string(c.Args[2])
	idx := c.srv.search.Get(index)
	if idx == nil {
		c.Err(Error(index + ": no such index"))
		return "", 0, false
	}
	id, err := strconv.ParseUint(string(c.Args[3]), 10, 64)
	if err != nil {
		c.Err("ERR Bad cursor ID")
		return "", 0, false
	}
	return idx.Def.Name, id, true
}

// writeAggRows writes rows as FT.AGGREGATE replies: in RESP2 the total, then each row as
// a flat array of names and values; in RESP3 the map of Redis 8 (attributes, format,
// results with each row's extra_attributes, total_results, warning).
func writeAggRows(w *Writer, total int64, rows []search.AggRow) {
	if w.RESP3() {
		w.Map(5)
		w.BulkString("attributes")
		w.Array(0)
		w.BulkString("format")
		w.Simple("STRING")
		w.BulkString("results")
		w.Array(len(rows))
		for _, r := range rows {
			w.Map(2)
			w.BulkString("extra_attributes")
			w.Map(len(r.Names))
			for i, n := range r.Names {
				w.BulkString(n)
				writeAggValue(w, r.Vals[i])
			}
			w.BulkString("values")
			w.Array(0)
		}
		w.BulkString("total_results")
		w.Int(total)
		w.BulkString("warning")
		w.Array(0)
		return
	}
	w.Array(len(rows) + 1)
	w.Int(total)
	for _, r := range rows {
		w.Array(2 * len(r.Names))
		for i, n := range r.Names {
			w.BulkString(n)
			writeAggValue(w, r.Vals[i])
		}
	}
}

// writeAggValue writes one value: a list (TOLIST, RANDOM_SAMPLE, split) as an array, any
// other as its text.
func writeAggValue(w *Writer, v expr.Value) {
	if v.Kind == expr.Array {
		w.Array(len(v.Arr))
		for _, x := range v.Arr {
			writeAggValue(w, x)
		}
		return
	}
	w.BulkString(v.Format())
}
