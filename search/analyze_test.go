package search

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Hello, World!", []string{"hello", "world"}},
		{"tel-aviv is hot", []string{"tel", "aviv", "is", "hot"}},
		{`tel\-aviv`, []string{"tel-aviv"}},
		{"  ", []string{}},
		{"Éclair au café", []string{"éclair", "au", "café"}},
		{"v1.2_beta", []string{"v1", "2_beta"}},
	} {
		got := tokens(tc.in)
		if len(tc.want) == 0 {
			assert.Empty(t, got, tc.in)
			continue
		}
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestStemmer(t *testing.T) {
	en := stemmerFor("english")
	assert.Equal(t, "run", en.stem("running"))
	assert.Equal(t, "run", en.stem("runs"))
	assert.Equal(t, "citi", en.stem("cities"))
	assert.Nil(t, stemmerFor("chinese"), "a language RediSearch knows but darner cannot stem")
	assert.Equal(t, "word", stemmerFor("chinese").stem("word"))
	assert.True(t, knownLanguage("French"))
	assert.False(t, knownLanguage("klingon"))
}

func TestWithinEdits(t *testing.T) {
	assert.True(t, withinEdits("hello", "hallo", 1))
	assert.False(t, withinEdits("hello", "hxllx", 1))
	assert.True(t, withinEdits("hello", "hxllx", 2))
	assert.True(t, withinEdits("abc", "abcd", 1))
	assert.False(t, withinEdits("abc", "abcdef", 2))
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"hel*", "hello", true}, {"h?llo", "hello", true}, {"*lo", "hello", true},
		{"*", "", true}, {"", "", true}, {"", "a", false}, {"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false}, {"a/*", "a/b", true}, {`a\*`, "a*", true}, {`a\*`, "ab", false},
		{"?", "é", true}, {"h*o", "hello", true}, {"h*l", "hello", false},
	} {
		assert.Equal(t, tc.want, wildcardMatch(tc.pat, tc.s), "%q %q", tc.pat, tc.s)
	}
}
