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

// searchKeys runs query q on idx as FT.SEARCH would (every shard read-locked) and returns
// the keys found, sorted, and the count.
func searchKeys(t *testing.T, store *engine.Store, r *Registry, idx *Index, q string) ([]string, int64) {
	t.Helper()
	return searchKeysOf(t, store, r, idx, &Request{Query: q, Dialect: 2, Limit: 100000})
}

// searchKeysOf is searchKeys for a whole request.
func searchKeysOf(t *testing.T, store *engine.Store, r *Registry, idx *Index, req *Request) ([]string, int64) {
	t.Helper()
	tx := store.BeginAll(false)
	defer tx.End()
	res, err := r.Search(&tx, idx, req)
	require.NoError(t, err, req.Query)
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
	assert.Equal(t, minQueued, ix.limit, "nothing measured yet: a short queue")
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

// A key whose TTL has passed is left out of every kind of search at once, before the engine
// deletes it (here the store runs no active expiry, so only a search's clock can tell), as
// Redis 8 leaves out expired documents; a key given back its permanence is found again.
func TestExpiredKeysLeftOut(t *testing.T) {
	for _, shards := range []int{1, 3} {
		t.Run(strconv.Itoa(shards), func(t *testing.T) {
			store, r, idx := newTestIndex(t, shards, "PREFIX 1 d: SCHEMA color TAG title TEXT n NUMERIC SORTABLE "+
				"v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2")
			var keep, expiring []string
			tx := store.BeginAll(true)
			at := tx.View(0, []byte("x")).Now() + 400 // room for the searches before it
			for i := range 20 {
				key := "d:" + strconv.Itoa(i)
				h := engine.NewHash()
				h.Set("color", []byte("red"))
				h.Set("title", []byte("hello world"))
				h.Set("n", []byte(strconv.Itoa(i)))
				h.Set("v", []byte{0, 0, 128, 63, 0, 0, 0, 0}) // (1, 0)
				v := tx.View(0, []byte(key))
				o := v.Set(key, h, false)
				if i%2 == 0 {
					v.SetExpire(key, o, at)
					expiring = append(expiring, key)
				} else {
					keep = append(keep, key)
				}
			}
			tx.End()
			slices.Sort(keep)
			all := append(slices.Clone(keep), expiring...)
			slices.Sort(all)
			queries := []string{"*", "@color:{red}", "hello", "@n:[0 100]", "-@color:{blue}",
				"*=>[KNN 30 @v $q]"}
			search := func(q string, sortBy string) ([]string, int64) {
				return searchKeysOf(t, store, r, idx, &Request{Query: q, Dialect: 2, Limit: 1000, SortBy: sortBy,
					Params: map[string]string{"q": string([]byte{0, 0, 128, 63, 0, 0, 0, 0})}})
			}
			for _, q := range queries {
				got, total := search(q, "")
				require.Equal(t, all, got, "before expiry: %s", q)
				require.Equal(t, int64(len(all)), total)
			}
			time.Sleep(time.Until(time.UnixMilli(at + 20)))
			for _, q := range queries {
				got, total := search(q, "")
				require.Equal(t, keep, got, "after expiry: %s", q)
				require.Equal(t, int64(len(keep)), total, q)
			}
			// A numeric range sorted by a numeric field has a path of its own.
			got, total := search("@n:[0 100]", "n")
			require.Equal(t, keep, got)
			require.Equal(t, int64(len(keep)), total)

			// PERSIST on a key whose time passed cannot bring it back (it is gone for the
			// engine too); a new write of the key makes a permanent document.
			tx = store.BeginAll(true)
			h := engine.NewHash()
			h.Set("color", []byte("red"))
			tx.View(0, []byte(expiring[0])).Set(expiring[0], h, false)
			tx.End()
			got, _ = search("@color:{red}", "")
			want := append(slices.Clone(keep), expiring[0])
			slices.Sort(want)
			require.Equal(t, want, got)
		})
	}
}
