package server_test

import (
	"context"
	"encoding/csv"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

type blogPost struct{ key, title, description, content string }

func loadBlogPosts(t *testing.T) []blogPost {
	t.Helper()
	f, err := os.Open("testdata/blog/posts.csv")
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var posts []blogPost
	for i, r := range rows[1:] {
		posts = append(posts, blogPost{"post:" + strconv.Itoa(i), r[0], r[1], r[2]})
	}
	return posts
}

// blogWords splits text as RediSearch's default tokenizer does (its separator set),
// lower-cased: the reference the expected sets below are computed from.
func blogWords(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",.<>{}[]\"':;!@#$%^&*()-+=~|/\\`?", r)
	})
}

var blogStemmer = en.NewEnglishStemmerFilter()

func blogStem(w string) string {
	return string(blogStemmer.Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term)
}

// expectPosts lists, sorted, the keys of the posts for which match holds in some field.
func expectPosts(posts []blogPost, match func(words []string) bool) []string {
	var out []string
	for _, p := range posts {
		for _, field := range []string{p.title, p.description, p.content} {
			if match(blogWords(field)) {
				out = append(out, p.key)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// The 31 blog posts of the shared data set, indexed as TEXT: phrases, prefixes, fuzzy
// matches and stemming find what a scan of the texts finds, and BM25 ranks the posts about
// a word first.
func TestSearchBlogPosts(t *testing.T) {
	posts := loadBlogPosts(t)
	require.Len(t, posts, 31)
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	rdb := s.Client(t, 2)
	require.NoError(t, rdb.Do(ctx, "FT.CREATE", "blog", "PREFIX", "1", "post:", "SCHEMA",
		"title", "TEXT", "WEIGHT", "5", "description", "TEXT", "content", "TEXT").Err())
	for _, p := range posts {
		require.NoError(t, rdb.HSet(ctx, p.key, "title", p.title, "description", p.description, "content", p.content).Err())
	}
	keys := func(q string, extra ...any) []string {
		t.Helper()
		args := append([]any{"FT.SEARCH", "blog", q, "NOCONTENT", "LIMIT", "0", "100"}, extra...)
		v, err := rdb.Do(ctx, args...).Result()
		require.NoError(t, err, q)
		var out []string
		for _, k := range v.([]any)[1:] {
			out = append(out, k.(string))
		}
		require.Equal(t, int64(len(out)), v.([]any)[0], q)
		slices.Sort(out)
		return out
	}
	contains := func(pred func(w string) bool) func([]string) bool {
		return func(ws []string) bool { return slices.ContainsFunc(ws, pred) }
	}

	phrase := expectPosts(posts, func(ws []string) bool {
		for i := 0; i+1 < len(ws); i++ {
			if ws[i] == "horizontal" && ws[i+1] == "scaling" {
				return true
			}
		}
		return false
	})
	require.NotEmpty(t, phrase)
	assert.Equal(t, phrase, keys(`"horizontal scaling"`, "VERBATIM"), "phrase")

	prefix := expectPosts(posts, contains(func(w string) bool { return strings.HasPrefix(w, "migrat") }))
	require.NotEmpty(t, prefix)
	assert.Equal(t, prefix, keys("migrat*"), "prefix")

	fuzzy := expectPosts(posts, contains(func(w string) bool { return w == "kubernetes" || w == "kubernete" }))
	require.NotEmpty(t, fuzzy)
	assert.Equal(t, fuzzy, keys("%kubernets%"), "fuzzy, distance 1")

	stem := blogStem("running")
	stemmed := expectPosts(posts, contains(func(w string) bool { return w == "running" || blogStem(w) == stem || w == stem }))
	exact := expectPosts(posts, contains(func(w string) bool { return w == "running" }))
	require.Greater(t, len(stemmed), len(exact), "the data has other forms of run")
	assert.Equal(t, stemmed, keys("running"), "stemming: running finds run, runs, …")
	assert.Equal(t, exact, keys("running", "VERBATIM"), "VERBATIM does not stem")

	// The two posts with Kubernetes in their title rank first for "kubernetes" (title
	// WEIGHT 5), ahead of the posts that only mention it.
	v, err := rdb.Do(ctx, "FT.SEARCH", "blog", "kubernetes", "NOCONTENT", "WITHSCORES", "LIMIT", "0", "3").Result()
	require.NoError(t, err)
	reply := v.([]any)
	var top []string
	var scores []float64
	for i := 1; i < len(reply); i += 2 {
		top = append(top, reply[i].(string))
		f, err := strconv.ParseFloat(reply[i+1].(string), 64)
		require.NoError(t, err)
		scores = append(scores, f)
	}
	require.Len(t, top, 3)
	var titled []string
	for _, p := range posts {
		if strings.Contains(strings.ToLower(p.title), "kubernetes") {
			titled = append(titled, p.key)
		}
	}
	require.Len(t, titled, 2)
	assert.ElementsMatch(t, titled, top[:2], "BM25: the posts about Kubernetes first")
	assert.GreaterOrEqual(t, scores[0], scores[1], "scores descend")
	assert.Greater(t, scores[1], scores[2], "and the third post scores less than both")
}
