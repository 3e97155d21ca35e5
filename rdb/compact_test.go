package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Elements of the compact encodings, as tests build them: a string, or an int64 that the
// builders store in the smallest integer form.
var compactElems = []any{
	"", "a", strings.Repeat("s", 63), strings.Repeat("m", 64), strings.Repeat("l", 4095),
	strings.Repeat("x", 4096), strings.Repeat("y", 20000), "\x00\xff binary",
	int64(0), int64(12), int64(13), int64(127), int64(128), int64(-1), int64(-4096), int64(4095),
	int64(4096), int64(-4097), int64(math.MaxInt16), int64(math.MinInt16), int64(math.MaxInt16 + 1),
	int64(1<<23 - 1), int64(-1 << 23), int64(1 << 23), int64(math.MaxInt32), int64(math.MinInt32),
	int64(math.MaxInt32 + 1), int64(math.MaxInt64), int64(math.MinInt64), int64(-128), int64(-129),
}

func elemText(v any) string {
	if i, ok := v.(int64); ok {
		return strconv.FormatInt(i, 10)
	}
	return v.(string)
}

func buildListpack(elems []any) []byte {
	b := make([]byte, 6)
	for _, v := range elems {
		start := len(b)
		switch v := v.(type) {
		case string:
			switch n := len(v); {
			case n < 64:
				b = append(b, 0x80|byte(n))
			case n < 4096:
				b = append(b, 0xE0|byte(n>>8), byte(n))
			default:
				b = binary.LittleEndian.AppendUint32(append(b, 0xF0), uint32(n))
			}
			b = append(b, v...)
		case int64:
			switch {
			case v >= 0 && v <= 127:
				b = append(b, byte(v))
			case v >= -4096 && v <= 4095:
				b = append(b, 0xC0|byte(uint64(v)>>8&0x1f), byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = binary.LittleEndian.AppendUint16(append(b, 0xF1), uint16(v))
			case v >= -1<<23 && v < 1<<23:
				b = append(b, 0xF2, byte(v), byte(v>>8), byte(v>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = binary.LittleEndian.AppendUint32(append(b, 0xF3), uint32(v))
			default:
				b = binary.LittleEndian.AppendUint64(append(b, 0xF4), uint64(v))
			}
		}
		b = appendBacklen(b, len(b)-start)
	}
	b = append(b, 0xFF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint16(b[4:], uint16(min(len(elems), 65535)))
	return b
}

func appendBacklen(b []byte, l int) []byte {
	n := backlenSize(l)
	for i := n - 1; i >= 0; i-- {
		c := byte(l >> (7 * i) & 127)
		if i < n-1 {
			c |= 128
		}
		b = append(b, c)
	}
	return b
}

func buildZiplist(elems []any) []byte {
	b := make([]byte, 10)
	prev, last := 0, 10
	for _, v := range elems {
		start := len(b)
		last = start
		if prev < 254 {
			b = append(b, byte(prev))
		} else {
			b = binary.LittleEndian.AppendUint32(append(b, 0xFE), uint32(prev))
		}
		switch v := v.(type) {
		case string:
			switch n := len(v); {
			case n < 64:
				b = append(b, byte(n))
			case n < 16384:
				b = append(b, 0x40|byte(n>>8), byte(n))
			default:
				b = binary.BigEndian.AppendUint32(append(b, 0x80), uint32(n))
			}
			b = append(b, v...)
		case int64:
			switch {
			case v >= 0 && v <= 12:
				b = append(b, 0xF1+byte(v))
			case v >= math.MinInt8 && v <= math.MaxInt8:
				b = append(b, 0xFE, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				b = binary.LittleEndian.AppendUint16(append(b, 0xC0), uint16(v))
			case v >= -1<<23 && v < 1<<23:
				b = append(b, 0xF0, byte(v), byte(v>>8), byte(v>>16))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				b = binary.LittleEndian.AppendUint32(append(b, 0xD0), uint32(v))
			default:
				b = binary.LittleEndian.AppendUint64(append(b, 0xE0), uint64(v))
			}
		}
		prev = len(b) - start
	}
	b = append(b, 0xFF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint32(b[4:], uint32(last))
	binary.LittleEndian.PutUint16(b[8:], uint16(min(len(elems), 65535)))
	return b
}

func collect(parse func([]byte, *arena, func([]byte)) error, b []byte) ([]string, error) {
	var out []string
	err := parse(b, &arena{}, func(v []byte) { out = append(out, string(v)) })
	return out, err
}

func TestCompactElements(t *testing.T) {
	want := make([]string, len(compactElems))
	for i, v := range compactElems {
		want[i] = elemText(v)
	}
	for name, tc := range map[string]struct {
		parse func([]byte, *arena, func([]byte)) error
		build func([]any) []byte
	}{
		"listpack": {parseListpack, buildListpack},
		"ziplist":  {parseZiplist, buildZiplist},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := collect(tc.parse, tc.build(compactElems))
			require.NoError(t, err)
			assert.Equal(t, want, got)
			got, err = collect(tc.parse, tc.build(nil))
			require.NoError(t, err)
			assert.Empty(t, got)
		})
	}
}

// The examples drawn in Redis' ziplist.c and zipmap.c.
func TestCompactDocumentedExamples(t *testing.T) {
	zl := []byte{0x0f, 0, 0, 0, 0x0c, 0, 0, 0, 0x02, 0, 0x00, 0xf3, 0x02, 0xf6, 0xff}
	got, err := collect(parseZiplist, zl)
	require.NoError(t, err)
	assert.Equal(t, []string{"2", "5"}, got)

	zm := []byte("\x02\x03foo\x03\x00bar\x05hello\x05\x00world\xff")
	var pairs []string
	require.NoError(t, parseZipmap(zm, func(f, v []byte) { pairs = append(pairs, string(f)+"="+string(v)) }))
	assert.Equal(t, []string{"foo=bar", "hello=world"}, pairs)
}

func TestZipmapFreeBytesAndBigLengths(t *testing.T) {
	big := strings.Repeat("v", 300)
	zm := []byte("\x02\x01a\x02\x03xy---")
	zm = append(zm, 0x01, 'b', 0xFE)
	zm = binary.LittleEndian.AppendUint32(zm, 300)
	zm = append(zm, 0x00)
	zm = append(zm, big...)
	zm = append(zm, 0xFF)
	var pairs [][2]string
	require.NoError(t, parseZipmap(zm, func(f, v []byte) { pairs = append(pairs, [2]string{string(f), string(v)}) }))
	assert.Equal(t, [][2]string{{"a", "xy"}, {"b", big}}, pairs)
}

// Damaged blobs: every truncation and every single changed byte gives an error or some
// elements, never a panic; truncations and broken headers are always errors.
func TestCompactCorrupt(t *testing.T) {
	elems := []any{"field", int64(-5), strings.Repeat("z", 300), int64(1 << 40), "v"}
	blobs := map[string][]byte{"listpack": buildListpack(elems), "ziplist": buildZiplist(elems),
		"zipmap": []byte("\x02\x03foo\x03\x00bar\x05hello\x05\x02world..\xff")}
	parse := func(name string, b []byte) error {
		switch name {
		case "listpack":
			return parseListpack(b, &arena{}, func([]byte) {})
		case "ziplist":
			return parseZiplist(b, &arena{}, func([]byte) {})
		}
		return parseZipmap(b, func(_, _ []byte) {})
	}
	for name, b := range blobs {
		require.NoError(t, parse(name, b), name)
		for cut := range len(b) {
			assert.Error(t, parse(name, b[:cut]), "%s cut at %d", name, cut)
		}
		for i := range b {
			for _, x := range []byte{0x01, 0x80, 0xFF} {
				c := append([]byte(nil), b...)
				c[i] ^= x
				_ = parse(name, c)
			}
		}
	}
	lp := buildListpack(elems)
	lp[4]++ // wrong count
	assert.Error(t, parse("listpack", lp))
	zl := buildZiplist(elems)
	zl[4]++ // wrong tail offset
	assert.Error(t, parse("ziplist", zl))
}
