// Command rag is the lookup at the heart of retrieval-augmented generation, run against
// darner with go-redis: the 31 blog posts of Dragonfly's vector-search walk-through, each
// with its OpenAI embedding, stored as hashes (the embedding a FLOAT32 blob) and as JSON
// documents (the embedding an array), then "the posts most like this one", the same under
// a tag and under a text filter, and every post within a distance.
//
//	go run .                                # in the repository root: darner on :6379
//	go run ./examples/rag [-addr host:port] # in another terminal
//
// No embedding model is reachable here, so the query vector is a stored post's embedding.
// See README.md beside this file for the output.
package main

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "the server's address")
	data := flag.String("data", "testdata/posts.csv", "the posts: a CSV of title and embedding (a JSON array)")
	flag.Parse()
	posts, err := readPosts(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rag:", err)
		os.Exit(1)
	}
	rdb := redis.NewClient(&redis.Options{Addr: *addr, Protocol: 2})
	defer rdb.Close()
	if err := run(context.Background(), rdb, posts, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rag:", err)
		os.Exit(1)
	}
}

// post is one blog post: its title, the topics its title names, and its embedding.
type post struct {
	title     string
	topics    []string
	embedding []float32
}

// readPosts reads the CSV of title,embedding.
func readPosts(path string) ([]post, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	var posts []post
	for _, row := range rows[1:] { // the header
		var e []float32
		if err := json.Unmarshal([]byte(row[1]), &e); err != nil {
			return nil, fmt.Errorf("%q: %w", row[0], err)
		}
		posts = append(posts, post{title: row[0], topics: topicsOf(row[0]), embedding: e})
	}
	return posts, nil
}

// topicsOf tags a post with the products its title names, to have something to filter by.
func topicsOf(title string) []string {
	var out []string
	for _, t := range []string{"redis", "bullmq", "kubernetes", "lua", "feast"} {
		if strings.Contains(strings.ToLower(title), t) {
			out = append(out, t)
		}
	}
	return out
}

// blob is a vector as a hash field holds it: little-endian float32s.
func blob(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// queryTitle is the post whose embedding the searches use as the question.
const queryTitle = "Running BullMQ with Dragonfly"

// run stores the posts, (re)creates the two indexes, and prints the searches' answers.
func run(ctx context.Context, rdb *redis.Client, posts []post, out io.Writer) error {
	var query []float32
	for i, p := range posts {
		if p.title == queryTitle {
			query = p.embedding
		}
		if err := rdb.HSet(ctx, "post:"+strconv.Itoa(i), "title", p.title,
			"topics", strings.Join(p.topics, ","), "embedding", blob(p.embedding)).Err(); err != nil {
			return err
		}
		doc, err := json.Marshal(map[string]any{"title": p.title, "topics": append([]string{}, p.topics...),
			"embedding": p.embedding})
		if err != nil {
			return err
		}
		if err := rdb.Do(ctx, "JSON.SET", "jpost:"+strconv.Itoa(i), "$", string(doc)).Err(); err != nil {
			return err
		}
	}
	if query == nil {
		return fmt.Errorf("no post is called %q", queryTitle)
	}
	dim := strconv.Itoa(len(query))
	for _, create := range [][]any{
		{"FT.CREATE", "posts", "ON", "HASH", "PREFIX", "1", "post:", "SCHEMA", "title", "TEXT", "topics", "TAG",
			"embedding", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "COSINE"},
		{"FT.CREATE", "jposts", "ON", "JSON", "PREFIX", "1", "jpost:", "SCHEMA", "$.title", "AS", "title", "TEXT",
			"$.topics[*]", "AS", "topics", "TAG",
			"$.embedding", "AS", "embedding", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "COSINE"},
	} {
		if err := rdb.Do(ctx, "FT.DROPINDEX", create[1]).Err(); err != nil &&
			!strings.Contains(strings.ToLower(err.Error()), "unknown index") {
			return err
		}
		if err := rdb.Do(ctx, create...).Err(); err != nil {
			return err
		}
		if err := waitIndexed(ctx, rdb, create[1].(string), len(posts)); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "%d posts stored as hashes (index posts, HNSW) and as JSON (index jposts, FLAT); "+
		"the question is the embedding of %q.\n", len(posts), queryTitle)
	vec := blob(query)
	for _, s := range []struct{ what, index, query string }{
		{"The 4 posts most like it", "posts", "*=>[KNN 4 @embedding $vec AS dist]"},
		{"The same from the JSON documents", "jposts", "*=>[KNN 4 @embedding $vec AS dist]"},
		{"The 3 nearest among posts tagged redis", "posts", "@topics:{redis}=>[KNN 3 @embedding $vec AS dist]"},
		{"The 2 nearest among posts whose title says kubernetes", "posts", "@title:kubernetes=>[KNN 2 @embedding $vec AS dist]"},
		{"Every post within a cosine distance of 0.15", "posts", "@embedding:[VECTOR_RANGE 0.15 $vec]=>{$YIELD_DISTANCE_AS: dist}"},
	} {
		fmt.Fprintf(out, "\n%s:\n  FT.SEARCH %s '%s' PARAMS 2 vec <blob> SORTBY dist RETURN 2 title dist DIALECT 2\n",
			s.what, s.index, s.query)
		res, err := rdb.Do(ctx, "FT.SEARCH", s.index, s.query, "PARAMS", "2", "vec", vec,
			"SORTBY", "dist", "RETURN", "2", "title", "dist", "DIALECT", "2").Slice()
		if err != nil {
			return fmt.Errorf("%s: %w", s.query, err)
		}
		if err := printHits(out, res); err != nil {
			return err
		}
	}
	return nil
}

// printHits prints an FT.SEARCH reply (RESP2: count, then key and field list per hit) as
// one line per hit: distance, title, key.
func printHits(out io.Writer, res []any) error {
	fmt.Fprintf(out, "  %v found\n", res[0])
	for i := 1; i+1 < len(res); i += 2 {
		fields, _ := res[i+1].([]any)
		var title string
		var dist float64
		for j := 0; j+1 < len(fields); j += 2 {
			switch fields[j] {
			case "title":
				title = fmt.Sprint(fields[j+1])
			case "dist":
				d, err := strconv.ParseFloat(fmt.Sprint(fields[j+1]), 64)
				if err != nil {
					return err
				}
				dist = d
			}
		}
		fmt.Fprintf(out, "  %.4f  %-60s %s\n", dist, title, res[i])
	}
	return nil
}

// waitIndexed polls FT.INFO until the index holds n documents and is not scanning.
func waitIndexed(ctx context.Context, rdb *redis.Client, index string, n int) error {
	for range 500 {
		v, err := rdb.Do(ctx, "FT.INFO", index).Slice()
		if err != nil {
			return err
		}
		info := map[string]string{}
		for i := 0; i+1 < len(v); i += 2 {
			info[fmt.Sprint(v[i])] = fmt.Sprint(v[i+1])
		}
		if info["indexing"] == "0" && info["num_docs"] == strconv.Itoa(n) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("index %s did not reach %d documents in 5 s", index, n)
}
