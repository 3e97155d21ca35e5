package search

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"darner/engine"
)

// A numeric range sorted by a numeric field is answered by walking the sort field's leaves
// (dense matches) or by visiting the matches (sparse); each must give what sorting every
// match gives. Leaves are small here, so that the 3000 documents make many.
func TestRangeSortedMatchesScan(t *testing.T) {
	withLeafMax(t, 16)
	store, r, idx := newTestIndex(t, 2, "PREFIX 1 d: SCHEMA price NUMERIC rating NUMERIC SORTABLE")
	type rec struct {
		key           string
		price, rating float64
		hasP, hasR    bool
	}
	rng := rand.New(rand.NewPCG(7, 8))
	var recs []rec
	tx := store.BeginAll(true)
	for i := range 3000 {
		rc := rec{key: "d:" + strconv.Itoa(i)}
		h := engine.NewHash()
		if rng.IntN(20) > 0 {
			rc.price, rc.hasP = float64(rng.IntN(1000)), true
			h.Set("price", []byte(strconv.FormatFloat(rc.price, 'f', -1, 64)))
		}
		if rng.IntN(10) > 0 {
			rc.rating, rc.hasR = float64(rng.IntN(8)), true // many ties
			h.Set("rating", []byte(strconv.FormatFloat(rc.rating, 'f', -1, 64)))
		}
		h.Set("other", []byte("x"))
		recs = append(recs, rc)
		tx.View(0, []byte(rc.key)).Set(rc.key, h, false)
	}
	tx.End()
	for _, q := range []struct {
		lo, hi       float64
		loEx, hiEx   bool
		field        string
		desc         bool
		offset, limt int
	}{
		{100, 110, false, false, "rating", false, 0, 10},
		{100, 110, true, true, "rating", true, 0, 10},
		{0, 999, false, false, "rating", true, 0, 10}, // dense
		{0, 999, false, false, "rating", false, 20, 15},
		{500, 500, false, false, "rating", false, 0, 5},
		{100, 300, false, false, "price", false, 0, 10}, // the range's own field
		{100, 300, true, true, "price", true, 3, 10},
		{990, 2000, false, false, "price", true, 0, 50},
		{-5, -1, false, false, "rating", false, 0, 10}, // empty
	} {
		name := fmt.Sprintf("%v", q)
		var want []string
		var total int64
		for _, rc := range recs {
			in := rc.hasP && (rc.price > q.lo || (!q.loEx && rc.price == q.lo)) &&
				(rc.price < q.hi || (!q.hiEx && rc.price == q.hi))
			if in {
				total++
				want = append(want, rc.key)
			}
		}
		byKey := map[string]rec{}
		for _, rc := range recs {
			byKey[rc.key] = rc
		}
		slices.SortFunc(want, func(a, b string) int {
			ra, rb := byKey[a], byKey[b]
			va, ha, vb, hb := ra.rating, ra.hasR, rb.rating, rb.hasR
			if q.field == "price" {
				va, ha, vb, hb = ra.price, ra.hasP, rb.price, rb.hasP
			}
			if ha != hb {
				if ha {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(va, vb); c != 0 {
				if q.desc {
					return -c
				}
				return c
			}
			return strings.Compare(a, b)
		})
		want = want[min(q.offset, len(want)):]
		want = want[:min(q.limt, len(want))]
		bound := func(x float64, ex bool) string {
			if ex {
				return "(" + strconv.FormatFloat(x, 'f', -1, 64)
			}
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		req := &Request{Query: "@price:[" + bound(q.lo, q.loEx) + " " + bound(q.hi, q.hiEx) + "]",
			SortBy: q.field, SortDesc: q.desc, Offset: q.offset, Limit: q.limt}
		rtx := store.BeginAll(false)
		res, err := r.Search(&rtx, idx, req)
		rtx.End()
		require.NoError(t, err, name)
		require.Equal(t, total, res.Total, name)
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.Key)
		}
		require.Equal(t, want, got, name)
	}
}

// A range whose documents mostly lack the sort field: the walk of the sort field finds
// fewer than a page, and the page ends with documents without a value, by key.
func TestRangeSortedFewSortValues(t *testing.T) {
	withLeafMax(t, 16)
	store, r, idx := newTestIndex(t, 1, "PREFIX 1 d: SCHEMA price NUMERIC rating NUMERIC SORTABLE")
	tx := store.BeginAll(true)
	for i := range 3000 {
		h := engine.NewHash()
		h.Set("price", []byte(strconv.Itoa(i%100)))
		if i%1000 == 7 {
			h.Set("rating", []byte(strconv.Itoa(10-i/1000))) // d:7 → 10, d:1007 → 9, d:2007 → 8
		}
		key := "d:" + strconv.Itoa(i)
		tx.View(0, []byte(key)).Set(key, h, false)
	}
	tx.End()
	rtx := store.BeginAll(false)
	res, err := r.Search(&rtx, idx, &Request{Query: "@price:[0 99]", SortBy: "rating", Limit: 5})
	rtx.End()
	require.NoError(t, err)
	require.EqualValues(t, 3000, res.Total)
	var got []string
	for _, h := range res.Hits {
		got = append(got, h.Key)
	}
	require.Equal(t, []string{"d:2007", "d:1007", "d:7", "d:0", "d:1"}, got)
}
