package search

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"darner/engine"
	"darner/jsonpath"
	"darner/search/expr"
	"darner/search/query"
)

// AggResult is an FT.AGGREGATE's answer: the rows, each its properties in order, and the
// count of rows the pipeline produced before its last LIMIT or SORTBY … MAX paged them.
type AggResult struct {
	Total int64
	Rows  []AggRow
}

// AggRow is one row of the answer: its properties' names and values, nulls left out.
type AggRow struct {
	Names []string
	Vals  []expr.Value
}

// lookup names the properties of a pipeline's rows, each at a slot of the rows' values.
type lookup struct {
	slots map[string]int
	names []string
}

func (l *lookup) slot(name string) int {
	if i, ok := l.slots[name]; ok {
		return i
	}
	l.slots[name] = len(l.names)
	l.names = append(l.names, name)
	return len(l.names) - 1
}

// aggRow is a row in the pipeline: values by slot, the document's key (for the order of
// ties; "" once grouped), and, for LOAD *, properties the plan did not name.
type aggRow struct {
	l     *lookup
	vals  []expr.Value
	key   string
	extra []namedValue
	// nulls are the slots holding a null that is a value (an APPLY's or reducer's null
	// result, a group's null key), not a property the document lacks: expressions may
	// read them without the missing-property error.
	nulls []int
}

type namedValue struct {
	name string
	val  expr.Value
}

func (r *aggRow) at(slot int) expr.Value {
	if slot < len(r.vals) {
		return r.vals[slot]
	}
	return expr.Value{}
}

func (r *aggRow) set(slot int, v expr.Value) {
	for len(r.vals) <= slot {
		r.vals = append(r.vals, expr.Value{})
	}
	r.vals[slot] = v
	if v.IsNull() && !slices.Contains(r.nulls, slot) {
		r.nulls = append(r.nulls, slot)
	}
}

// Get gives an expression a property of the row; ok is false when the row lacks it.
func (r *aggRow) Get(name string) (expr.Value, bool) {
	if i, ok := r.l.slots[name]; ok {
		v := r.at(i)
		return v, !v.IsNull() || slices.Contains(r.nulls, i)
	}
	for _, nv := range r.extra {
		if nv.name == name {
			return nv.val, true
		}
	}
	return expr.Value{}, false
}

// loadSpec is one property read from each matching document.
type loadSpec struct {
	slot int
	id   string // attribute, hash field or JSONPath
	num  bool   // a NUMERIC attribute: its value is a number
}

// planStep is a step with its names resolved to slots and its expression parsed.
type planStep struct {
	AggStep
	expr *expr.Expr
	slot int // APPLY's output
	by   []int
	reds []reducerDef
	keys []int
}

// aggPlan is a compiled FT.AGGREGATE.
type aggPlan struct {
	l         *lookup
	loads     []loadSpec
	loadAll   bool
	keySlot   int // __key's slot, -1 when nothing reads it
	scoreSlot int
	distSlot  int // the KNN or range clause's distance
	steps     []planStep
	visible   []int // the slots the final rows show, in order
}

// compileAgg resolves ar's properties: each must be loaded, an attribute of the schema
// (loaded when referenced, as RediSearch does), produced by an earlier step, or __key or
// __score. yield is the query's distance alias, "" without a vector clause.
func compileAgg(def *Def, ar *AggRequest, yield string) (*aggPlan, error) {
	pl := &aggPlan{l: &lookup{slots: map[string]int{}}, loadAll: ar.LoadAll, keySlot: -1, scoreSlot: -1, distSlot: -1}
	avail := map[string]int{}
	show := func(name string) int {
		s := pl.l.slot(name)
		avail[name] = s
		if !slices.Contains(pl.visible, s) {
			pl.visible = append(pl.visible, s)
		}
		return s
	}
	load := func(id, as string) {
		f := def.Field(id)
		pl.loads = append(pl.loads, loadSpec{slot: show(as), id: id, num: f != nil && f.Type == Numeric})
	}
	for _, lf := range ar.Load {
		switch lf.ID {
		case "__key":
			pl.keySlot = show(lf.As)
		case "__score":
			pl.scoreSlot = show(lf.As)
		default:
			load(lf.ID, lf.As)
		}
	}
	if ar.LoadAll {
		for _, f := range def.Fields {
			if f.Type != Vector {
				load(f.Name, f.Name)
			}
		}
	}
	if yield != "" {
		pl.distSlot = show(yield)
	}
	if ar.AddScores {
		pl.scoreSlot = show("__score")
	}
	grouped := false
	need := func(name string) (int, error) {
		if s, ok := avail[name]; ok {
			return s, nil
		}
		if !grouped {
			switch name {
			case "__key":
				pl.keySlot = pl.l.slot(name)
				avail[name] = pl.keySlot
				return pl.keySlot, nil
			case "__score":
				pl.scoreSlot = pl.l.slot(name)
				avail[name] = pl.scoreSlot
				return pl.scoreSlot, nil
			}
			if f := def.Field(name); f != nil && f.Type != Vector {
				load(name, name)
				return avail[name], nil
			}
		}
		return 0, QueryError("Property `" + name + "` not loaded nor in schema")
	}
	for _, st := range ar.Steps {
		ps := planStep{AggStep: st}
		var err error
		switch st.Kind {
		case StepApply, StepFilter:
			if ps.expr, err = expr.Parse(st.Expr, ar.Params); err != nil {
				return nil, err
			}
			for _, p := range ps.expr.Properties() {
				if _, err := need(p); err != nil {
					return nil, err
				}
			}
			if st.Kind == StepApply {
				ps.slot = show(st.As)
			}
		case StepGroup:
			err = pl.compileGroup(&ps, need, &avail)
			grouped = true
		case StepSort:
			for _, k := range st.Keys {
				s, err := need(k.Name)
				if err != nil {
					return nil, err
				}
				ps.keys = append(ps.keys, s)
			}
		}
		if err != nil {
			return nil, err
		}
		pl.steps = append(pl.steps, ps)
	}
	return pl, nil
}

// compileGroup resolves a GROUPBY: after it, a row has only the group's properties and the
// reducers' values.
func (pl *aggPlan) compileGroup(ps *planStep, need func(string) (int, error), avail *map[string]int) error {
	for _, b := range ps.By {
		s, err := need(b)
		if err != nil {
			return err
		}
		ps.by = append(ps.by, s)
	}
	for _, rs := range ps.Reducers {
		d, err := compileReducer(rs, need)
		if err != nil {
			return err
		}
		ps.reds = append(ps.reds, d)
	}
	next := map[string]int{}
	pl.visible = pl.visible[:0]
	for i, b := range ps.By {
		next[b] = ps.by[i]
		pl.visible = append(pl.visible, ps.by[i])
	}
	for i := range ps.reds {
		s := pl.l.slot(ps.reds[i].spec.As)
		ps.reds[i].slot = s
		next[ps.reds[i].spec.As] = s
		pl.visible = append(pl.visible, s)
	}
	*avail = next
	return nil
}

// localSteps is how many of the first steps each part runs on its own rows: the APPLYs
// and FILTERs before the first other step. With a KNN clause none: the k nearest are known
// only once the parts' rows are merged.
func (pl *aggPlan) localSteps(knn bool) int {
	if knn {
		return 0
	}
	n := 0
	for n < len(pl.steps) && (pl.steps[n].Kind == StepApply || pl.steps[n].Kind == StepFilter) {
		n++
	}
	return n
}

// partAgg is one part's share: its rows, or its partial groups when the step after the
// local ones is a GROUPBY.
type partAgg struct {
	rows   []*aggRow
	count  int64 // rows before a partial SORTBY … MAX kept its first MAX
	groups *groupTable
	err    error
}

// Aggregate runs ar over idx: each part matches, loads and runs what it can of the
// pipeline on its own rows in parallel (filters, applies, partial groups, a sort's first
// MAX); the rest runs here on the merged rows.
func (r *Registry) Aggregate(tx *engine.Tx, idx *Index, ar *AggRequest) (*AggResult, error) {
	req := &ar.Request
	ast, vq, err := r.prepare(tx, idx, req)
	if err != nil {
		return nil, err
	}
	yield := ""
	if vq != nil {
		yield = vq.yield
	} else if req.rangeYield != nil {
		yield = req.rangeYield.yield
	}
	pl, err := compileAgg(idx.Def, ar, yield)
	if err != nil {
		return nil, err
	}
	local := pl.localSteps(vq != nil)
	// Every match, unsorted where the query allows: the parts return all their hits.
	req.Offset, req.Limit, req.SortBy = 0, math.MaxInt32, ""

	n := len(idx.parts)
	parts := make([]partAgg, n)
	b := &statsBarrier{stats: make([]partStats, n), ready: make(chan struct{})}
	b.remaining.Store(int32(n))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			t0 := time.Now()
			v := tx.ShardView(0, i)
			res := searchPart(v, idx.parts[i], req, ast, vq, &b.stats[i], b, &b.global)
			if res.err != nil {
				parts[i].err = res.err
				return
			}
			var steps *[]ProfileStep
			if req.prof != nil {
				steps = &req.prof[i].steps
			}
			parts[i] = pl.partRows(v, idx.parts[i], res.hits, local, vq == nil, steps)
			if req.prof != nil {
				req.prof[i].time, req.prof[i].matches, req.prof[i].hits = time.Since(t0), res.total, len(res.hits)
			}
		})
	}
	wg.Wait()
	k := 0
	if vq != nil {
		k = ast.(*query.KNN).K
	}
	return pl.finish(parts, local, k)
}

// partRows loads a part's hits into rows and runs the local steps, then, if partial, the
// partial group or sort that may follow them. With steps (FT.PROFILE), each stage's output
// count is recorded.
func (pl *aggPlan) partRows(v engine.View, p *part, hits []Hit, local int, partial bool, steps *[]ProfileStep) partAgg {
	note := func(name string, n int, t0 time.Time) {
		if steps != nil {
			*steps = append(*steps, ProfileStep{Type: name, Count: int64(n), Time: time.Since(t0)})
		}
	}
	t0 := time.Now()
	rows := make([]*aggRow, 0, len(hits))
	for i := range hits {
		if row := pl.loadRow(v, p.def, &hits[i]); row != nil {
			rows = append(rows, row)
		}
	}
	note("Loader", len(rows), t0)
	for j := range pl.steps[:local] {
		t0 = time.Now()
		var err error
		if rows, err = pl.run(rows, pl.steps[j:j+1]); err != nil {
			return partAgg{err: err}
		}
		note(stepName(&pl.steps[j]), len(rows), t0)
	}
	if partial && local < len(pl.steps) {
		t0 = time.Now()
		switch st := &pl.steps[local]; st.Kind {
		case StepGroup:
			g := pl.group(rows, st)
			note("Grouper", len(g.order), t0)
			return partAgg{groups: g}
		case StepSort:
			if st.Max > 0 {
				n := len(rows)
				rows = pl.sortRows(rows, st)
				note("Sorter", len(rows), t0)
				return partAgg{rows: rows, count: int64(n)}
			}
		}
	}
	return partAgg{rows: rows, count: int64(len(rows))}
}

// loadRow reads a hit's document into a row; nil when the key is gone.
func (pl *aggPlan) loadRow(v engine.View, def *Def, h *Hit) *aggRow {
	o := v.Get(h.Key)
	if o == nil {
		return nil
	}
	row := &aggRow{l: pl.l, vals: make([]expr.Value, len(pl.l.names)), key: h.Key}
	for _, ls := range pl.loads {
		s, ok := def.DocValue(o, ls.id, 2)
		if !ok {
			continue
		}
		if x, isNum := parseFloat(s); ls.num && isNum {
			row.vals[ls.slot] = expr.Num(x)
		} else {
			row.vals[ls.slot] = expr.Str(s)
		}
	}
	if pl.keySlot >= 0 {
		row.vals[pl.keySlot] = expr.Str(h.Key)
	}
	if pl.scoreSlot >= 0 {
		row.vals[pl.scoreSlot] = expr.Num(h.Score)
	}
	if pl.distSlot >= 0 && h.HasDist {
		row.vals[pl.distSlot] = expr.Num(h.Dist)
	}
	if pl.loadAll {
		row.extra = loadRest(o, pl.l)
	}
	return row
}

// loadRest is what LOAD * reads beyond the schema's attributes: a hash's other fields, or
// a JSON document whole, as "$".
func loadRest(o *engine.Object, l *lookup) []namedValue {
	var out []namedValue
	switch val := o.Value.(type) {
	case *engine.Hash:
		val.Range(func(f string, v []byte) bool {
			if _, ok := l.slots[f]; !ok {
				out = append(out, namedValue{f, expr.Str(string(v))})
			}
			return true
		})
	case *engine.JSON:
		out = append(out, namedValue{"$", expr.Str(string(jsonpath.Serialize(val.Root)))})
	}
	return out
}

// finish merges the parts' shares and runs the rest of the pipeline.
// knn is the query's KNN k, 0 without one.
func (pl *aggPlan) finish(parts []partAgg, local, knn int) (*AggResult, error) {
	var rows []*aggRow
	var groups *groupTable
	var count int64
	for _, pa := range parts {
		if pa.err != nil {
			return nil, pa.err
		}
		count += pa.count
		rows = append(rows, pa.rows...)
		if pa.groups != nil {
			if groups == nil {
				groups = pa.groups
			} else {
				groups.merge(pa.groups)
			}
		}
	}
	next := local
	switch {
	case knn > 0:
		rows = nearestRows(rows, pl.distSlot, knn)
	case local < len(pl.steps) && pl.steps[local].Kind == StepGroup:
		if groups == nil {
			groups = newGroupTable()
		}
		rows = pl.groupRows(groups, &pl.steps[local])
		next++
	}
	res := &AggResult{}
	rest := pl.steps[next:]
	var err error
	if k := len(rest) - 1; k >= 0 && (rest[k].Kind == StepLimit || (rest[k].Kind == StepSort && rest[k].Max > 0)) {
		if rows, err = pl.run(rows, rest[:k]); err != nil {
			return nil, err
		}
		res.Total = int64(len(rows))
		if k == 0 && next == local && rest[k].Kind == StepSort && knn == 0 {
			res.Total = count // the parts kept their first MAX of count rows
		}
		rows, err = pl.run(rows, rest[k:])
	} else {
		rows, err = pl.run(rows, rest)
		res.Total = int64(len(rows))
	}
	if err != nil {
		return nil, err
	}
	res.Rows = pl.output(rows)
	return res, nil
}

// nearestRows keeps the k rows nearest by distance (ties by key): the KNN clause's answer
// over every part.
func nearestRows(rows []*aggRow, dist, k int) []*aggRow {
	slices.SortStableFunc(rows, func(a, b *aggRow) int {
		da, db := a.at(dist).Num, b.at(dist).Num
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return strings.Compare(a.key, b.key)
	})
	return rows[:min(k, len(rows))]
}

// run passes rows through steps in order. An expression that fails on a row (reading a
// property the row lacks outside exists(), a string where a number must be) fails the
// whole query with its error, as in RediSearch.
func (pl *aggPlan) run(rows []*aggRow, steps []planStep) ([]*aggRow, error) {
	for i := range steps {
		st := &steps[i]
		switch st.Kind {
		case StepApply:
			for _, r := range rows {
				v, err := st.expr.Evaluate(r, expr.Query)
				if err != nil {
					return nil, err
				}
				r.set(st.slot, v)
			}
		case StepFilter:
			kept := rows[:0]
			for _, r := range rows {
				v, err := st.expr.Evaluate(r, expr.Query)
				if err != nil {
					return nil, err
				}
				if v.Truthy() {
					kept = append(kept, r)
				}
			}
			rows = kept
		case StepGroup:
			rows = pl.groupRows(pl.group(rows, st), st)
		case StepSort:
			rows = pl.sortRows(rows, st)
		case StepLimit:
			lo := min(st.Offset, len(rows))
			rows = rows[lo:min(lo+st.Num, len(rows))]
		}
	}
	return rows, nil
}

// sortRows orders rows by the step's keys (nulls last), ties by key, and keeps MAX.
func (pl *aggPlan) sortRows(rows []*aggRow, st *planStep) []*aggRow {
	slices.SortStableFunc(rows, func(a, b *aggRow) int {
		for i, s := range st.keys {
			if c := compareNullsLast(a.at(s), b.at(s), st.Keys[i].Desc); c != 0 {
				return c
			}
		}
		return strings.Compare(a.key, b.key)
	})
	if st.Max > 0 && len(rows) > st.Max {
		rows = rows[:st.Max]
	}
	return rows
}

// output turns rows into the reply's rows: the visible properties in order, nulls left
// out, then LOAD *'s others.
func (pl *aggPlan) output(rows []*aggRow) []AggRow {
	out := make([]AggRow, len(rows))
	for i, r := range rows {
		o := AggRow{}
		for _, s := range pl.visible {
			if v := r.at(s); !v.IsNull() {
				o.Names = append(o.Names, pl.l.names[s])
				o.Vals = append(o.Vals, v)
			}
		}
		for _, nv := range r.extra {
			o.Names = append(o.Names, nv.name)
			o.Vals = append(o.Vals, nv.val)
		}
		out[i] = o
	}
	return out
}

// groupTable is GROUPBY's groups, in the order first met.
type groupTable struct {
	order  []string
	groups map[string]*group
}

type group struct {
	by     []expr.Value
	states []reducer
	key    string // the smallest document key among its rows, for the order of ties
}

func newGroupTable() *groupTable { return &groupTable{groups: map[string]*group{}} }

// group folds rows into groups by the step's properties.
func (pl *aggPlan) group(rows []*aggRow, st *planStep) *groupTable {
	t := newGroupTable()
	var kb strings.Builder
	for _, r := range rows {
		kb.Reset()
		for _, s := range st.by {
			kb.WriteString(valueKey(r.at(s)))
			kb.WriteByte(0)
		}
		g, ok := t.groups[kb.String()]
		if !ok {
			g = &group{key: r.key}
			for _, s := range st.by {
				g.by = append(g.by, r.at(s))
			}
			for i := range st.reds {
				g.states = append(g.states, st.reds[i].newState())
			}
			k := kb.String()
			t.groups[k] = g
			t.order = append(t.order, k)
		}
		g.key = min(g.key, r.key)
		for _, s := range g.states {
			s.add(r)
		}
	}
	return t
}

// merge adds another part's groups to t.
func (t *groupTable) merge(o *groupTable) {
	for _, k := range o.order {
		og := o.groups[k]
		g, ok := t.groups[k]
		if !ok {
			t.groups[k] = og
			t.order = append(t.order, k)
			continue
		}
		g.key = min(g.key, og.key)
		for i, s := range g.states {
			s.merge(og.states[i])
		}
	}
}

// groupRows makes a row of each group: its properties and its reducers' values.
func (pl *aggPlan) groupRows(t *groupTable, st *planStep) []*aggRow {
	rows := make([]*aggRow, 0, len(t.order))
	for _, k := range t.order {
		g := t.groups[k]
		r := &aggRow{l: pl.l, key: g.key}
		for i, s := range st.by {
			r.set(s, g.by[i])
		}
		for i := range st.reds {
			r.set(st.reds[i].slot, g.states[i].value())
		}
		rows = append(rows, r)
	}
	return rows
}
