package search

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"darner/vectors"
)

func TestParseCreate(t *testing.T) {
	d, err := ParseCreate("idx", strings.Fields(
		"ON JSON PREFIX 2 a: b: LANGUAGE German SCORE 0.5 STOPWORDS 2 Foo bar NOOFFSETS SCHEMA "+
			"$.title AS title TEXT NOSTEM WEIGHT 2 SORTABLE "+
			"$.tags[*] AS tags TAG SEPARATOR | CASESENSITIVE "+
			"$.n AS n NUMERIC SORTABLE INDEXMISSING "+
			"$.loc AS loc GEO NOINDEX "+
			"length($.comments) AS num_comments NUMERIC"))
	require.NoError(t, err)
	assert.Equal(t, OnJSON, d.On)
	assert.Equal(t, []string{"a:", "b:"}, d.Prefixes)
	assert.Equal(t, "german", d.Language)
	assert.Equal(t, 0.5, d.Score)
	assert.Equal(t, []string{"foo", "bar"}, d.StopWords)
	assert.True(t, d.IsStopWord("foo"))
	assert.False(t, d.IsStopWord("the"), "custom stop words replace the default list")
	assert.True(t, d.NoOffsets)
	require.Len(t, d.Fields, 5)
	title := d.Field("title")
	assert.Equal(t, "$.title", title.Path)
	assert.True(t, title.NoStem && title.Sortable)
	assert.Equal(t, 2.0, title.Weight)
	tags := d.Field("tags")
	assert.Equal(t, byte('|'), tags.Separator)
	assert.True(t, tags.CaseSensitive)
	n := d.Field("n")
	assert.True(t, n.Sortable && n.UNF && n.IndexMissing, "a sortable NUMERIC reports UNF")
	assert.True(t, d.Field("loc").NoIndex)
	assert.Equal(t, "length", d.Field("num_comments").json.fn)
}

func TestParseCreateDefaults(t *testing.T) {
	d, err := ParseCreate("cities", strings.Fields("PREFIX 1 city: SCHEMA name TEXT population NUMERIC SORTABLE continent TAG"))
	require.NoError(t, err)
	assert.Equal(t, OnHash, d.On)
	assert.Equal(t, 1.0, d.Score)
	assert.Nil(t, d.StopWords)
	assert.True(t, d.IsStopWord("the"))
	assert.Equal(t, byte(','), d.Field("continent").Separator)
	assert.Equal(t, 1.0, d.Field("name").Weight)
	assert.True(t, d.matches("city:1"))
	assert.False(t, d.matches("town:1"))
}

func TestParseCreateErrors(t *testing.T) {
	for _, tc := range []struct{ args, err string }{
		{"PREFIX 1 a:", "No schema found"},
		{"SCHEMA", "Fields arguments are missing"},
		{"ON XML SCHEMA a TEXT", "Unknown index type `XML`"},
		{"PREFIX 3 a: SCHEMA", "Bad arguments for PREFIX: Not enough arguments"},
		{"PREFIX x SCHEMA a TEXT", "Bad arguments for PREFIX: Could not parse argument count"},
		{"BOGUS SCHEMA a TEXT", "Unknown argument `BOGUS`"},
		{"SCHEMA a BLOB", "Invalid field type for field `a`"},
		{"SCHEMA a", "Field `a` does not have a type"},
		{"SCHEMA a TEXT a TAG", "Duplicate field in schema - a"},
		{"SCHEMA a NUMERIC NOSTEM", "Field `a`: option NOSTEM does not apply to NUMERIC fields"},
		{"SCHEMA a TAG SEPARATOR ab", "Tag separator must be a single character. Got `ab`"},
		{"LANGUAGE klingon SCHEMA a TEXT", "Invalid language"},
		{"SCORE 2 SCHEMA a TEXT", "Invalid score"},
		{"SCHEMA a TEXT PHONETIC xx:yy", "Matcher Format: <2 chars algorithm>:<2 chars language>. Support algorithms: double metaphone (dm). Supported languages: English (en), French (fr), Portuguese (pt) and Spanish (es)"},
		{"TEMPORARY 0 SCHEMA a TEXT", "Bad arguments for TEMPORARY: Value is not an integer or out of range"},
		{"ON JSON SCHEMA $[ AS a TEXT", "Invalid JSONPath '$[' in attribute 'a' in index 'i'"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			_, err := ParseCreate("i", strings.Fields(tc.args))
			require.Error(t, err)
			assert.Equal(t, tc.err, err.Error())
		})
	}
}

func FuzzParseCreate(f *testing.F) {
	for _, s := range []string{
		"ON JSON PREFIX 1 a: SCHEMA $.t AS t TEXT SORTABLE $.g AS g TAG SEPARATOR ;",
		"STOPWORDS 0 SCHEMA a NUMERIC b GEO c TEXT WEIGHT 3 NOSTEM",
		"SCHEMA a TAG CASESENSITIVE WITHSUFFIXTRIE INDEXEMPTY INDEXMISSING",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseCreate("i", strings.Fields(s))
		if err == nil {
			require.NotEmpty(t, d.Fields)
			for _, fd := range d.Fields {
				require.Same(t, fd, d.Field(fd.Name))
			}
		}
	})
}

func TestVectorSchema(t *testing.T) {
	def, err := ParseCreate("i", strings.Fields("SCHEMA v VECTOR HNSW 10 TYPE float32 DIM 4 DISTANCE_METRIC cosine M 8 EF_RUNTIME 20 t TEXT"))
	require.NoError(t, err)
	v := def.Fields[0].Vector
	require.Equal(t, VectorSpec{Algorithm: "HNSW", Type: vectors.Float32, Dim: 4, Metric: vectors.Cosine,
		BlockSize: 1024, M: 8, EFConstruction: 200, EFRuntime: 20, Epsilon: 0.01}, *v)
	require.Equal(t, Text, def.Fields[1].Type, "the next field follows the vector's parameters")
	def, err = ParseCreate("i", strings.Fields("SCHEMA v VECTOR FLAT 6 TYPE BFLOAT16 DIM 3 DISTANCE_METRIC L2 INDEXMISSING"))
	require.NoError(t, err)
	require.True(t, def.Fields[0].IndexMissing)
	require.Equal(t, "FLAT", def.Fields[0].Vector.Algorithm)
	for _, c := range []struct{ args, err string }{
		{"v VECTOR", "Bad arguments for vector similarity algorithm"},
		{"v VECTOR REDIS 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP", "Bad arguments for vector similarity algorithm"},
		{"v VECTOR FLAT", "Bad arguments for vector similarity number of parameters"},
		{"v VECTOR FLAT 6", "Expected 6 parameters but got 0"},
		{"v VECTOR FLAT 1 x", "Bad number of arguments for vector similarity index: got 1 but expected even number"},
		{"v VECTOR FLAT 2 SIZE 1", "Bad arguments for algorithm FLAT: SIZE"},
		{"v VECTOR FLAT 2 M 16", "Bad arguments for algorithm FLAT: M"},
		{"v VECTOR HNSW 2 TYPE DOUBLE", "Bad arguments for vector similarity HNSW index type"},
		{"v VECTOR HNSW 6 TYPE FLOAT32 DIM str DISTANCE_METRIC IP", "Bad arguments for vector similarity HNSW index dim"},
		{"v VECTOR HNSW 6 TYPE FLOAT32 DIM 0 DISTANCE_METRIC IP", "Bad arguments for vector similarity HNSW index dim"},
		{"v VECTOR HNSW 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC REDIS", "Bad arguments for vector similarity HNSW index metric"},
		{"v VECTOR HNSW 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP M str", "Bad arguments for vector similarity HNSW index m"},
		{"v VECTOR HNSW 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP EF_CONSTRUCTION -1", "Bad arguments for vector similarity HNSW index efConstruction"},
		{"v VECTOR HNSW 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP EF_RUNTIME x", "Bad arguments for vector similarity HNSW index efRuntime"},
		{"v VECTOR HNSW 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP EPSILON 0", "Bad arguments for vector similarity HNSW index epsilon"},
		{"v VECTOR FLAT 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP BLOCK_SIZE x", "Bad arguments for vector similarity FLAT index blocksize"},
		{"v VECTOR FLAT 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP INITIAL_CAP x", "Bad arguments for vector similarity FLAT index initial cap"},
		{"v VECTOR FLAT 4 DIM 4 DISTANCE_METRIC IP", "Missing mandatory parameter: cannot create FLAT index without specifying TYPE argument"},
		{"v VECTOR HNSW 4 TYPE FLOAT32 DISTANCE_METRIC IP", "Missing mandatory parameter: cannot create HNSW index without specifying DIM argument"},
		{"v VECTOR HNSW 4 TYPE FLOAT32 DIM 4", "Missing mandatory parameter: cannot create HNSW index without specifying DISTANCE_METRIC argument"},
		{"v VECTOR FLAT 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP SORTABLE", "Field `v`: option SORTABLE does not apply to VECTOR fields"},
	} {
		_, err := ParseCreate("i", strings.Fields("SCHEMA "+c.args))
		require.EqualError(t, err, c.err, c.args)
	}
}
