package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sugAdd is one FT.SUGADD.
type sugAdd struct {
	str     string
	score   float64
	incr    bool
	payload string
}

func buildSuggest(t testing.TB, entries ...sugAdd) *Suggest {
	t.Helper()
	s := NewSuggest()
	for _, e := range entries {
		s.Add(e.str, e.score, e.incr, []byte(e.payload))
	}
	return s
}

func strs(xs []Suggestion) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String
	}
	return out
}

// rank is a rank as Complete reports it: computed in float32 steps.
func rank(score float64, dist int, slen, qbytes int) float64 {
	s := float32(score)
	if dist >= 0 {
		s = float32(float64(s) * math.Exp(float64(-2*dist)))
	}
	d := slen - qbytes
	if d < 0 {
		d = -d
	}
	return float64(float32(float64(s) / math.Sqrt(float64(1+d))))
}

func TestSuggestComplete(t *testing.T) {
	hello := []sugAdd{
		{str: "hello world", score: 1}, {str: "hello world", score: 1, incr: true},
		{str: "hello werld", score: 1}, {str: "hallo world", score: 1},
		{str: "yellow world", score: 2}, {str: "wazzup", score: 3}, {str: "herp", score: 4},
		{str: "derp", score: 5},
	}
	var tests []sugAdd
	for i := range 10 {
		tests = append(tests, sugAdd{str: fmt.Sprintf("test%d", i), score: float64(i + 1)})
	}
	cases := []struct {
		name    string
		entries []sugAdd
		prefix  string
		opt     CompleteOptions
		want    []string
	}{
		// RediSearch's tests/pytests/test_suggest.py testSuggestions.
		{"prefix", hello, "hello", CompleteOptions{Max: 5}, []string{"hello world", "hello werld"}},
		{"fuzzy", hello, "hello", CompleteOptions{Max: 5, Fuzzy: true},
			[]string{"hello world", "hello werld", "yellow world", "hallo world"}},
		{"fuzzy max 1", hello, "hello", CompleteOptions{Max: 1, Fuzzy: true}, []string{"hello world"}},
		{"no match", hello, "xyz", CompleteOptions{Max: 5}, []string{}},
		{"max cuts the best", tests, "test", CompleteOptions{Max: 3}, []string{"test9", "test8", "test7"}},
		{"empty prefix matches all", []sugAdd{{str: "test123", score: 1}, {str: "test456", score: 1}},
			"", CompleteOptions{Max: 5}, []string{"test123", "test456"}},
		// "redis" is an exact match of the folded prefix, which ranks it first.
		{"case folded, spelling kept", []sugAdd{{str: "RediSearch", score: 1}, {str: "redis", score: 0.5}},
			"REDIS", CompleteOptions{Max: 5}, []string{"redis", "RediSearch"}},
		{"unicode folded", []sugAdd{{str: "Ärger", score: 1}, {str: "Straße", score: 1}, {str: "ΣΟΦΊΑ", score: 1}},
			"äR", CompleteOptions{Max: 5}, []string{"Ärger"}},
		{"greek folded", []sugAdd{{str: "ΣΟΦΊΑ", score: 1}}, "σοφ", CompleteOptions{Max: 5}, []string{"ΣΟΦΊΑ"}},
		{"sharp s folds to s", []sugAdd{{str: "ßtraße", score: 1}}, "st", CompleteOptions{Max: 5}, []string{"ßtraße"}},
		// Shorter completions rank higher at equal scores: 1/√2 > 1/√5.
		{"length factor", []sugAdd{{str: "abcdef", score: 1}, {str: "abc", score: 1}},
			"ab", CompleteOptions{Max: 5}, []string{"abc", "abcdef"}},
		// An exact match outranks every score.
		{"exact match first", []sugAdd{{str: "abc", score: 0.001}, {str: "abcd", score: 1e9}},
			"abc", CompleteOptions{Max: 5}, []string{"abc", "abcd"}},
		// testSuggestZeroScoreSortsLast.
		{"zero score last", []sugAdd{{str: "foo zero"}, {str: "foo one", score: 1}, {str: "foo two", score: 2}},
			"foo", CompleteOptions{Max: 5}, []string{"foo two", "foo one", "foo zero"}},
		// testSuggestTrimDropsTail.
		{"trim", []sugAdd{{str: "ha", score: 100}, {str: "hb", score: 1}, {str: "hc", score: 1}},
			"h", CompleteOptions{Max: 10, Trim: true}, []string{"ha"}},
		// Equal ranks come out in the order RediSearch's heap leaves them, worked out by
		// hand from its sifting rules: walked a, b, c, d → c, b, a, d.
		{"ties", []sugAdd{{str: "ta", score: 1}, {str: "tb", score: 1}, {str: "tc", score: 1}, {str: "td", score: 1}},
			"t", CompleteOptions{Max: 5}, []string{"tc", "tb", "ta", "td"}},
		{"ties of three", []sugAdd{{str: "ta", score: 1}, {str: "tb", score: 1}, {str: "tc", score: 1}},
			"t", CompleteOptions{Max: 5}, []string{"ta", "tb", "tc"}},
		// testSuggestIncrKeepsEntryReachable: INCR must raise the bounds on the path. abcy
		// and abcz tie; abcy, walked first, holds its place (a newcomer must rank higher).
		{"incr raises bounds", append(append([]sugAdd{{str: "abcdef", score: 1}, {str: "abcdeg", score: 1}},
			slices.Repeat([]sugAdd{{str: "abcdef", score: 1, incr: true}}, 8)...),
			sugAdd{str: "abcx", score: 0.5}, sugAdd{str: "abcy", score: 3}, sugAdd{str: "abcz", score: 3}),
			"abc", CompleteOptions{Max: 2}, []string{"abcdef", "abcy"}},
		// Fuzzy: a prefix one substitution, insertion or deletion away; hxllo is as long as
		// the prefix, so its length factor is 1.
		{"fuzzy edits", []sugAdd{{str: "hxllo", score: 1}, {str: "hllo", score: 1}, {str: "heello", score: 1},
			{str: "hexxo", score: 1}}, "hello", CompleteOptions{Max: 5, Fuzzy: true},
			[]string{"hxllo", "hllo", "heello"}},
		// The walk skips a subtree whose bound is below the k-th best rank found: with
		// FUZZY, siblings walked first can fill the heap before the exact match is reached,
		// and its boost (not in its bound) does not save it.
		{"fuzzy exact match pruned", []sugAdd{{str: "eda", score: 50}, {str: "edd", score: 1}},
			"edd", CompleteOptions{Max: 1, Fuzzy: true}, []string{"eda"}},
		{"fuzzy exact match kept", []sugAdd{{str: "eda", score: 50}, {str: "edd", score: 1}},
			"edd", CompleteOptions{Max: 2, Fuzzy: true}, []string{"edd", "eda"}},
		{"fuzzy empty prefix", []sugAdd{{str: "a", score: 1}}, "", CompleteOptions{Max: 5, Fuzzy: true}, []string{"a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := buildSuggest(t, tc.entries...)
			got, err := s.Complete(tc.prefix, tc.opt)
			require.NoError(t, err)
			assert.Equal(t, tc.want, strs(got))
		})
	}
}

func TestSuggestRanks(t *testing.T) {
	var tests []sugAdd
	for i := range 10 {
		tests = append(tests, sugAdd{str: fmt.Sprintf("test%d", i), score: float64(i + 1)})
	}
	cases := []struct {
		name    string
		entries []sugAdd
		prefix  string
		fuzzy   bool
		want    []float64
	}{
		// testSuggestMax's expected scores: 7.0710678100585938, 6.3639612197875977, …
		{"length factor", tests, "test", false, []float64{7.0710678100585938, 6.3639612197875977,
			5.6568541526794434, 4.9497475624084473, 4.242640495300293}},
		{"zero score", []sugAdd{{str: "foo", score: 0}}, "fo", false, []float64{0}},
		{"incr to zero", []sugAdd{{str: "foo", score: 2}, {str: "foo", score: -2, incr: true}}, "fo", false, []float64{0}},
		{"exact", []sugAdd{{str: "foo", score: 3}}, "foo", false, []float64{2147483648}},
		// memcmp over len(runes) bytes of 16-bit runes: only the first half is compared, and
		// unfolded: "foO" is exact for "foo", "Foo" is not.
		{"exact ignores the second half", []sugAdd{{str: "foO", score: 3}}, "foo", false, []float64{2147483648}},
		{"exact compares unfolded", []sugAdd{{str: "Foo", score: 3}}, "foo", false, []float64{3}},
		{"fuzzy prefix dist 0", []sugAdd{{str: "hello world", score: 2}}, "hello", true,
			[]float64{rank(2, 0, 11, 5)}},
		{"fuzzy dist 1", []sugAdd{{str: "yellow world", score: 3}}, "hello", true, []float64{rank(3, 1, 12, 5)}},
		// The length factor counts the prefix in bytes and the completion in runes.
		{"bytes against runes", []sugAdd{{str: "éa", score: 1}}, "é", false, []float64{rank(1, -1, 2, 2)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := buildSuggest(t, tc.entries...).Complete(tc.prefix, CompleteOptions{Max: 5, Fuzzy: tc.fuzzy})
			require.NoError(t, err)
			scores := make([]float64, len(got))
			for i, g := range got {
				scores[i] = g.Score
			}
			assert.Equal(t, tc.want, scores)
		})
	}
}

func TestSuggestAddDelete(t *testing.T) {
	s := NewSuggest()
	assert.True(t, s.Add("hello", 1, false, []byte("p1")))
	assert.False(t, s.Add("hello", 2, false, nil), "an update is no new entry")
	assert.True(t, s.Add("help", 1, false, nil))
	assert.True(t, s.Add("he", 1, false, nil), "a split node becomes an entry")
	assert.Equal(t, 3, s.Len())

	for _, bad := range []string{"", strings.Repeat("a", 256), strings.Repeat("é", 257), "\x00abc"} {
		assert.False(t, s.Add(bad, 1, false, nil), "%q", bad)
	}
	assert.True(t, s.Add(strings.Repeat("a", 255), 1, false, nil))
	assert.True(t, s.Add("nul\x00cut", 1, false, nil))
	got, err := s.Complete("nul", CompleteOptions{Max: 5})
	require.NoError(t, err)
	assert.Equal(t, []string{"nul"}, strs(got), "a string ends at its first NUL")

	got, err = s.Complete("hell", CompleteOptions{Max: 5})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "p1", got[0].Payload, "an update without PAYLOAD keeps the payload")

	assert.False(t, s.Delete("hel"), "not an entry")
	assert.False(t, s.Delete("hellooo"))
	assert.True(t, s.Delete("hello"))
	assert.False(t, s.Delete("hello"))
	assert.Equal(t, 4, s.Len())
	got, err = s.Complete("he", CompleteOptions{Max: 5})
	require.NoError(t, err)
	assert.Equal(t, []string{"he", "help"}, strs(got))

	// A deleted entry that still has children keeps its payload, which comes back with it.
	s = buildSuggest(t, sugAdd{str: "ab", score: 1, payload: "old"}, sugAdd{str: "abc", score: 1},
		sugAdd{str: "abd", score: 1})
	assert.True(t, s.Delete("ab"))
	assert.True(t, s.Add("ab", 1, false, nil))
	got, err = s.Complete("ab", CompleteOptions{Max: 1})
	require.NoError(t, err)
	assert.Equal(t, "old", got[0].Payload)
}

// TestSuggestShape checks the trie against RediSearch's rules for its shape: a split
// places the new sibling by rune, a new child goes before the first sibling with a lower
// bound, a child whose bound rises moves forward, and a delete merges and re-sorts.
func TestSuggestShape(t *testing.T) {
	s := buildSuggest(t, sugAdd{str: "abc", score: 1}, sugAdd{str: "abd", score: 3},
		sugAdd{str: "x", score: 2})
	assert.Equal(t, []string{"ab", "x"}, kidStrs(&s.root))
	assert.Equal(t, []string{"c", "d"}, kidStrs(s.root.kids[0].n), "a split orders by rune")
	assert.Equal(t, float32(3), s.root.kids[0].max)

	s.Add("abe", 5, false, nil)
	assert.Equal(t, []string{"e", "c", "d"}, kidStrs(s.root.kids[0].n), "placed by score")
	s.Add("abc", 10, true, nil)
	assert.Equal(t, []string{"c", "e", "d"}, kidStrs(s.root.kids[0].n), "moved forward by INCR")
	assert.Equal(t, float32(11), s.root.kids[0].max)

	require.True(t, s.Delete("abd"))
	assert.Equal(t, []string{"c", "e"}, kidStrs(s.root.kids[0].n))
	require.True(t, s.Delete("abe"))
	assert.Equal(t, []string{"abc", "x"}, kidStrs(&s.root), "ab merged with its last child")

	// A lowered score leaves the bound high until a delete on the path, found or not.
	s.Add("abc", 0.5, false, nil)
	assert.Equal(t, float32(11), s.root.kids[0].max)
	assert.Equal(t, []string{"abc", "x"}, kidStrs(&s.root))
	assert.False(t, s.Delete("abcz"))
	assert.Equal(t, []string{"x", "abc"}, kidStrs(&s.root), "recomputed bounds re-sort")
	assert.Equal(t, float32(2), s.root.max)
}

func kidStrs(n *sugNode) []string {
	var out []string
	for _, k := range n.kids {
		out = append(out, k.n.str)
	}
	return out
}

func TestSuggestQueryLimits(t *testing.T) {
	s := buildSuggest(t, sugAdd{str: strings.Repeat("a", 100), score: 1})
	got, err := s.Complete(strings.Repeat("a", 100), CompleteOptions{Max: 5})
	require.NoError(t, err)
	assert.Len(t, got, 1)
	_, err = s.Complete(strings.Repeat("a", 101), CompleteOptions{Max: 5})
	assert.ErrorIs(t, err, ErrSuggestQuery)
	_, err = s.Complete(strings.Repeat("é", 101), CompleteOptions{Max: 5})
	assert.ErrorIs(t, err, ErrSuggestQuery)
}

func TestSuggestCloneAndSize(t *testing.T) {
	s := buildSuggest(t, sugAdd{str: "hello", score: 1, payload: "x"}, sugAdd{str: "help", score: 2})
	size := s.Size()
	c := s.Clone().(*Suggest)
	s.Add("helium", 1, false, nil)
	s.Delete("hello")
	assert.Greater(t, s.Size(), int64(0))
	assert.Equal(t, size, c.Size())
	got, err := c.Complete("he", CompleteOptions{Max: 5})
	require.NoError(t, err)
	assert.Equal(t, []string{"help", "hello"}, strs(got), "the clone does not see later changes")
	assert.Equal(t, TypeSuggest, c.Type())
	assert.Equal(t, "trietype0", c.Type().String())

	// Size follows the entries: deleting everything brings it back to the empty size.
	empty := NewSuggest().Size()
	for _, w := range []string{"hello", "help", "helium"} {
		s.Delete(w)
	}
	assert.Equal(t, empty, s.Size())
}

// TestSuggestOracle compares Complete with a brute-force ranking over random entries.
// Ties are left out of the comparison (their order is the heap's, checked above): the
// oracle checks the set of ranks returned and that they are in order.
func TestSuggestOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := randomWords(rng, 2000)
	s := NewSuggest()
	ref := map[string]float32{}
	for _, w := range words {
		sc := float64(rng.IntN(50) + 1)
		s.Add(w, sc, false, nil)
		ref[w] = float32(sc)
		if rng.IntN(8) == 0 {
			victim := words[rng.IntN(len(words))]
			if _, ok := ref[victim]; ok {
				require.True(t, s.Delete(victim))
				delete(ref, victim)
			}
		}
	}
	require.Equal(t, len(ref), s.Len())
	for i := range 300 {
		prefix := words[rng.IntN(len(words))]
		prefix = prefix[:1+rng.IntN(len(prefix))]
		fuzzy := i%3 == 0
		max := 1 + rng.IntN(10)
		got, err := s.Complete(strings.ToUpper(prefix), CompleteOptions{Max: max, Fuzzy: fuzzy})
		require.NoError(t, err)
		want, boosted := bruteRanks(ref, prefix, fuzzy)
		if boosted && fuzzy {
			continue // an exact match's subtree may be skipped: see "fuzzy exact match pruned"
		}
		if len(want) > max {
			want = want[:max]
		}
		gotRanks := make([]float64, len(got))
		for j, g := range got {
			gotRanks[j] = g.Score
			if !fuzzy {
				assert.True(t, strings.HasPrefix(g.String, prefix), "%q for %q", g.String, prefix)
			}
		}
		assert.Equal(t, want, gotRanks, "prefix %q fuzzy %v", prefix, fuzzy)
	}
}

func randomWords(rng *rand.Rand, n int) []string {
	words := make([]string, n)
	for i := range words {
		b := make([]byte, 2+rng.IntN(8))
		for j := range b {
			b[j] = "abcdef"[rng.IntN(6)]
		}
		words[i] = string(b)
	}
	return words
}

// bruteRanks ranks every entry against prefix by the formula, without the trie: for fuzzy,
// an entry is a completion when the automaton accepts it (see fuzzyAccepts), its distance 0
// when it starts with prefix.
func bruteRanks(ref map[string]float32, prefix string, fuzzy bool) (out []float64, boosted bool) {
	out = []float64{}
	for w, sc := range ref {
		dist := -1
		switch {
		case strings.HasPrefix(w, prefix):
			dist = 0
		case fuzzy && fuzzyAccepts(w, prefix):
			dist = 1
		default:
			continue
		}
		// RediSearch's exact-match test compares the first half of the runes (ASCII here).
		if half := (len(w) + 1) / 2; len(w) == len(prefix) && w[:half] == prefix[:half] {
			sc = float32(math.MaxInt32)
			boosted = true
		}
		if !fuzzy {
			dist = -1
		}
		out = append(out, rank(float64(sc), dist, len(w), len(prefix)))
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(out)))
	return out, boosted
}

// fuzzyAccepts runs the full Levenshtein table of w against q, one edit allowed, the way
// RediSearch's automaton accepts: a rune completes a match when the state before or after
// it is within one edit of all of q; once the automaton can go no further right after a
// match, everything below is accepted; when it can go no further otherwise, the walk stops.
func fuzzyAccepts(w, q string) bool {
	row := make([]int, len(q)+1)
	for i := range row {
		row[i] = i
	}
	curMatch := len(q) == 1 // the start state matches only when the edit budget is q's length
	accepted := false
	for j := 0; j < len(w); j++ {
		if accepted {
			continue
		}
		next := make([]int, len(q)+1)
		next[0] = j + 1
		live := next[0] <= 1
		for i := 1; i <= len(q); i++ {
			cost := 1
			if q[i-1] == w[j] {
				cost = 0
			}
			next[i] = min(row[i-1]+cost, next[i-1]+1, row[i]+1)
			live = live || next[i] <= 1
		}
		matched := curMatch
		switch {
		case live:
			curMatch = next[len(q)] <= 1
			matched = matched || curMatch
			row = next
		case matched:
			accepted = true
		default:
			return false
		}
		if j == len(w)-1 {
			return matched
		}
	}
	return accepted
}

// TestSuggestBoundsChangeNothing checks the walk's extra pruning (canPlace) against a walk
// that skips only what RediSearch's skips: the same completions in the same order, ties,
// negative and zero scores, INCR and deletes included.
func TestSuggestBoundsChangeNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "b", "c", "A", "é", "ß", "Σ", " "}
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(7) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	scores := []float64{1, 1, 2, 3, 5, 0, -1, 0.5, 100}
	s := NewSuggest()
	var words []string
	for range 3000 {
		w := word()
		words = append(words, w)
		switch rng.IntN(10) {
		case 0:
			s.Delete(words[rng.IntN(len(words))])
		case 1:
			s.Add(words[rng.IntN(len(words))], scores[rng.IntN(len(scores))], true, nil)
		default:
			s.Add(w, scores[rng.IntN(len(scores))], false, nil)
		}
	}
	for i := range 2000 {
		prefix := []rune(words[rng.IntN(len(words))])
		prefix = prefix[:rng.IntN(min(len(prefix), 5)+1)]
		opt := CompleteOptions{Max: 1 + rng.IntN(8), Fuzzy: i%2 == 0}
		got, err := s.complete(string(prefix), opt, true)
		require.NoError(t, err)
		want, err := s.complete(string(prefix), opt, false)
		require.NoError(t, err)
		require.Equal(t, want, got, "prefix %q %+v", string(prefix), opt)
	}
}

func TestSuggestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100 000 entries")
	}
	perEntry, s := measureSuggest(t, 100_000)
	t.Logf("%.0f bytes per entry (Size says %.0f)", perEntry, float64(s.Size())/float64(s.Len()))
	assert.Less(t, perEntry, 250.0)
	assert.InDelta(t, perEntry, float64(s.Size())/float64(s.Len()), perEntry/2, "Size is near the heap's count")
}

func measureSuggest(t testing.TB, n int) (float64, *Suggest) {
	words := suggestCorpus(n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := NewSuggest()
	for i, w := range words {
		s.Add(w, float64(i%100+1), false, nil)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(words)
	require.Equal(t, n, s.Len())
	return float64(after.HeapAlloc-before.HeapAlloc) / float64(n), s
}

// suggestCorpus is n distinct phrases like search terms: one to three words of 3–9 letters
// drawn from English-like letter frequencies.
func suggestCorpus(n int) []string {
	rng := rand.New(rand.NewPCG(7, 9))
	const letters = "eeeeeeeeeeeetttttttttaaaaaaaaooooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddllllcccuuummwwffggyyppbbvkjxqz"
	seen := map[string]bool{}
	out := make([]string, 0, n)
	var b strings.Builder
	for len(out) < n {
		b.Reset()
		for w := range 1 + rng.IntN(3) {
			if w > 0 {
				b.WriteByte(' ')
			}
			for range 3 + rng.IntN(7) {
				b.WriteByte(letters[rng.IntN(len(letters))])
			}
		}
		if s := b.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// BenchmarkSuggestComplete is FT.SUGGET's work on 100 000 entries: prefixes of one to four
// letters of existing entries, MAX 5.
func BenchmarkSuggestComplete(b *testing.B) {
	words := suggestCorpus(100_000)
	s := NewSuggest()
	for i, w := range words {
		s.Add(w, float64(i%100+1), false, nil)
	}
	for _, tc := range []struct {
		name  string
		plen  int
		fuzzy bool
	}{{"prefix1", 1, false}, {"prefix2", 2, false}, {"prefix4", 4, false}, {"fuzzy4", 4, true}} {
		b.Run(tc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				w := words[i%len(words)]
				i++
				if _, err := s.Complete(w[:min(tc.plen, len(w))], CompleteOptions{Max: 5, Fuzzy: tc.fuzzy}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSuggestConcurrentReads runs Completes side by side, as FT.SUGGETs under a shard's
// read lock do (run with -race): a walk writes nothing but its own state.
func TestSuggestConcurrentReads(t *testing.T) {
	words := suggestCorpus(2000)
	s := NewSuggest()
	for i, w := range words {
		s.Add(w, float64(i%10+1), false, []byte("p"))
	}
	want, err := s.Complete("th", CompleteOptions{Max: 5, Fuzzy: true})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				got, err := s.Complete("th", CompleteOptions{Max: 5, Fuzzy: true})
				assert.NoError(t, err)
				assert.Equal(t, want, got)
			}
		})
	}
	wg.Wait()
}

// Each lists every live string with its score and payload, deleted ones left out.
func TestSuggestEach(t *testing.T) {
	s := NewSuggest()
	s.Add("hello", 2, false, []byte("p"))
	s.Add("help", 1, false, nil)
	s.Add("he", 3, false, nil)
	s.Add("world", 0.5, false, nil)
	s.Delete("help")
	got := map[string]float64{}
	var payload []byte
	s.Each(func(str string, score float64, p []byte) {
		got[str] = score
		if str == "hello" {
			payload = p
		}
	})
	require.Equal(t, map[string]float64{"hello": 2, "he": 3, "world": 0.5}, got)
	require.Equal(t, []byte("p"), payload)
}
