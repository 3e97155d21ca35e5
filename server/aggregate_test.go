package server_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// aggRows turns an FT.AGGREGATE reply (RESP2 array or RESP3 map) into its total and rows,
// each row its names and values in order.
func aggRows(t *testing.T, v any) (int64, [][]any) {
	t.Helper()
	var rows [][]any
	switch r := v.(type) {
	case []any:
		for _, row := range r[1:] {
			rows = append(rows, row.([]any))
		}
		return r[0].(int64), rows
	case map[any]any:
		assert.Equal(t, []any{}, r["attributes"])
		assert.Equal(t, "STRING", r["format"])
		assert.Equal(t, []any{}, r["warning"])
		for _, res := range r["results"].([]any) {
			m := res.(map[any]any)
			assert.Equal(t, []any{}, m["values"])
			// A RESP3 map has no order: rebuild the pairs sorted by name.
			ea := m["extra_attributes"].(map[any]any)
			var names []string
			for k := range ea {
				names = append(names, k.(string))
			}
			slices.Sort(names)
			var row []any
			for _, n := range names {
				row = append(row, n, ea[n])
			}
			rows = append(rows, row)
		}
		return r["total_results"].(int64), rows
	}
	t.Fatalf("not an FT.AGGREGATE reply: %T %v", v, v)
	return 0, nil
}

// sortedPairs is a RESP2 row's pairs sorted by name, to compare with a RESP3 row.
func sortedPairs(row []any) []any {
	type kv struct {
		k string
		v any
	}
	var kvs []kv
	for i := 0; i+1 < len(row); i += 2 {
		kvs = append(kvs, kv{row[i].(string), row[i+1]})
	}
	slices.SortFunc(kvs, func(a, b kv) int {
		if a.k < b.k {
			return -1
		}
		if a.k > b.k {
			return 1
		}
		return 0
	})
	out := []any{}
	for _, p := range kvs {
		out = append(out, p.k, p.v)
	}
	return out
}

// checkRows compares rows with want: in RESP2 exactly (names in the reply's order), in
// RESP3 as sorted pairs.
func checkRows(t *testing.T, proto int, want [][]any, got [][]any, msg string) {
	t.Helper()
	if proto == 2 {
		assert.Equal(t, want, got, msg)
		return
	}
	require.Len(t, got, len(want), msg)
	for i := range want {
		assert.Equal(t, sortedPairs(want[i]), got[i], msg)
	}
}

// FT.AGGREGATE over the seed's cities: GROUPBY with reducers, APPLY and FILTER, and
// RediSearch's number formatting, in both protocols.
func TestAggregateCities(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		seedCities(t, rdb)
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "cities", "PREFIX", "1", "city:", "SCHEMA",
			"name", "TEXT", "population", "NUMERIC", "SORTABLE", "continent", "TAG").Err())
		waitIndexed(t, rdb, "cities")

		v, err := rdb.Do(ctx, "FT.AGGREGATE", "cities", "*", "GROUPBY", "1", "@continent",
			"REDUCE", "COUNT", "0", "AS", "n", "REDUCE", "SUM", "1", "@population", "AS", "pop",
			"REDUCE", "MAX", "1", "@population", "SORTBY", "2", "@pop", "DESC").Result()
		require.NoError(t, err)
		total, rows := aggRows(t, v)
		assert.Equal(t, int64(2), total)
		// 1.3 + 9.8 is 11.100000000000001 in binary: "%.12g" shows 11.1.
		checkRows(t, proto, [][]any{
			{"continent", "Europe", "n", "2", "pop", "11.9", "__generated_aliasmaxpopulation", "8.8"},
			{"continent", "Asia", "n", "2", "pop", "11.1", "__generated_aliasmaxpopulation", "9.8"},
		}, rows, "group")

		v, err = rdb.Do(ctx, "FT.AGGREGATE", "cities", "@continent:{Europe}", "LOAD", "1", "@name",
			"APPLY", "@population * 1000", "AS", "k", "APPLY", "upper(@name)", "AS", "up",
			"FILTER", "@k > 5000").Result()
		require.NoError(t, err)
		total, rows = aggRows(t, v)
		assert.Equal(t, int64(1), total, "FILTER's rows are counted after it")
		checkRows(t, proto, [][]any{{"name", "London", "population", "8.8", "k", "8800", "up", "LONDON"}}, rows, "apply")

		v, err = rdb.Do(ctx, "FT.AGGREGATE", "cities", "*", "LOAD", "2", "__key", "name",
			"SORTBY", "2", "@population", "ASC", "LIMIT", "1", "2").Result()
		require.NoError(t, err)
		total, rows = aggRows(t, v)
		assert.Equal(t, int64(4), total, "the rows before LIMIT")
		checkRows(t, proto, [][]any{
			{"__key", "city:2", "name", "Athens", "population", "3.1"},
			{"__key", "city:1", "name", "London", "population", "8.8"},
		}, rows, "sort+limit")

		// ADDSCORES: each row's __score is the document's FT.SEARCH score.
		sr, err := rdb.FTSearchWithArgs(ctx, "cities", "london|athens|hyderabad", &redis.FTSearchOptions{
			WithScores: true, DialectVersion: 2}).Result()
		require.NoError(t, err)
		require.Len(t, sr.Docs, 3)
		v, err = rdb.Do(ctx, "FT.AGGREGATE", "cities", "london|athens|hyderabad", "LOAD", "1", "__key",
			"ADDSCORES", "SORTBY", "2", "@__score", "DESC", "DIALECT", "2").Result()
		require.NoError(t, err)
		_, rows = aggRows(t, v)
		require.Len(t, rows, 3)
		scores := map[string]string{}
		for _, r := range rows {
			row := sortedPairs(r)
			scores[row[1].(string)] = row[3].(string)
		}
		for _, d := range sr.Docs {
			got, err := strconv.ParseFloat(scores[d.ID], 64)
			require.NoError(t, err, d.ID)
			assert.InEpsilon(t, *d.Score, got, 1e-9, d.ID)
		}

		// go-redis' typed API parses the reply in both protocols.
		res, err := rdb.FTAggregateWithArgs(ctx, "cities", "*", &redis.FTAggregateOptions{
			GroupBy: []redis.FTAggregateGroupBy{{Fields: []any{"@continent"},
				Reduce: []redis.FTAggregateReducer{{Reducer: redis.SearchCount, As: "n"}}}},
			SortBy: []redis.FTAggregateSortBy{{FieldName: "@continent", Asc: true}},
		}).Result()
		require.NoError(t, err)
		assert.Equal(t, 2, res.Total)
		require.Len(t, res.Rows, 2)
		assert.Equal(t, "Asia", res.Rows[0].Fields["continent"])
		assert.Equal(t, "2", res.Rows[0].Fields["n"])
		assert.Equal(t, "Europe", res.Rows[1].Fields["continent"])

		for _, bad := range []struct {
			args []any
			msg  string
		}{
			{[]any{"GROUPBY", "1", "@nope"}, "Property `nope` not loaded nor in schema"},
			{[]any{"GROUPBY", "1", "@name", "REDUCE", "MEDIAN", "1", "@population"}, "No such reducer"},
			{[]any{"APPLY", "@population +", "AS", "x"}, ""},
			{[]any{"GROUPBY", "1", "@name", "REDUCE", "COUNT", "0", "SORTBY", "1", "@population"}, "not loaded nor in schema"},
		} {
			err := rdb.Do(ctx, append([]any{"FT.AGGREGATE", "cities", "*"}, bad.args...)...).Err()
			require.Error(t, err, "%v", bad.args)
			assert.Contains(t, err.Error(), bad.msg, "%v", bad.args)
		}
		// A document without population: reading it in an expression fails the query, as
		// in RediSearch, unless exists() or ismissing() guards it.
		require.NoError(t, rdb.HSet(ctx, "city:9", "name", "Nowhere", "continent", "Asia").Err())
		err = rdb.Do(ctx, "FT.AGGREGATE", "cities", "*", "APPLY", "@population * 2", "AS", "p2").Err()
		require.EqualError(t, err, "ERR Could not find the value for a parameter name, consider using EXISTS if applicable for population")
		v, err = rdb.Do(ctx, "FT.AGGREGATE", "cities", "*", "LOAD", "1", "@name", "FILTER", "ismissing(@population)").Result()
		require.NoError(t, err)
		_, rows = aggRows(t, v)
		checkRows(t, proto, [][]any{{"name", "Nowhere"}}, rows, "ismissing")
		v, err = rdb.Do(ctx, "FT.AGGREGATE", "cities", "*", "FILTER", "exists(@population) && @population < 2",
			"LOAD", "1", "@name").Result()
		require.NoError(t, err)
		_, rows = aggRows(t, v)
		checkRows(t, proto, [][]any{{"name", "Tel-Aviv", "population", "1.3"}}, rows, "exists")
		require.NoError(t, rdb.Del(ctx, "city:9").Err())

		err = rdb.Do(ctx, "FT.AGGREGATE", "nosuch", "*").Err()
		require.EqualError(t, err, "nosuch: no such index")
		require.NoError(t, rdb.Do(ctx, "FT.DROPINDEX", "cities").Err())
	}
}

// The aggregates redisvl sends after a KNN clause (COMPAT.md): its semantic router's
// GROUPBY … REDUCE MIN on the distance alias with a FILTER, and its aggregate query's
// LOAD __key, APPLY on the distance, SORTBY … MAX.
func TestAggregateKNNForms(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 3})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		for i, d := range []struct {
			route string
			vec   []float64
		}{{"a", []float64{0, 0}}, {"a", []float64{1, 0}}, {"b", []float64{0, 2}}, {"b", []float64{3, 0}}, {"c", []float64{5, 5}}} {
			require.NoError(t, rdb.HSet(ctx, "v:"+strconv.Itoa(i+1), "route", d.route, "v", f32Blob(d.vec)).Err())
		}
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "vi", "PREFIX", "1", "v:", "SCHEMA", "route", "TAG",
			"v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2").Err())
		waitIndexed(t, rdb, "vi")
		q := f32Blob([]float64{0, 0})

		v, err := rdb.Do(ctx, "FT.AGGREGATE", "vi", "*=>[KNN 4 @v $vec AS vector_distance]", "PARAMS", "2", "vec", q,
			"GROUPBY", "1", "@route", "REDUCE", "MIN", "1", "vector_distance", "AS", "distance",
			"FILTER", "(@route == 'a' && @distance < 5) || @distance < 4.5", "SORTBY", "2", "@distance", "ASC", "DIALECT", "2").Result()
		require.NoError(t, err)
		_, rows := aggRows(t, v)
		// The 4 nearest are v:1..v:4 (squared L2 0, 1, 4, 9): route c is not among them.
		checkRows(t, proto, [][]any{{"route", "a", "distance", "0"}, {"route", "b", "distance", "4"}}, rows, "router")

		v, err = rdb.Do(ctx, "FT.AGGREGATE", "vi", "*=>[KNN 3 @v $vec AS vector_distance]", "PARAMS", "2", "vec", q,
			"LOAD", "2", "__key", "route", "APPLY", "(2 - @vector_distance)/2", "AS", "score",
			"SORTBY", "2", "@score", "DESC", "MAX", "2", "DIALECT", "2").Result()
		require.NoError(t, err)
		total, rows := aggRows(t, v)
		assert.Equal(t, int64(3), total)
		checkRows(t, proto, [][]any{
			{"__key", "v:1", "route", "a", "vector_distance", "0", "score", "1"},
			{"__key", "v:2", "route", "a", "vector_distance", "1", "score", "0.5"},
		}, rows, "redisvl aggregate")
	}
}

// WITHCURSOR pages through every row with COUNT; FT.CURSOR READ and DEL; an idle cursor
// expires; FT.INFO counts open cursors.
func TestAggregateCursor(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 2})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		pipe := rdb.Pipeline()
		const n = 2500
		for i := range n {
			pipe.HSet(ctx, "p:"+strconv.Itoa(i), "n", i)
		}
		_, err := pipe.Exec(ctx)
		require.NoError(t, err)
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "pi", "PREFIX", "1", "p:", "SCHEMA", "n", "NUMERIC").Err())
		waitIndexed(t, rdb, "pi")

		v, err := rdb.Do(ctx, "FT.AGGREGATE", "pi", "*", "LOAD", "1", "@n", "WITHCURSOR", "COUNT", "1000").Result()
		require.NoError(t, err)
		seen := map[string]bool{}
		var reads []int
		for {
			pair := v.([]any)
			total, rows := aggRows(t, pair[0])
			assert.Equal(t, int64(n), total)
			reads = append(reads, len(rows))
			for _, r := range rows {
				seen[r[1].(string)] = true
			}
			id := pair[1].(int64)
			if id == 0 {
				break
			}
			info, err := rdb.Do(ctx, "FT.INFO", "pi").Result()
			require.NoError(t, err)
			assert.EqualValues(t, 1, infoValue(infoValue(info, "cursor_stats"), "index_total"))
			v, err = rdb.Do(ctx, "FT.CURSOR", "READ", "pi", id).Result()
			require.NoError(t, err)
		}
		assert.Equal(t, []int{1000, 1000, 500}, reads)
		assert.Len(t, seen, n, "every row once")

		// DEL, then a read of the deleted cursor fails.
		v, err = rdb.Do(ctx, "FT.AGGREGATE", "pi", "*", "LOAD", "1", "@n", "WITHCURSOR", "COUNT", "10").Result()
		require.NoError(t, err)
		id := v.([]any)[1].(int64)
		require.NotZero(t, id)
		v, err = rdb.Do(ctx, "FT.CURSOR", "READ", "pi", id, "COUNT", "5").Result()
		require.NoError(t, err)
		_, rows := aggRows(t, v.([]any)[0])
		assert.Len(t, rows, 5, "COUNT on READ")
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CURSOR", "DEL", "pi", id).Val())
		require.Error(t, rdb.Do(ctx, "FT.CURSOR", "READ", "pi", id).Err())
		require.Error(t, rdb.Do(ctx, "FT.CURSOR", "DEL", "pi", id).Err())

		// A cursor opened through an alias reads through the index's name, and back.
		require.NoError(t, rdb.Do(ctx, "FT.ALIASADD", "pa", "pi").Err())
		v, err = rdb.Do(ctx, "FT.AGGREGATE", "pa", "*", "WITHCURSOR", "COUNT", "10").Result()
		require.NoError(t, err)
		id = v.([]any)[1].(int64)
		require.NoError(t, rdb.Do(ctx, "FT.CURSOR", "READ", "pi", id).Err())
		require.NoError(t, rdb.Do(ctx, "FT.CURSOR", "READ", "pa", id).Err())
		require.Equal(t, "OK", rdb.Do(ctx, "FT.CURSOR", "DEL", "pa", id).Val())

		// MAXIDLE: unread for longer, the cursor is gone.
		v, err = rdb.Do(ctx, "FT.AGGREGATE", "pi", "*", "WITHCURSOR", "COUNT", "10", "MAXIDLE", "50").Result()
		require.NoError(t, err)
		id = v.([]any)[1].(int64)
		time.Sleep(150 * time.Millisecond)
		err = rdb.Do(ctx, "FT.CURSOR", "READ", "pi", id).Err()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "Cursor not found")
	}
}

// A cursor pages through 100 000 rows with COUNT, each row once; writes between its reads
// do not change what it returns (its rows are those of the moment FT.AGGREGATE ran).
func TestAggregateCursorLarge(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	const n = 100000
	pipe := rdb.Pipeline()
	for i := range n {
		pipe.HSet(ctx, "p:"+strconv.Itoa(i), "n", i, "g", i%7)
		if i%5000 == 4999 {
			_, err := pipe.Exec(ctx)
			require.NoError(t, err)
		}
	}
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "pi", "PREFIX", "1", "p:", "SCHEMA", "n", "NUMERIC", "g", "TAG").Err())
	waitIndexed(t, rdb, "pi")

	v, err := rdb.Do(ctx, "FT.AGGREGATE", "pi", "*", "LOAD", "1", "@n", "WITHCURSOR", "COUNT", "7000").Result()
	require.NoError(t, err)
	seen := make([]bool, n)
	reads := 0
	for {
		pair := v.([]any)
		total, rows := aggRows(t, pair[0])
		assert.Equal(t, int64(n), total)
		for _, r := range rows {
			i, err := strconv.Atoi(r[1].(string))
			require.NoError(t, err)
			require.False(t, seen[i], "row %d twice", i)
			seen[i] = true
		}
		reads++
		id := pair[1].(int64)
		if id == 0 {
			break
		}
		if reads == 3 { // the index changes under the cursor
			require.NoError(t, rdb.Del(ctx, "p:0", "p:99999").Err())
			require.NoError(t, rdb.HSet(ctx, "p:100000", "n", 100000).Err())
		}
		v, err = rdb.Do(ctx, "FT.CURSOR", "READ", "pi", id).Result()
		require.NoError(t, err)
	}
	assert.Equal(t, (n+6999)/7000, reads)
	for i, ok := range seen {
		require.True(t, ok, "row %d never read", i)
	}
	// A cursor over groups pages the same way.
	v, err = rdb.Do(ctx, "FT.AGGREGATE", "pi", "*", "GROUPBY", "1", "@g", "REDUCE", "COUNT", "0", "AS", "c",
		"WITHCURSOR", "COUNT", "3").Result()
	require.NoError(t, err)
	_, rows := aggRows(t, v.([]any)[0])
	assert.Len(t, rows, 3)
}
