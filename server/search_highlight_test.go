package server_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/server/servertest"
)

// HIGHLIGHT and SUMMARIZE, on the cases of RediSearch's own tests where darner's
// fragments are the same as RediSearch's.
func TestSearchHighlightSummarize(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		require.NoError(t, rdb.FlushAll(ctx).Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA",
			"foo", "TEXT", "bar", "TEXT", "baz", "TEXT", "n", "NUMERIC").Err())
		require.NoError(t, rdb.HSet(ctx, "d:1", "foo", "pill", "bar", "pillow", "baz", "piller").Err())
		require.NoError(t, rdb.HSet(ctx, "d:2", "foo", "The Vampire Diaries", "bar", "Parents strongly cautioned.",
			"n", "14").Err())
		long := "In the beginning the story was short, and then a vampire came to the village and nothing was the same; " +
			"years later the vampires left and the village slept again for a very long while without any trouble at all"
		require.NoError(t, rdb.HSet(ctx, "d:3", "foo", long).Err())
		require.NoError(t, rdb.Do(ctx, "FT.CREATE", "plain", "NOHL", "PREFIX", "1", "d:", "SCHEMA", "foo", "TEXT").Err())

		fields := func(args ...any) map[string]any {
			t.Helper()
			v, err := rdb.Do(ctx, append([]any{"FT.SEARCH", "idx"}, args...)...).Result()
			require.NoError(t, err, args)
			out := map[string]any{}
			if proto == 2 {
				r := v.([]any)
				require.Len(t, r, 3, "one document: %v", r)
				kv := r[2].([]any)
				for i := 0; i+1 < len(kv); i += 2 {
					out[kv[i].(string)] = kv[i+1]
				}
				return out
			}
			res := v.(map[any]any)["results"].([]any)
			require.Len(t, res, 1)
			for k, x := range res[0].(map[any]any)["extra_attributes"].(map[any]any) {
				out[k.(string)] = x
			}
			return out
		}
		// Every returned field summarized, each field's one word a fragment.
		assert.Equal(t, map[string]any{"foo": "pill... ", "bar": "pillow... ", "baz": "piller... "},
			fields("pill pillow piller", "RETURN", "3", "foo", "bar", "baz", "SUMMARIZE"))
		// RETURN restricts what SUMMARIZE's FIELDS would return.
		assert.Equal(t, map[string]any{"baz": "piller"},
			fields("pill pillow piller", "RETURN", "1", "baz", "SUMMARIZE", "FIELDS", "2", "foo", "bar"))
		// HIGHLIGHT alone: TEXT fields only; the numeric field is as stored.
		assert.Equal(t, map[string]any{"foo": "The <b>Vampire</b> <b>Diaries</b>", "bar": "Parents strongly cautioned.", "n": "14"},
			fields("diaries vampire -pillow", "HIGHLIGHT", "TAGS", "<b>", "</b>", "RETURN", "3", "foo", "bar", "n", "LIMIT", "0", "1",
				"SORTBY", "n"))
		// HIGHLIGHT FIELDS without RETURN returns those fields only.
		assert.Equal(t, map[string]any{"foo": "<i>pill</i>"}, fields("pill", "HIGHLIGHT", "FIELDS", "1", "foo", "TAGS", "<i>", "</i>"))
		// Fragments of LEN words around each match, the separator after each, highlighted;
		// of windows matching as many words, the first ones.
		got := fields("@foo:vampire @foo:village", "SUMMARIZE", "FIELDS", "1", "foo", "LEN", "4", "FRAGS", "2",
			"SEPARATOR", " | ", "HIGHLIGHT", "FIELDS", "1", "foo")
		assert.Equal(t, map[string]any{"foo": "then a <b>vampire</b> came | to the <b>village</b> and | "}, got)
		// Overlapping windows merge; a window matching two words beats those matching one;
		// stems match ("vampires" for "vampire").
		got = fields("vampire village", "SUMMARIZE", "FIELDS", "1", "foo", "LEN", "8", "FRAGS", "1",
			"HIGHLIGHT", "FIELDS", "1", "foo", "TAGS", "[", "]")
		assert.Equal(t, map[string]any{"foo": "short, and then a [vampire] came to the [village] and nothing was... "}, got)
		got = fields("vampires village", "SUMMARIZE", "FIELDS", "1", "foo", "LEN", "3", "FRAGS", "5")
		assert.Equal(t, map[string]any{"foo": "a vampire came... the village and... the vampires left... the village slept... "}, got)

		err := rdb.Do(ctx, "FT.SEARCH", "plain", "pill", "HIGHLIGHT").Err()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "NOHL")
	}
}
