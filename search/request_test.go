package search

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSearch(t *testing.T) {
	// Options in any order, lower-case direction, RETURN with AS, exclusive and infinite bounds.
	sa, err := ParseSearch(strings.Fields("@t:{a} params 2 w x dialect 2 RETURN 3 n AS m " +
		"limit 5 20 sortby n desc FILTER n (1 +inf GEOFILTER g 1 2 3 km NOCONTENT WITHSCORES"))
	require.NoError(t, err)
	assert.Equal(t, "@t:{a}", sa.Query)
	assert.Equal(t, map[string]string{"w": "x"}, sa.Params)
	assert.Equal(t, 2, sa.Dialect)
	assert.Equal(t, []ReturnField{{ID: "n", As: "m"}}, sa.Returns)
	assert.Equal(t, 5, sa.Offset)
	assert.Equal(t, 20, sa.Limit)
	assert.Equal(t, "n", sa.SortBy)
	assert.True(t, sa.SortDesc && sa.NoContent && sa.WithScores)
	assert.Equal(t, []NumericFilter{{Field: "n", Min: 1, Max: math.Inf(1), MinExclusive: true}}, sa.Filters)
	assert.Equal(t, []GeoFilter{{Field: "g", Lon: 1, Lat: 2, Radius: 3000}}, sa.GeoFilters)

	sa, err = ParseSearch([]string{"*"})
	require.NoError(t, err)
	assert.Equal(t, 10, sa.Limit, "LIMIT 0 10 by default")
	assert.Nil(t, sa.Returns, "whole documents unless RETURN")

	for _, tc := range []struct{ args, err string }{
		{"* LIMIT 0", "Bad arguments for LIMIT: Value is not an integer or out of range"},
		{"* PARAMS 3 a b c", "Bad arguments for PARAMS: Expected an even number of arguments"},
		{"* RETURN 2 a", "Bad arguments for RETURN: Not enough arguments"},
		{"* GEOFILTER g 1 2 3 yards", "Bad arguments for GEOFILTER: Unknown distance unit yards"},
		{"* FILTER n x 2", "Bad lower range: x"},
		{"* FILTER n 1 y", "Bad upper range: y"},
		{"* SCORER NOPE", "Scoring function `NOPE` not found"},
		{"* NOPE", "Unknown argument `NOPE`"},
	} {
		_, err := ParseSearch(strings.Fields(tc.args))
		require.Error(t, err, tc.args)
		assert.Equal(t, tc.err, err.Error(), tc.args)
	}
}
