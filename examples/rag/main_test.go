package main

import (
	"bytes"
	"context"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// The example, run twice against a darner started here, prints testdata/output.txt, which
// README.md shows; and its nearest posts are the ones a brute-force cosine ranking of the
// embeddings gives.
func TestRAGExample(t *testing.T) {
	posts, err := readPosts("testdata/posts.csv")
	require.NoError(t, err)
	require.Len(t, posts, 31)
	want, err := os.ReadFile("testdata/output.txt")
	require.NoError(t, err)
	s := servertest.Start(t, servertest.Options{})
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr, Protocol: 2})
	t.Cleanup(func() { rdb.Close() })
	var out bytes.Buffer
	for range 2 {
		out.Reset()
		require.NoError(t, run(context.Background(), rdb, posts, &out))
		require.Equal(t, string(want), out.String())
	}
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.True(t, strings.Contains(string(readme), string(want)), "README.md shows testdata/output.txt")

	// Brute force: the 4 nearest titles by cosine distance, in order, and those with a
	// redis topic.
	var q []float32
	for _, p := range posts {
		if p.title == queryTitle {
			q = p.embedding
		}
	}
	type ranked struct {
		title string
		dist  float64
		redis bool
	}
	var all []ranked
	for _, p := range posts {
		all = append(all, ranked{p.title, cosineDistance(q, p.embedding), slices.Contains(p.topics, "redis")})
	}
	slices.SortFunc(all, func(a, b ranked) int { return strings.Compare(a.title, b.title) })
	slices.SortStableFunc(all, func(a, b ranked) int {
		switch {
		case a.dist < b.dist:
			return -1
		case a.dist > b.dist:
			return 1
		}
		return 0
	})
	sections := strings.Split(out.String(), "\n\n")
	requireInOrder(t, sections[1], all[0].title, all[1].title, all[2].title, all[3].title)
	requireInOrder(t, sections[2], all[0].title, all[1].title, all[2].title, all[3].title)
	var redisTitles []string
	for _, r := range all {
		if r.redis && len(redisTitles) < 3 {
			redisTitles = append(redisTitles, r.title)
		}
	}
	requireInOrder(t, sections[3], redisTitles...)
	var within []string
	for _, r := range all {
		if r.dist <= 0.15 {
			within = append(within, r.title)
		}
	}
	requireInOrder(t, sections[5], within...)
}

// requireInOrder checks that section has one line per title, in that order, after its
// three header lines.
func requireInOrder(t *testing.T, section string, titles ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(section, "\n"), "\n")[3:]
	require.Len(t, lines, len(titles), section)
	for i, title := range titles {
		require.Contains(t, lines[i], title, section)
	}
}

func cosineDistance(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return 1 - dot/math.Sqrt(na*nb)
}
