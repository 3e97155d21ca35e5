package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// The search oracle: seeded documents (HASH and JSON) and a few hundred seeded queries, each
// decided by a reference evaluator that scans the generated document values, compared with
// FT.SEARCH's result sets, totals and SORTBY pages, before and after the documents change,
// with 1 shard and with 4; the two servers' replies must also agree with each other.
//
// The reference follows RediSearch's documented behaviour: text is split at punctuation and
// white space and lower-cased, default stop words are dropped from documents and queries, a
// query word w matches a token t when t == w, t == stem(w) or stem(t) == stem(w) (English
// Snowball), only t == w under VERBATIM and inside an exact phrase (RediSearch marks quoted
// phrases verbatim and never expands them); tags are split at ',', trimmed and compared
// without case; a document whose NUMERIC value is not a number is left out of the index.

// oracleWords is the documents' vocabulary: a few stop words, families of words that share a
// stem (every stemmed word has at least four letters, RediSearch's minimum stem length), and
// words that are their own stem.
var oracleWords = []string{"the", "of", "and", "in", "runs", "running", "runner", "city",
	"cities", "light", "lights", "lighting", "walk", "walks", "walking", "walked", "connect",
	"connection", "connected", "river", "rivers", "old", "town", "bridge", "garden", "market",
	"night", "stone", "north", "green", "quiet", "harbor", "tower", "music"}

var oracleTagValues = []string{"red", "Blue", "GREEN", "new york", "sci-fi", "jazz", "Rock", "old town"}

var oracleCenters = [][2]float64{{-0.1278, 51.5074}, {2.3522, 48.8566}, {-74.006, 40.7128}, {151.2093, -33.8688}}

// oracleStopWords is RediSearch's default stop-word list.
var oracleStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("a is the an and are as at be but by for if in into it no " +
		"not of on or such that their then there these they this to was will with") {
		m[w] = true
	}
	return m
}()

// oracleIndex is one index under test and the documents the test wrote under its prefix.
type oracleIndex struct {
	name, prefix string
	isJSON       bool
	create       []any
	before       map[string]map[string]any // key → raw fields, as first written
	after        map[string]map[string]any // after the mutations
	mutations    []oracleMutation
	cases        []*oracleCase
}

// oracleMutation is a change to one document: the commands and the document after them
// (nil: no longer a document of this index).
type oracleMutation struct {
	cmds [][]any
	doc  map[string]any
}

// oracleCase is one query and the variants it runs in.
type oracleCase struct {
	tree      *qNode
	q         string // the query text; for generated cases, tree.String()
	dialect1  bool   // also run in DIALECT 1
	verbatim  bool   // also run with VERBATIM
	sortBy    string // "", "ASC" or "DESC": also run SORTBY n with LIMIT 0 7
	countOnly bool   // also run with LIMIT 0 0
	scores    bool   // also run WITHSCORES, to compare scores across shard counts
}

// genText makes 3–8 (lo–hi) words of mixed case with punctuation between some of them.
func genText(r *rand.Rand, lo, hi int) string {
	var b strings.Builder
	seps := []string{" ", " ", " ", ", ", ". ", "-", " & ", "/", "; "}
	for i := range lo + r.IntN(hi-lo+1) {
		if i > 0 {
			b.WriteString(seps[r.IntN(len(seps))])
		}
		b.WriteString(mixOracleCase(r, oracleWords[r.IntN(len(oracleWords))]))
	}
	if r.IntN(4) == 0 {
		b.WriteString("!")
	}
	return b.String()
}

// genTags makes 0–3 tags: a comma-separated string with stray spaces for a hash, an array
// of strings for JSON.
func genTags(r *rand.Rand, isJSON bool) any {
	arr, hash := []any{}, []string{}
	for range r.IntN(4) {
		v := mixOracleCase(r, oracleTagValues[r.IntN(len(oracleTagValues))])
		arr = append(arr, v)
		hash = append(hash, strings.Repeat(" ", r.IntN(2))+v+strings.Repeat(" ", r.IntN(2)))
	}
	if isJSON {
		return arr
	}
	return strings.Join(hash, ",")
}

// mixOracleCase returns w upper-cased, capitalised, lower-cased or as it is.
func mixOracleCase(r *rand.Rand, w string) string {
	switch r.IntN(5) {
	case 0:
		return strings.ToUpper(w)
	case 1:
		return strings.ToUpper(w[:1]) + w[1:]
	case 2:
		return strings.ToLower(w)
	}
	return w
}

// genNum makes n: an integer in −50..50 or a half, sometimes absent, JSON null, or not a
// number at all (which keeps the document out of the index).
func genNum(r *rand.Rand, isJSON bool) (any, bool) {
	var x float64
	switch k := r.IntN(40); {
	case k < 5:
		return nil, false
	case k == 5:
		return "abc", true
	case k == 6 && isJSON:
		return nil, true
	case k < 15:
		x = float64(r.IntN(101)-50) + 0.5
	default:
		x = float64(r.IntN(101) - 50)
	}
	if isJSON {
		return x, true
	}
	return strconv.FormatFloat(x, 'f', -1, 64), true
}

func genLoc(r *rand.Rand) string {
	c := oracleCenters[r.IntN(len(oracleCenters))]
	return fmt.Sprintf("%.5f,%.5f", c[0]+r.Float64()*3-1.5, c[1]+r.Float64()*2-1)
}

func genDoc(r *rand.Rand, isJSON bool) map[string]any {
	d := map[string]any{}
	if r.IntN(30) == 0 {
		d["other"] = "no indexed field here"
		return d
	}
	for _, f := range []struct {
		name   string
		chance int
		lo, hi int
	}{{"title", 9, 3, 8}, {"body", 7, 3, 8}, {"note", 3, 1, 3}} {
		if r.IntN(10) < f.chance {
			d[f.name] = genText(r, f.lo, f.hi)
		}
	}
	if r.IntN(10) < 8 {
		d["tags"] = genTags(r, isJSON)
	}
	if v, ok := genNum(r, isJSON); ok {
		d["n"] = v
	}
	if r.IntN(10) < 6 {
		d["loc"] = genLoc(r)
	}
	if len(d) == 0 {
		d["other"] = "x"
	}
	return d
}

// oracleWrite are the commands that store doc under key.
func oracleWrite(key string, doc map[string]any, isJSON bool) [][]any {
	if isJSON {
		b, _ := json.Marshal(doc)
		return [][]any{{"DEL", key}, {"JSON.SET", key, "$", string(b)}}
	}
	args := []any{"HSET", key}
	for _, f := range slices.Sorted(maps.Keys(doc)) {
		args = append(args, f, doc[f])
	}
	return [][]any{{"DEL", key}, args}
}

// genMutation changes one existing document (or turns it into another type); r decides how.
func genMutation(r *rand.Rand, ix *oracleIndex, key string) oracleMutation {
	d := maps.Clone(ix.after[key])
	m := oracleMutation{doc: d}
	set := func(f string, v any) {
		if ix.isJSON {
			b, _ := json.Marshal(v)
			m.cmds = append(m.cmds, []any{"JSON.SET", key, "$." + f, string(b)})
		} else {
			m.cmds = append(m.cmds, []any{"HSET", key, f, v})
		}
		d[f] = v
	}
	switch r.IntN(6) {
	case 0:
		set("title", genText(r, 2, 6))
	case 1:
		for _, f := range []string{"body", "n"} {
			if ix.isJSON {
				m.cmds = append(m.cmds, []any{"JSON.DEL", key, "$." + f})
			} else {
				m.cmds = append(m.cmds, []any{"HDEL", key, f})
			}
			delete(d, f)
		}
	case 2:
		set("n", "abc")
	case 3:
		if v, ok := genNum(r, ix.isJSON); ok {
			set("n", v)
		}
		set("tags", genTags(r, ix.isJSON))
	case 4:
		m.cmds, m.doc = [][]any{{"DEL", key}}, nil
	default:
		// The key becomes the other document type, which the index does not cover.
		m.cmds, m.doc = oracleWrite(key, genDoc(r, !ix.isJSON), !ix.isJSON), nil
	}
	if len(d) == 0 && !ix.isJSON {
		m.doc = nil // a hash without fields is no key at all
	}
	return m
}

// newOracleIndex generates an index's documents, their mutations and its queries.
func newOracleIndex(seed uint64, name, prefix string, isJSON bool, ndocs int) *oracleIndex {
	r := rand.New(rand.NewPCG(seed, 7))
	ix := &oracleIndex{name: name, prefix: prefix, isJSON: isJSON,
		before: map[string]map[string]any{}, after: map[string]map[string]any{}}
	ix.create = []any{"FT.CREATE", name, "ON", "HASH", "PREFIX", "1", prefix, "SCHEMA",
		"title", "TEXT", "body", "TEXT", "note", "TEXT", "tags", "TAG", "n", "NUMERIC", "SORTABLE", "loc", "GEO"}
	if isJSON {
		ix.create = []any{"FT.CREATE", name, "ON", "JSON", "PREFIX", "1", prefix, "SCHEMA",
			"$.title", "AS", "title", "TEXT", "$.body", "AS", "body", "TEXT", "$.note", "AS", "note", "TEXT",
			"$.tags[*]", "AS", "tags", "TAG", "$.n", "AS", "n", "NUMERIC", "SORTABLE", "$.loc", "AS", "loc", "GEO"}
	}
	for i := range ndocs {
		key := fmt.Sprintf("%s%d", prefix, i)
		ix.before[key] = genDoc(r, isJSON)
		ix.after[key] = ix.before[key]
	}
	keys := slices.Sorted(maps.Keys(ix.before))
	for _, key := range keys {
		if r.IntN(5) != 0 {
			continue
		}
		m := genMutation(r, ix, key)
		ix.mutations = append(ix.mutations, m)
		ix.after[key] = m.doc
		if m.doc == nil {
			delete(ix.after, key)
		}
	}
	for i := range ndocs / 10 { // new documents
		key := fmt.Sprintf("%s%d", prefix, ndocs+i)
		d := genDoc(r, isJSON)
		ix.mutations = append(ix.mutations, oracleMutation{cmds: oracleWrite(key, d, isJSON), doc: d})
		ix.after[key] = d
	}
	g := &queryGen{r: r, docs: ix}
	for _, docs := range []map[string]map[string]any{ix.before, ix.after} {
		for _, k := range slices.Sorted(maps.Keys(docs)) {
			if d, ok := analyseDoc(k, docs[k], isJSON); ok && d.hasLoc {
				g.locs = append(g.locs, d.loc)
			}
		}
	}
	for i := range 160 {
		ix.cases = append(ix.cases, g.newCase(i))
	}
	for _, p := range oraclePrecedence {
		ix.cases = append(ix.cases, &oracleCase{tree: p.want, q: p.q, sortBy: "ASC"})
	}
	return ix
}

// TestSearchOracle runs the generated queries against darner with 1 shard and with 4, checks
// each against the reference, and checks that both servers gave the same replies.
func TestSearchOracle(t *testing.T) {
	ixs := []*oracleIndex{
		newOracleIndex(1, "hidx", "h:", false, 150),
		// A prefix of over eight bytes: every key's head ties, so key order is decided by
		// the keys themselves.
		newOracleIndex(2, "jidx", "jsondocs:", true, 150),
	}
	replies := map[int]map[string]any{}
	for _, shards := range []int{1, 4} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			replies[shards] = runOracle(t, shards, ixs)
		})
	}
	one, four := replies[1], replies[4]
	if one == nil || four == nil {
		return
	}
	require.Equal(t, len(one), len(four), "both servers ran the same requests")
	bad := 0
	for _, label := range slices.Sorted(maps.Keys(one)) {
		if strings.Contains(label, "WITHSCORES") {
			if msg := compareScored(one[label], four[label]); msg != "" && bad < 10 {
				bad++
				t.Errorf("%s: 1 shard and 4 shards differ: %s", label, msg)
			}
			continue
		}
		if fmt.Sprint(one[label]) != fmt.Sprint(four[label]) && bad < 10 {
			bad++
			t.Errorf("%s: 1 shard and 4 shards differ:\n 1: %v\n 4: %v", label, one[label], four[label])
		}
	}
}

// runOracle loads the documents into a server with the given shard count, runs every case
// before and after the mutations, and returns every reply by a label naming its request.
func runOracle(t *testing.T, shards int, ixs []*oracleIndex) map[string]any {
	s := servertest.Start(t, servertest.Options{Shards: shards})
	rdb := s.Client(t, 2)
	ctx := context.Background()
	run := &oracleRun{t: t, rdb: rdb, replies: map[string]any{}, stem: oracleStemmer()}
	// The hash index exists before its documents (indexed as written); the JSON index is
	// created over existing documents (the initial scan).
	require.NoError(t, rdb.Do(ctx, ixs[0].create...).Err())
	var cmds [][]any
	for _, ix := range ixs {
		for _, key := range slices.Sorted(maps.Keys(ix.before)) {
			cmds = append(cmds, oracleWrite(key, ix.before[key], ix.isJSON)[1])
		}
	}
	// Decoys: keys of the wrong type under a prefix, and a key under no prefix.
	cmds = append(cmds, []any{"JSON.SET", "h:decoy", "$", `{"title":"river city","n":3}`},
		[]any{"HSET", "jsondocs:decoy", "title", "river city", "n", "3"},
		[]any{"HSET", "x:1", "title", "river city", "n", "3"})
	run.pipeline(cmds)
	require.NoError(t, rdb.Do(ctx, ixs[1].create...).Err())
	for _, ix := range ixs {
		waitIndexed(t, rdb, ix.name)
	}
	for _, ix := range ixs {
		run.runCases(ix, "before", ix.before)
	}
	for _, ix := range ixs {
		cmds = cmds[:0]
		for _, m := range ix.mutations {
			cmds = append(cmds, m.cmds...)
		}
		run.pipeline(cmds)
	}
	for _, ix := range ixs {
		run.runCases(ix, "after", ix.after)
	}
	return run.replies
}

// oracleRun is one server's run: its client, its replies, and the reference's stemmer.
type oracleRun struct {
	t       *testing.T
	rdb     *redis.Client
	replies map[string]any
	fails   int
	stem    func(string) string
}

func (o *oracleRun) pipeline(cmds [][]any) {
	ctx := context.Background()
	pipe := o.rdb.Pipeline()
	for _, c := range cmds {
		pipe.Do(ctx, c...)
	}
	res, err := pipe.Exec(ctx)
	require.NoError(o.t, err, "writing documents")
	for i, c := range res {
		require.NoError(o.t, c.Err(), "%v", cmds[i])
	}
}

// failf reports a mismatch; after 25 of them it only counts, so that one bug does not bury
// the log.
func (o *oracleRun) failf(format string, args ...any) {
	o.t.Helper()
	o.fails++
	if o.fails <= 25 {
		o.t.Errorf(format, args...)
	} else if o.fails == 26 {
		o.t.Errorf("more mismatches follow; not shown")
	}
}

// search runs FT.SEARCH and records its reply under label.
func (o *oracleRun) search(label string, args ...any) ([]any, bool) {
	o.t.Helper()
	v, err := o.rdb.Do(context.Background(), append([]any{"FT.SEARCH"}, args...)...).Result()
	if err != nil {
		o.failf("%s: error %v", label, err)
		return nil, false
	}
	o.replies[label] = v
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		o.failf("%s: reply %v is not [total, …]", label, v)
		return nil, false
	}
	return arr, true
}

// runCases runs every case of ix against the documents docs (raw fields by key).
func (o *oracleRun) runCases(ix *oracleIndex, phase string, docs map[string]map[string]any) {
	refs := o.analyseAll(docs, ix.isJSON)
	for i, c := range ix.cases {
		label := fmt.Sprintf("%s %s #%d %q", phase, ix.name, i, c.q)
		o.checkSet(label+" DIALECT 2", ix, refs, docs, c, 2, false)
		if c.dialect1 {
			o.checkSet(label+" DIALECT 1", ix, refs, docs, c, 1, false)
		}
		if c.verbatim {
			o.checkSet(label+" DIALECT 2 VERBATIM", ix, refs, docs, c, 2, true)
		}
		// A short page is the head of the whole ordered reply (score, then key): what a page
		// leaves out by its scores and key heads never belonged in it.
		if all, ok := o.search(label+" LIMIT 0 10000", ix.name, c.q, "NOCONTENT", "LIMIT", "0", "10000", "DIALECT", "2"); ok {
			if page, ok := o.search(label+" LIMIT 0 5", ix.name, c.q, "NOCONTENT", "LIMIT", "0", "5", "DIALECT", "2"); ok {
				whole := replyKeys(all[1:])
				if g := replyKeys(page[1:]); !slices.Equal(g, whole[:min(5, len(whole))]) {
					o.failf("%s LIMIT 0 5: %v, want the first five of %v", label, g, whole)
				}
			}
		}
		want := o.expect(c.tree, refs, false)
		if c.sortBy != "" {
			l := label + " SORTBY n " + c.sortBy
			if got, ok := o.search(l, ix.name, c.q, "NOCONTENT", "SORTBY", "n", c.sortBy, "LIMIT", "0", "7", "DIALECT", "2"); ok {
				page := sortByN(refs, want, c.sortBy == "DESC")
				if g := replyKeys(got[1:]); got[0] != int64(len(want)) || !slices.Equal(g, page) {
					o.failf("%s: page %v (total %v), want %v (total %d)\n%s", l, g, got[0], page, len(want),
						oracleDocs(docs, append(keysMinus(g, page), keysMinus(page, g)...)))
				}
			}
		}
		if c.countOnly {
			l := label + " LIMIT 0 0"
			if got, ok := o.search(l, ix.name, c.q, "LIMIT", "0", "0", "DIALECT", "2"); ok &&
				(len(got) != 1 || got[0] != int64(len(want))) {
				o.failf("%s: %v, want [%d]", l, got, len(want))
			}
		}
		if c.scores {
			l := label + " WITHSCORES"
			if got, ok := o.search(l, ix.name, c.q, "NOCONTENT", "WITHSCORES", "LIMIT", "0", "10000", "DIALECT", "2"); ok {
				var keys []string
				last := math.Inf(1)
				for j := 1; j+1 < len(got); j += 2 {
					keys = append(keys, fmt.Sprint(got[j]))
					if score, _ := strconv.ParseFloat(fmt.Sprint(got[j+1]), 64); score > last {
						o.failf("%s: %v scores %v, more than the hit before it", l, got[j], score)
					} else {
						last = score
					}
				}
				o.compareKeys(l, docs, keys, got[0], want)
			}
		}
	}
}

// checkSet runs the case's query for its whole result set and compares it with the
// reference's.
func (o *oracleRun) checkSet(label string, ix *oracleIndex, refs []*refDoc, docs map[string]map[string]any,
	c *oracleCase, dialect int, verbatim bool) {
	args := []any{ix.name, c.q, "NOCONTENT", "LIMIT", "0", "10000", "DIALECT", strconv.Itoa(dialect)}
	if verbatim {
		args = append(args, "VERBATIM")
	}
	got, ok := o.search(label, args...)
	if !ok {
		return
	}
	o.compareKeys(label, docs, replyKeys(got[1:]), got[0], o.expect(c.tree, refs, verbatim))
}

func (o *oracleRun) compareKeys(label string, docs map[string]map[string]any, got []string, total any, want []string) {
	o.t.Helper()
	sorted := slices.Sorted(slices.Values(got))
	if total == int64(len(want)) && slices.Equal(sorted, want) {
		return
	}
	missing, extra := keysMinus(want, sorted), keysMinus(sorted, want)
	o.failf("%s: total %v, want %d; %d keys returned\nmissing: %v\nextra: %v\n%s", label, total, len(want),
		len(got), missing, extra, oracleDocs(docs, append(missing, extra...)))
}

// oracleDocs shows the raw documents behind keys, for a failure message.
func oracleDocs(docs map[string]map[string]any, keys []string) string {
	var b strings.Builder
	for i, k := range keys {
		if i == 8 {
			fmt.Fprintf(&b, "  … %d more\n", len(keys)-i)
			break
		}
		j, _ := json.Marshal(docs[k])
		fmt.Fprintf(&b, "  %s %s\n", k, j)
	}
	return b.String()
}

func replyKeys(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// keysMinus returns the elements of a not in b.
func keysMinus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// compareScored compares two WITHSCORES replies: the same keys in the same order, scores
// equal to 1e-9 relative.
func compareScored(a, b any) string {
	x, ok1 := a.([]any)
	y, ok2 := b.([]any)
	if !ok1 || !ok2 || len(x) != len(y) {
		return fmt.Sprintf("%v vs %v", a, b)
	}
	for i := 1; i+1 < len(x); i += 2 {
		if x[i] != y[i] {
			return fmt.Sprintf("hit %d is %v vs %v", i/2, x[i], y[i])
		}
		s1, _ := strconv.ParseFloat(fmt.Sprint(x[i+1]), 64)
		s2, _ := strconv.ParseFloat(fmt.Sprint(y[i+1]), 64)
		if math.Abs(s1-s2) > 1e-9*math.Max(math.Abs(s1), math.Abs(s2)) {
			return fmt.Sprintf("%v scores %v vs %v", x[i], s1, s2)
		}
	}
	return ""
}
