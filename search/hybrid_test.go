package search

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
	"darner/vectors"
)

func hits(keys ...string) []Hit {
	out := make([]Hit, len(keys))
	for i, k := range keys {
		out[i] = Hit{Key: k, Score: float64(10 - i), Dist: float64(i)}
	}
	return out
}

// fuse by the formulas: RRF's 1/(CONSTANT+rank) summed over the lists a document is in,
// ranks from 1; LINEAR's ALPHA × text + BETA × vector score; only WINDOW of each list;
// text hits first, then the vector's own.
func TestFuse(t *testing.T) {
	ident := func(d float64) float64 { return 1 / (1 + d) } // L2's score
	type want struct {
		key   string
		score float64
	}
	for _, c := range []struct {
		name      string
		text, vec []Hit
		f         Fusion
		want      []want
	}{
		{"rrf both lists", hits("a", "b", "c"), hits("c", "d"), Fusion{Constant: 60, Window: 20},
			[]want{{"a", 1.0 / 61}, {"b", 1.0 / 62}, {"c", 1.0/63 + 1.0/61}, {"d", 1.0 / 62}}},
		{"rrf constant 1", hits("x"), hits("y", "x"), Fusion{Constant: 1, Window: 20},
			[]want{{"x", 1.0/2 + 1.0/3}, {"y", 1.0 / 2}}},
		{"rrf window", hits("a", "b", "c"), hits("d", "c", "a"), Fusion{Constant: 60, Window: 2},
			[]want{{"a", 1.0 / 61}, {"b", 1.0 / 62}, {"d", 1.0 / 61}, {"c", 1.0 / 62}}},
		{"linear", hits("a", "b"), hits("b", "c"), Fusion{Linear: true, Alpha: 0.3, Beta: 0.7, Window: 20},
			[]want{{"a", 0.3 * 10}, {"b", 0.3*9 + 0.7*1}, {"c", 0.7 * 0.5}}},
		{"linear window", hits("a", "b"), hits("b", "c"), Fusion{Linear: true, Alpha: 1, Beta: 1, Window: 1},
			[]want{{"a", 10}, {"b", 1}}},
		{"empty text", nil, hits("c"), Fusion{Constant: 60, Window: 20}, []want{{"c", 1.0 / 61}}},
		{"duplicate vector hit", nil, hits("c", "c"), Fusion{Constant: 60, Window: 20}, []want{{"c", 1.0 / 61}}},
	} {
		got := fuse(c.text, c.vec, ident, c.f)
		require.Len(t, got, len(c.want), c.name)
		for i, w := range c.want {
			assert.Equal(t, w.key, got[i].key, c.name)
			assert.InDelta(t, w.score, got[i].score, 1e-15, "%s %s", c.name, w.key)
		}
	}
}

// The distance → score mappings RediSearch's FT.HYBRID uses (src/vector_normalization.h).
func TestVectorScore(t *testing.T) {
	for _, c := range []struct {
		m    vectors.Metric
		d    float64
		want float64
	}{
		{vectors.L2, 0, 1}, {vectors.L2, 3, 0.25},
		{vectors.Cosine, 0, 1}, {vectors.Cosine, 1, 0.5}, {vectors.Cosine, 2, 0},
		{vectors.IP, 0, 0.5}, {vectors.IP, 1, 1}, {vectors.IP, -1, 0},
	} {
		assert.InDelta(t, c.want, vectorScore(c.m)(c.d), 1e-15, "%v %v", c.m, c.d)
	}
}

// ParseHybrid's defaults and the clauses' forms clients send.
func TestParseHybrid(t *testing.T) {
	hr, err := ParseHybrid(strings.Fields("SEARCH hello VSIM @v $p PARAMS 2 p x"))
	require.NoError(t, err)
	assert.Equal(t, HybridText{Query: "hello"}, hr.Text)
	assert.Equal(t, HybridVector{Field: "v", Param: "p", K: 10}, hr.Vector)
	assert.Equal(t, Fusion{Constant: 60, Window: 20}, hr.Fusion)
	assert.Equal(t, map[string]string{"p": "x"}, hr.Params)
	steps, countOnly := hr.expandSteps()
	assert.False(t, countOnly)
	assert.Equal(t, []AggStep{{Kind: StepSort, Keys: []SortKey{{Name: "__score", Desc: true}}, Max: 10},
		{Kind: StepLimit, Num: 10}}, steps)

	// redisvl / redis-py: counted COMBINE with YIELD_SCORE_AS inside; KNN capped by WINDOW.
	hr, err = ParseHybrid(strings.Fields("2 SEARCH @t:(a|b) SCORER bm25std YIELD_SCORE_AS ts VSIM @v $vector " +
		"KNN 4 K 50 EF_RUNTIME 12 FILTER @tag:{x} YIELD_SCORE_AS vs COMBINE LINEAR 6 ALPHA 0.2 BETA 0.8 YIELD_SCORE_AS fs " +
		"LOAD 4 @t AS title @__key LIMIT 5 7 PARAMS 2 vector b"))
	require.NoError(t, err)
	ef := 12
	assert.Equal(t, HybridText{Query: "@t:(a|b)", Scorer: "BM25STD", YieldScoreAs: "ts"}, hr.Text)
	assert.Equal(t, HybridVector{Field: "v", Param: "vector", K: 20, EFRuntime: &ef, Filter: "@tag:{x}", YieldScoreAs: "vs"}, hr.Vector)
	assert.Equal(t, Fusion{Linear: true, Constant: 60, Alpha: 0.2, Beta: 0.8, Window: 20, YieldScoreAs: "fs"}, hr.Fusion)
	assert.Equal(t, []ReturnField{{"t", "title"}, {"__key", "__key"}}, hr.Load)
	steps, _ = hr.expandSteps()
	assert.Equal(t, []AggStep{{Kind: StepSort, Keys: []SortKey{{Name: "__score", Desc: true}}, Max: 12},
		{Kind: StepLimit, Offset: 5, Num: 7}}, steps)

	// go-redis: positional YIELD_SCORE_AS after COMBINE; RANGE; the post FILTER after the
	// VSIM FILTER; SORTBY and LIMIT fold into one step where the SORTBY stands.
	_, err = ParseHybrid([]string{"SEARCH", "q", "VSIM", "@v", "$p", "RANGE", "2", "RADIUS", "1",
		"FILTER", "3", "@n:[1 2]", "POLICY", "BATCHES"})
	require.EqualError(t, err, "Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query")
	eps := 0.1
	hr, err = ParseHybrid([]string{"SEARCH", "q", "VSIM", "@v", "$p", "RANGE", "4", "RADIUS", "0.5", "EPSILON", "0.1",
		"FILTER", "@n:[1 2]", "COMBINE", "RRF", "4", "CONSTANT", "3", "WINDOW", "5", "YIELD_SCORE_AS", "fs",
		"SORTBY", "3", "@a", "@b", "DESC", "FILTER", "@a>1", "LIMIT", "0", "3"})
	require.NoError(t, err)
	assert.Equal(t, HybridVector{Field: "v", Param: "p", K: 10, Range: true, Radius: 0.5, Epsilon: &eps,
		Filter: "@n:[1 2]"}, hr.Vector)
	assert.Equal(t, Fusion{Constant: 3, Window: 5, YieldScoreAs: "fs"}, hr.Fusion)
	steps, _ = hr.expandSteps()
	assert.Equal(t, []AggStep{{Kind: StepSort, Keys: []SortKey{{Name: "a"}, {Name: "b", Desc: true}}, Max: 3},
		{Kind: StepLimit, Num: 3}, {Kind: StepFilter, Expr: "@a>1"}}, steps)

	// After a GROUPBY the implicit page does not sort (groups have no score); LIMIT 0 0
	// counts only; NOSORT leaves the order and the page.
	hr, err = ParseHybrid(strings.Fields("SEARCH q VSIM @v $p LIMIT 0 2 GROUPBY 1 @c REDUCE COUNT 0 AS n"))
	require.NoError(t, err)
	steps, _ = hr.expandSteps()
	require.Len(t, steps, 4)
	assert.Equal(t, []StepKind{StepSort, StepLimit, StepGroup, StepLimit},
		[]StepKind{steps[0].Kind, steps[1].Kind, steps[2].Kind, steps[3].Kind})
	hr, err = ParseHybrid(strings.Fields("SEARCH q VSIM @v $p LIMIT 0 0"))
	require.NoError(t, err)
	steps, countOnly = hr.expandSteps()
	assert.Empty(t, steps)
	assert.True(t, countOnly)
	hr, err = ParseHybrid(strings.Fields("SEARCH q VSIM @v $p NOSORT"))
	require.NoError(t, err)
	steps, _ = hr.expandSteps()
	assert.Empty(t, steps)
}

func TestParseHybridErrors(t *testing.T) {
	for _, c := range []struct{ args, err string }{
		{"", "Missing subqueries count for FT.HYBRID"},
		{"1 SEARCH q", "FT.HYBRID currently supports only two subqueries"},
		{"0 SEARCH q", "Invalid subqueries count: expected an unsigned integer"},
		{"SEARCH q SCORER", "Bad arguments for SCORER: Expected an argument, but none provided"},
		{"SEARCH q SCORER BM25 1.2 VSIM @v $p", "Unknown argument `1.2` in SEARCH"},
		{"SEARCH q SCORER NOPE VSIM @v $p", "Scoring function `NOPE` not found"},
		{"SEARCH q VSIM", "Missing vector field name"},
		{"SEARCH q VSIM @v", "Missing vector argument"},
		{"SEARCH q VSIM @v $p KNN", "Missing argument count"},
		{"SEARCH q VSIM @v $p KNN 3 K 1 X", "Invalid argument count: 3 (must be a positive even number for key/value pairs)"},
		{"SEARCH q VSIM @v $p KNN 2 K", "Missing argument value for K"},
		{"SEARCH q VSIM @v $p KNN 4 K 1 K 2", "Duplicate K argument"},
		{"SEARCH q VSIM @v $p KNN 2 EF_RUNTIME 5", "Missing required argument K"},
		{"SEARCH q VSIM @v $p KNN 4 K 1 EF_RUNTIME 1.5", "Invalid EF_RUNTIME value"},
		{"SEARCH q VSIM @v $p KNN 4 K 1 SHARD_K_RATIO 2", "Invalid shard k ratio value: Shard k ratio must be greater than 0 and at most 1 (got 2)"},
		{"SEARCH q VSIM @v $p RANGE 4 RADIUS 1 EPSILON 0", "Invalid EPSILON value"},
		{"SEARCH q VSIM @v $p RANGE 2 X 1", "Unknown argument `X` in RANGE"},
		{"SEARCH q VSIM @v $p FILTER", "Missing argument count for FILTER"},
		{"SEARCH q VSIM @v $p FILTER 0", "Missing filter-expression for FILTER"},
		{"SEARCH q VSIM @v $p FILTER 3 x POLICY NONE", "POLICY: Invalid value for argument"},
		{"SEARCH q VSIM @v $p FILTER 5 x POLICY ADHOC BATCH_SIZE 5", "Error parsing vector similarity parameters: 'batch size' is irrelevant for the selected policy"},
		{"SEARCH q VSIM @v $p YIELD_SCORE_AS a YIELD_SCORE_AS b", "Duplicate YIELD_SCORE_AS argument"},
		{"SEARCH q VSIM @v $p YIELD_SCORE_AS", "Missing argument value for YIELD_SCORE_AS"},
		{"SEARCH q VSIM @v $p COMBINE", "COMBINE: Expected an argument, but none provided"},
		{"SEARCH q VSIM @v $p COMBINE RRF", "Missing RRF argument count"},
		{"SEARCH q VSIM @v $p COMBINE RRF 4 WINDOW 2", "Not enough arguments in RRF, specified 4 but provided only 2"},
		{"SEARCH q VSIM @v $p COMBINE LINEAR 2 BETA 1", "Missing value for ALPHA"},
		{"SEARCH q VSIM @v $p COMBINE LINEAR 4 WINDOW 1 WINDOW 2", "WINDOW: Argument specified multiple times"},
		{"SEARCH q VSIM @v $p COMBINE RRF 2 CONSTANT x", "CONSTANT: Could not convert argument to expected type"},
		{"SEARCH q VSIM @v $p COMBINE RRF 2 YIELD_SCORE_AS a YIELD_SCORE_AS b", "YIELD_SCORE_AS specified more than once"},
		{"SEARCH q VSIM @v $p COMBINE RRF 0 YIELD_SCORE_AS", "Missing argument value for YIELD_SCORE_AS"},
		{"SEARCH q VSIM @v $p LOAD 0", "Bad arguments for LOAD: Expected number of fields or `*`"},
		{"SEARCH q VSIM @v $p LOAD 2 @a", "Not enough arguments for LOAD"},
		{"SEARCH q VSIM @v $p LOAD 2 @a AS", "LOAD path AS name - must be accompanied with NAME"},
		{"SEARCH q VSIM @v $p GROUPBY 0", "Bad arguments for GROUPBY: Expected at least one property, got: 0"},
		{"SEARCH q VSIM @v $p GROUPBY 1 @c REDUCE SUM 1 price", "Missing prefix: name requires '@' prefix, JSON path require '$' prefix, got: price in SUM"},
		{"SEARCH q VSIM @v $p GROUPBY 1 @c GROUPBY 1 @d", "GROUPBY: Argument specified multiple times"},
		{"SEARCH q VSIM @v $p SORTBY 0", "SORTBY: Invalid argument count"},
		{"SEARCH q VSIM @v $p NOSORT SORTBY 1 @a", "NOSORT is not allowed with SORTBY"},
		{"SEARCH q VSIM @v $p LIMIT 1", "LIMIT: Not enough arguments were provided"},
		{"SEARCH q VSIM @v $p LIMIT -1 2", "LIMIT offset must be a non-negative integer"},
		{"SEARCH q VSIM @v $p LIMIT 0 x", "LIMIT count must be a non-negative integer"},
		{"SEARCH q VSIM @v $p PARAMS 3 a b c", "Parameters must be specified in PARAM VALUE pairs"},
		{"SEARCH q VSIM @v $p PARAMS 2 a b PARAMS 2 c d", "PARAMS: Argument specified multiple times"},
		{"SEARCH q VSIM @v $p TIMEOUT x", "TIMEOUT: Could not convert argument to expected type"},
		{"SEARCH q VSIM @v $p FORMAT JSON", "FORMAT: Invalid value for argument"},
		{"SEARCH q VSIM @v $p WITHCURSOR", "FT.HYBRID WITHCURSOR is not supported by darner yet"},
		{"SEARCH q VSIM @v $p FILTER @a FILTER @b FILTER @c", "FILTER: Argument specified multiple times"},
	} {
		_, err := ParseHybrid(strings.Fields(c.args))
		assert.EqualError(t, err, c.err, c.args)
	}
}

// hybridDocs stores n documents d:i with a text t ("apple" in the even ones, "pear" in
// every third) and a 2-d vector (i, 0).
func hybridDocs(store *engine.Store, n int) {
	tx := store.BeginAll(true)
	defer tx.End()
	for i := range n {
		key := "d:" + strconv.Itoa(i)
		var words []string
		if i%2 == 0 {
			words = append(words, "apple")
		}
		if i%3 == 0 {
			words = append(words, "pear")
		}
		h := engine.NewHash()
		h.Set("t", []byte(strings.Join(append(words, "fruit"), " ")))
		h.Set("c", []byte(strconv.Itoa(i%4)))
		v := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(i)))
		h.Set("v", binary.LittleEndian.AppendUint32(v, 0))
		tx.View(0, []byte(key)).Set(key, h, false)
	}
}

func keysOf(res *AggResult) []string {
	var out []string
	for _, r := range res.Rows {
		for i, n := range r.Names {
			if n == "__key" {
				out = append(out, r.Vals[i].Format())
			}
		}
	}
	return out
}

// Registry.Hybrid gives the same answer with 1 and 4 shards: the KNN is merged over the
// shards before fusion and the text scores use the whole index's statistics; the vector
// query's nearest and the text query's best both count, RRF-ranked.
func TestHybridShards(t *testing.T) {
	blob := string(binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, math.Float32bits(3)), 0))
	var answers [][]string
	for _, shards := range []int{1, 4} {
		store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA t TEXT c TAG v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2")
		hybridDocs(store, 60)
		for _, q := range []string{
			"SEARCH pear VSIM @v $b KNN 2 K 5 PARAMS 2 b " + blob,
			"SEARCH apple VSIM @v $b RANGE 2 RADIUS 30 FILTER @c:{1} COMBINE LINEAR 4 ALPHA 1 BETA 1 LIMIT 0 30 PARAMS 2 b " + blob,
			"SEARCH @t:(pear|apple) VSIM @v $b COMBINE RRF 2 WINDOW 3 GROUPBY 1 @c REDUCE COUNT 0 AS n SORTBY 2 @c ASC PARAMS 2 b " + blob,
		} {
			hr, err := ParseHybrid(strings.Split(q, " "))
			require.NoError(t, err, q)
			tx := store.BeginAll(false)
			res, err := r.Hybrid(&tx, idx, hr)
			tx.End()
			require.NoError(t, err, q)
			got := []string{strconv.FormatInt(res.Total, 10)}
			for _, row := range res.Rows {
				got = append(got, canonRow(row))
			}
			answers = append(answers, got)
		}
	}
	require.Len(t, answers, 6)
	for i := range 3 {
		assert.Equal(t, answers[i], answers[i+3], "query %d", i)
	}
	// pear: d:0, d:3 … d:57 (20, the window); the 5 nearest to (3,0): d:3, d:2, d:4, d:1, d:5.
	assert.Equal(t, "24", answers[0][0])
	assert.Contains(t, answers[0][1], "__key=d:3,") // first in both lists
	// apple and c=1 never meet (c=1 is odd): 20 + the vectors within √30 of (3,0) with c=1.
	assert.Equal(t, "22", answers[1][0])
	// The 3 best of pear-or-apple (d:0, d:12, d:18: both words) and the 3 nearest (d:3,
	// d:2, d:4), grouped by c: 0, 2 and 3.
	assert.Equal(t, []string{"3", "c=0,n=3", "c=2,n=2", "c=3,n=1"}, answers[2])
}
