package rdb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// intTexts are strings around the integer encodings' edges, and near-numbers that must
// stay text.
var intTexts = []string{
	"0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32768",
	"-32769", "65535", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967296",
	"12345678901", "-1234567890", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-0", "00", "01", "+1", "1 ", " 1", "1.5", "1e3", "-", "0x10",
}

// testEntries returns entries of every kind over several databases, with expiries, binary
// and empty values, big hashes and integer-like strings, grouped by database.
func testEntries(seed uint64) []*Entry {
	rng := rand.New(rand.NewPCG(seed, 7))
	var es []*Entry
	add := func(e *Entry) { es = append(es, e) }
	for _, db := range []int{0, 3, 15} {
		for i, s := range intTexts {
			add(&Entry{DB: db, Key: []byte(s), Kind: KindString, Str: []byte(intTexts[(i+3)%len(intTexts)])})
		}
		add(&Entry{DB: db, Key: []byte{}, Kind: KindString, Str: []byte{}})
		add(&Entry{DB: db, Key: []byte("bin\x00\xff"), Kind: KindString, Str: randBytes(rng, 300)})
		add(&Entry{DB: db, Key: []byte("long"), Kind: KindString, Str: bytes.Repeat([]byte("abcdef"), 50000)})
		add(&Entry{DB: db, Key: []byte("ttl"), Kind: KindString, Str: []byte("x"), ExpireMs: 1893456000123})
		add(&Entry{DB: db, Key: []byte("past"), Kind: KindString, Str: []byte("y"), ExpireMs: -5})
		h := &Entry{DB: db, Key: []byte("small"), Kind: KindHash, ExpireMs: 1700000000000}
		for _, s := range intTexts {
			h.Hash = append(h.Hash, Field{[]byte(s), []byte("v" + s)})
		}
		h.Hash = append(h.Hash, Field{[]byte("empty"), []byte{}}, Field{[]byte{}, []byte("empty name")})
		add(h)
		big := &Entry{DB: db, Key: []byte("big"), Kind: KindHash}
		for i := range 5000 {
			big.Hash = append(big.Hash, Field{[]byte(fmt.Sprintf("f%d", i)), randBytes(rng, rng.IntN(100))})
		}
		add(big)
		add(&Entry{DB: db, Key: []byte("doc"), Kind: KindJSON, JSON: []byte(`{"a":[1,2,{"b":"` + strings.Repeat("c", 100) + `"}]}`),
			ExpireMs: 1800000000000})
		add(&Entry{DB: db, Key: []byte("sug"), Kind: KindSuggest, Suggest: []Suggestion{
			{Str: []byte("hello"), Score: 1.5, Payload: []byte{}},
			{Str: []byte("help"), Score: float32(math.Inf(1)), Payload: []byte("p\x00ayload")},
			{Str: []byte("12"), Score: -0.25, Payload: []byte("12")},
		}})
		add(&Entry{DB: db, Key: []byte("nosug"), Kind: KindSuggest, Suggest: []Suggestion{}})
		for i := range 2000 {
			add(&Entry{DB: db, Key: []byte(fmt.Sprintf("k:%d:%d", db, i)), Kind: KindString,
				Str: []byte(fmt.Sprintf("%d", rng.Int64N(1<<40)-1<<39))})
		}
	}
	return es
}

func encodeAll(t testing.TB, opt Options, meta bool, es []*Entry) []byte {
	var buf bytes.Buffer
	enc := NewEncoder(&buf, opt)
	if meta {
		require.NoError(t, enc.WriteMeta("indexes", []byte("before keys")))
	}
	for _, e := range es {
		require.NoError(t, enc.Write(e))
	}
	if meta {
		require.NoError(t, enc.WriteMeta("", []byte{}))
		require.NoError(t, enc.WriteMeta("big", bytes.Repeat([]byte{1, 2, 3}, 100000)))
	}
	require.NoError(t, enc.Close())
	return buf.Bytes()
}

func decodeAll(r io.Reader) (*Decoder, []*Entry, error) {
	d := NewDecoder(r)
	var es []*Entry
	for {
		e, err := d.Next()
		if errors.Is(err, io.EOF) {
			return d, es, nil
		}
		if err != nil {
			return d, es, err
		}
		es = append(es, e)
	}
}

func TestRoundTrip(t *testing.T) {
	es := testEntries(1)
	for _, compress := range []bool{false, true} {
		t.Run(fmt.Sprintf("compress=%v", compress), func(t *testing.T) {
			file := encodeAll(t, Options{Compress: compress, DarnerVersion: "0.9", UsedMem: 12345,
				Now: time.Unix(1700000000, 0), Aux: [][2]string{{"x-extra", "yes"}}}, true, es)
			d, got, err := decodeAll(bytes.NewReader(file))
			require.NoError(t, err)
			assert.Equal(t, WriteVersion, d.Version())
			assert.Equal(t, map[string]string{"redis-ver": "7.0.0", "redis-bits": "64", "ctime": "1700000000",
				"used-mem": "12345", "darner-ver": "0.9", "x-extra": "yes"}, d.Aux())
			require.Len(t, got, len(es)+3)
			assert.Equal(t, &Entry{Kind: KindMeta, Key: []byte("indexes"), Str: []byte("before keys")}, got[0])
			assert.Equal(t, &Entry{Kind: KindMeta, Key: []byte{}, Str: []byte{}}, got[len(got)-2])
			assert.Equal(t, bytes.Repeat([]byte{1, 2, 3}, 100000), got[len(got)-1].Str)
			got = got[1 : len(got)-2]
			for i := range es {
				require.Equal(t, es[i], got[i], "entry %d (key %q)", i, es[i].Key)
			}
		})
	}
}

// The file Redis would write for these values, byte for byte: the integer encodings and
// their edges, raw text that only looks numeric, and LZF only when asked for and useful.
func TestEncodeStringForms(t *testing.T) {
	tests := []struct {
		in       string
		compress bool
		want     []byte
	}{
		{"0", false, []byte{0xC0, 0}},
		{"-128", false, []byte{0xC0, 0x80}},
		{"127", false, []byte{0xC0, 0x7F}},
		{"128", false, []byte{0xC1, 0x80, 0x00}},
		{"-32768", false, []byte{0xC1, 0x00, 0x80}},
		{"32768", false, []byte{0xC2, 0x00, 0x80, 0x00, 0x00}},
		{"-2147483648", false, []byte{0xC2, 0x00, 0x00, 0x00, 0x80}},
		{"2147483648", false, append([]byte{10}, "2147483648"...)},
		{"-0", false, []byte{2, '-', '0'}},
		{"007", false, []byte{3, '0', '0', '7'}},
		{"", false, []byte{0}},
		{strings.Repeat("a", 64), false, append([]byte{0x40, 64}, strings.Repeat("a", 64)...)},
		{strings.Repeat("a", 21), true, []byte{0xC3, 5, 21, 0, 'a', 0xE0, 11, 0}},
		{strings.Repeat("a", 20), true, append([]byte{20}, strings.Repeat("a", 20)...)},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		en := NewEncoder(&buf, Options{Compress: tc.compress})
		en.string([]byte(tc.in))
		assert.Equal(t, tc.want, en.w.buf, "%q", tc.in)
	}
}

func TestEncodeLengthForms(t *testing.T) {
	tests := []struct {
		n    uint64
		want []byte
	}{
		{0, []byte{0}}, {63, []byte{63}}, {64, []byte{0x40, 64}}, {16383, []byte{0x7F, 0xFF}},
		{16384, []byte{0x80, 0, 0, 0x40, 0}}, {1<<32 - 1, []byte{0x80, 0xFF, 0xFF, 0xFF, 0xFF}},
		{1 << 32, []byte{0x81, 0, 0, 0, 1, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		var w writer
		w.length(tc.n)
		assert.Equal(t, tc.want, w.buf, "%d", tc.n)
		rd := newReader(bytes.NewReader(w.buf))
		n, enc, err := rd.length()
		require.NoError(t, err)
		assert.False(t, enc)
		assert.Equal(t, tc.n, n)
	}
}

func TestModuleIDs(t *testing.T) {
	assert.Equal(t, uint64(5), moduleID("AAAAAAAAA", 5))
	assert.Equal(t, uint64(1<<10), moduleID("AAAAAAAAB", 0))
	assert.Equal(t, uint64(1<<64-1), moduleID("_________", 1023))
	for _, name := range []string{"darnerJSN", "darnerSUG", "darnerAUX", "ReJSON-RL", "ft_index0"} {
		id := moduleID(name, 7)
		assert.Equal(t, name, moduleName(id))
		assert.Equal(t, uint64(7), id&1023)
	}
	assert.True(t, sameModule(moduleID("darnerJSN", 1), moduleID("darnerJSN", 9)))
	assert.False(t, sameModule(moduleJSON, moduleSuggest))
}

func TestEncoderRefuses(t *testing.T) {
	tests := []struct {
		name string
		e    *Entry
	}{
		{"empty hash", &Entry{Key: []byte("h"), Kind: KindHash}},
		{"no kind", &Entry{Key: []byte("k")}},
		{"negative db", &Entry{DB: -1, Key: []byte("k"), Kind: KindString}},
	}
	for _, tc := range tests {
		en := NewEncoder(io.Discard, Options{})
		assert.ErrorIs(t, en.Write(tc.e), ErrEncoder, tc.name)
	}
	en := NewEncoder(io.Discard, Options{})
	require.NoError(t, en.Close())
	assert.ErrorIs(t, en.Write(&Entry{Key: []byte("k"), Kind: KindString}), ErrEncoder, "after Close")
}

// SelectDB writes the size hints Redis uses; the decoder reads past them.
func TestSelectDBHints(t *testing.T) {
	var buf bytes.Buffer
	en := NewEncoder(&buf, Options{})
	require.NoError(t, en.SelectDB(5, 2, 1))
	require.NoError(t, en.Write(&Entry{DB: 5, Key: []byte("a"), Kind: KindString, Str: []byte("1")}))
	require.NoError(t, en.Write(&Entry{DB: 5, Key: []byte("b"), Kind: KindString, Str: []byte("2"), ExpireMs: 99}))
	require.NoError(t, en.Close())
	assert.Contains(t, string(buf.Bytes()), "\xFE\x05\xFB\x02\x01\x00\x01a\xC0\x01")
	_, got, err := decodeAll(&buf)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, 5, got[1].DB)
	assert.Equal(t, int64(99), got[1].ExpireMs)
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestEncoderWriteError(t *testing.T) {
	en := NewEncoder(&failWriter{n: 100}, Options{})
	var err error
	for i := 0; err == nil && i < 100000; i++ {
		err = en.Write(&Entry{Key: []byte(fmt.Sprint(i)), Kind: KindString, Str: []byte("value")})
	}
	require.ErrorContains(t, err, "disk full")
	assert.ErrorContains(t, en.Close(), "disk full", "the error sticks")
}
