package search

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/engine"
)

// searchKeys runs query on idx as FT.SEARCH would (every shard read-locked) and returns the
// keys found, sorted, and the count.
func searchKeys(t *testing.T, store *engine.Store, r *Registry, idx *Index, q string) ([]string, int64) {
	t.Helper()
	tx := store.BeginAll(false)
	defer tx.End()
	res, err := r.Search(&tx, idx, &Request{Query: q, Dialect: 2, Limit: 100000})
	require.NoError(t, err, q)
	var keys []string
	for _, h := range res.Hits {
		keys = append(keys, h.Key)
	}
	slices.Sort(keys)
	return keys, res.Total
}

// Writes are indexed by the shard's indexer after the write returns. A search waits for it:
// a burst of writes larger than the queue (so that writers wait for room, holding the
// shard's lock), overwrites, deletes and document numbers reused by new keys must all be
// visible to the next search, in the order they were made, with 1 shard and with 3.
func TestIndexerAppliesEveryWriteInOrder(t *testing.T) {
	for _, shards := range []int{1, 3} {
		t.Run(strconv.Itoa(shards), func(t *testing.T) {
			store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA color TAG n NUMERIC")
			rng := rand.New(rand.NewPCG(uint64(shards), 9))
			want := map[string]string{} // key → color
			const keys = 3000
			write := func(tx *engine.Tx, key, color string) {
				h := engine.NewHash()
				h.Set("color", []byte(color))
				h.Set("n", []byte("1"))
				tx.View(0, []byte(key)).Set(key, h, false)
				want[key] = color
			}
			// One transaction of more changes than the queue holds.
			tx := store.BeginAll(true)
			for i := range maxQueued + keys {
				write(&tx, "d:"+strconv.Itoa(i%keys), []string{"red", "green", "blue"}[rng.IntN(3)])
			}
			tx.End()
			for round := range 5 {
				tx := store.BeginAll(true)
				for range 2000 {
					key := "d:" + strconv.Itoa(rng.IntN(keys))
					switch rng.IntN(3) {
					case 0: // delete, freeing the key's document number
						if tx.View(0, []byte(key)).Delete(key) {
							delete(want, key)
						}
					case 1: // a new key takes a freed number
						write(&tx, "d:new"+strconv.Itoa(round)+"-"+strconv.Itoa(rng.IntN(1000)), "red")
					default:
						write(&tx, key, []string{"red", "green", "blue"}[rng.IntN(3)])
					}
				}
				tx.End()
				for _, color := range []string{"red", "green", "blue"} {
					var exp []string
					for k, c := range want {
						if c == color {
							exp = append(exp, k)
						}
					}
					slices.Sort(exp)
					got, total := searchKeys(t, store, r, idx, "@color:{"+color+"}")
					require.Equal(t, exp, got, "round %d color %s", round, color)
					require.Equal(t, int64(len(exp)), total)
				}
				_, total := searchKeys(t, store, r, idx, "*")
				require.Equal(t, int64(len(want)), total)
			}
		})
	}
}

// A hash field's bytes can be overwritten in place by the next HSET, before the indexer has
// read them: what a write queues is a copy.
func TestCaptureCopiesTheValues(t *testing.T) {
	def, err := ParseCreate("i", []string{"SCHEMA", "title", "TEXT", "color", "TAG", "n", "NUMERIC"})
	require.NoError(t, err)
	p := newPart(def, nil)
	h := engine.NewHash()
	h.Set("title", []byte("alpha"))
	h.Set("color", []byte("red"))
	h.Set("n", []byte("12"))
	b := newBatch()
	var scratch [][]float32
	c := change{p: p, doc: 1, key: b.keep("k"), first: b.capture(def, &hashSource{h: h}, &scratch)}
	// Same lengths, so that a small hash may reuse the bytes.
	h.Set("title", []byte("omega"))
	h.Set("color", []byte("tan"))
	h.Set("n", []byte("99"))
	p.apply(b, &c)

	d := p.doc(1)
	assert.Equal(t, "k", d.key)
	tid, ok := p.text.terms["alpha"]
	require.True(t, ok, "the captured word is indexed")
	assert.Equal(t, []uint32{tid}, d.toks(0))
	_, ok = p.text.terms["omega"]
	assert.False(t, ok, "the later value is not")
	id, ok := p.tags[0].ids["red"]
	require.True(t, ok)
	assert.Equal(t, uint64(1), p.tags[0].docs[id].card())
	assert.Equal(t, uint64(1), p.nums[0].countRange(12, 12, false, false))

	// Reusing the batch must not disturb what the index kept.
	b.reset()
	b.keep("xxxxxxxxxxxxxxxxxxxx")
	assert.Equal(t, "k", p.doc(1).key)
	assert.Equal(t, "alpha", p.text.words[tid])
	assert.Equal(t, "red", p.tags[0].vals[id])
}

// The queue holds about queueBudget of work at the measured time per change, within
// [minQueued, maxQueued]: a search never waits long behind slow changes (vectors into a
// graph), and fast ones (short texts) queue enough to keep the indexer busy.
func TestIndexerLimitFollowsTheTimePerChange(t *testing.T) {
	ix := newIndexer()
	assert.Equal(t, maxQueued, ix.limit, "nothing measured yet")
	ix.measured(100, 100*time.Microsecond) // 1 µs a change
	assert.Equal(t, int(queueBudget/time.Microsecond), ix.limit)
	for range 50 { // slow changes: the average follows
		ix.measured(10, 10*time.Millisecond)
	}
	assert.Equal(t, minQueued, ix.limit)
	for range 50 {
		ix.measured(1000, time.Microsecond) // 1 ns a change
	}
	assert.Equal(t, maxQueued, ix.limit)
}
