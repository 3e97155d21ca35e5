package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// queryClass is one kind of FT.SEARCH. Its parameter is drawn for every query from a
// document picked at random, so that it follows the data's own distribution: a brand as
// often as brands occur, a word as often as titles use it.
type queryClass struct {
	name    string
	example string // one query of the class, as a reader would type it
	args    func(c *corpus, r *rand.Rand) []any
}

// priceWindow is the width of the numeric range query, in price units: 1 % of the range,
// so ~1 % of the documents match.
const priceWindow = 100

func queryClasses() []queryClass {
	return []queryClass{
		{"tag (selective)", "@brand:{brand0042}", func(c *corpus, r *rand.Rand) []any {
			return search("@brand:{"+c.brands[pick(c, r).brand]+"}", 10)
		}},
		{"numeric range + SORTBY", "@price:[1200 1300] SORTBY rating DESC", func(c *corpus, r *rand.Rand) []any {
			lo := r.IntN(10000 - priceWindow + 1)
			q := "@price:[" + strconv.Itoa(lo) + " " + strconv.Itoa(lo+priceWindow) + "]"
			return append(search(q, 10), "SORTBY", "rating", "DESC")
		}},
		{"one text term", "word", func(c *corpus, r *rand.Rand) []any {
			d := pick(c, r)
			return search(c.vocab[d.words[r.IntN(titleWords)]], 10)
		}},
		{"two-term AND", "word1 word2", func(c *corpus, r *rand.Rand) []any {
			d := pick(c, r)
			i, j := twoPositions(r)
			return search(c.vocab[d.words[i]]+" "+c.vocab[d.words[j]], 10)
		}},
		{"phrase", `"word1 word2"`, func(c *corpus, r *rand.Rand) []any {
			d := pick(c, r)
			i := r.IntN(titleWords - 1)
			return search(`"`+c.vocab[d.words[i]]+" "+c.vocab[d.words[i+1]]+`"`, 10)
		}},
		{"* LIMIT 0 0", "*", func(*corpus, *rand.Rand) []any { return search("*", 0) }},
	}
}

// search is FT.SEARCH of q returning the first limit documents, dialect 2.
func search(q string, limit int) []any {
	return []any{"FT.SEARCH", indexName, q, "LIMIT", "0", strconv.Itoa(limit), "DIALECT", "2"}
}

func pick(c *corpus, r *rand.Rand) *doc { return &c.docs[r.IntN(len(c.docs))] }

// twoPositions returns two different title positions: the two words of a two-term query
// come from one title, so that every query matches at least one document.
func twoPositions(r *rand.Rand) (int, int) {
	i := r.IntN(titleWords)
	j := r.IntN(titleWords - 1)
	if j >= i {
		j++
	}
	return i, j
}

// queryResult is what running one class at one concurrency measured.
type queryResult struct {
	class       string
	conc        int
	n           int
	elapsed     time.Duration
	p50, p99    time.Duration
	meanMatches float64 // mean total_results
}

func (q queryResult) qps() float64 { return float64(q.n) / q.elapsed.Seconds() }

// runQueries runs class from conc clients for dur (after a short warm-up) and measures
// every query's latency as the client sees it.
func runQueries(ctx context.Context, rdb *redis.Client, c *corpus, class queryClass, conc int,
	dur time.Duration, seed uint64) (queryResult, error) {
	warm := rand.New(rand.NewPCG(seed, 0))
	for i, until := 0, time.Now().Add(time.Second); i < 20 && time.Now().Before(until); i++ {
		if _, err := searchOnce(ctx, rdb, class.args(c, warm)); err != nil {
			return queryResult{}, fmt.Errorf("%s: %w", class.name, err)
		}
	}
	lats := make([][]time.Duration, conc)
	matches := make([]int64, conc)
	errs := make([]error, conc)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(dur)
	for w := range conc {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(w)+1))
			for time.Now().Before(deadline) {
				t0 := time.Now()
				total, err := searchOnce(ctx, rdb, class.args(c, r))
				if err != nil {
					errs[w] = err
					return
				}
				lats[w] = append(lats[w], time.Since(t0))
				matches[w] += total
			}
		})
	}
	wg.Wait()
	res := queryResult{class: class.name, conc: conc, elapsed: time.Since(start)}
	for _, err := range errs {
		if err != nil {
			return res, fmt.Errorf("%s: %w", class.name, err)
		}
	}
	all := slices.Concat(lats...)
	slices.Sort(all)
	res.n = len(all)
	res.p50, res.p99 = quantile(all, 0.50), quantile(all, 0.99)
	var sum int64
	for _, m := range matches {
		sum += m
	}
	res.meanMatches = float64(sum) / float64(max(res.n, 1))
	return res, nil
}

// searchOnce runs one FT.SEARCH and returns its total_results.
func searchOnce(ctx context.Context, rdb *redis.Client, args []any) (int64, error) {
	res, err := rdb.Do(ctx, args...).Slice()
	if err != nil {
		return 0, err
	}
	if len(res) == 0 {
		return 0, fmt.Errorf("empty FT.SEARCH reply to %v", args)
	}
	total, ok := res[0].(int64)
	if !ok {
		return 0, fmt.Errorf("FT.SEARCH reply starts with %T", res[0])
	}
	return total, nil
}

// quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
