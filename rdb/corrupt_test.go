package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawFile assembles a file by hand: header, body, EOF opcode and (from version 5) the
// checksum.
func rawFile(version int, body ...string) []byte {
	b := fmt.Appendf(nil, "REDIS%04d", version)
	for _, s := range body {
		b = append(b, s...)
	}
	b = append(b, opEOF)
	if version >= 5 {
		b = binary.LittleEndian.AppendUint64(b, crc64(0, b))
	}
	return b
}

func modID(id uint64) string {
	var w writer
	w.length(id)
	return string(w.buf)
}

func TestDecodeHandMade(t *testing.T) {
	ms := func(v int64) string { return string(binary.LittleEndian.AppendUint64(nil, uint64(v))) }
	tests := []struct {
		name string
		file []byte
		want []*Entry
		err  error  // nil: decodes to want
		msg  string // part of the error text
	}{
		{"old version without checksum", rawFile(3, "\x00\x01k\x01v"),
			[]*Entry{{Key: []byte("k"), Kind: KindString, Str: []byte("v")}}, nil, ""},
		{"expiry in seconds", rawFile(2, "\xFD\x10\x00\x00\x00\x00\x01k\x01v"),
			[]*Entry{{Key: []byte("k"), Kind: KindString, Str: []byte("v"), ExpireMs: 16000}}, nil, ""},
		{"expiry at the epoch stays expired", rawFile(9, "\xFC"+ms(0)+"\x00\x01k\x01v"),
			[]*Entry{{Key: []byte("k"), Kind: KindString, Str: []byte("v"), ExpireMs: -1}}, nil, ""},
		{"idle, freq, resizedb, slot info, function skipped", rawFile(11, "\xFE\x02\xFB\x01\x00\xF4\x01\x01\x00\xF5\x04code\xF8\x05\xF9\x07\x00\x01k\x01v"),
			[]*Entry{{DB: 2, Key: []byte("k"), Kind: KindString, Str: []byte("v")}}, nil, ""},
		{"expiry applies to the next key only", rawFile(9, "\xFC"+ms(5)+"\x00\x01a\x01v\x00\x01b\x01v"),
			[]*Entry{{Key: []byte("a"), Kind: KindString, Str: []byte("v"), ExpireMs: 5},
				{Key: []byte("b"), Kind: KindString, Str: []byte("v")}}, nil, ""},
		{"empty hash skipped, as Redis does", rawFile(9, "\xFC"+ms(5)+"\x04\x01h\x00\x00\x01k\x01v"),
			[]*Entry{{Key: []byte("k"), Kind: KindString, Str: []byte("v")}}, nil, ""},
		{"other module's aux data skipped", rawFile(10, "\xF7"+modID(moduleID("ft_index0", 2))+"\x02\x02"+
			"\x05\x03abc"+"\x01\x05"+"\x02\x80\x00\x01\x00\x00"+"\x03\x00\x00\x80\x3f"+"\x04"+ms(1)+"\x00"+
			"\x00\x01k\x01v"),
			[]*Entry{{Key: []byte("k"), Kind: KindString, Str: []byte("v")}}, nil, ""},
		{"list", rawFile(10, "\x00\x01k\x01v\x12\x06mylist\x01\x02\x01x"), nil, ErrUnsupported, `key "mylist" holds a list (RDB type 18)`},
		{"set", rawFile(10, "\x02\x01s\x01\x01x"), nil, ErrUnsupported, `key "s" holds a set (RDB type 2)`},
		{"sorted set", rawFile(10, "\x11\x01z\x01x"), nil, ErrUnsupported, `key "z" holds a sorted set (RDB type 17)`},
		{"stream", rawFile(11, "\x15\x02st\x00"), nil, ErrUnsupported, `key "st" holds a stream (RDB type 21)`},
		{"other module's value", rawFile(10, "\x07\x03doc"+modID(moduleID("ReJSON-RL", 3))+"\x05\x02{}\x00"),
			nil, ErrUnsupported, `key "doc" holds a value of module type "ReJSON-RL"`},
		{"newer darner JSON encoding", rawFile(10, "\x07\x01j"+modID(moduleID("darnerJSN", 2))+"\x05\x02{}\x00"),
			nil, ErrUnsupported, "JSON document has encoding version 2"},
		{"unknown value type", rawFile(10, "\x08\x01k"), nil, ErrCorrupt, "unknown value type 8"},
		{"pre-release functions", rawFile(10, "\xF6\x01x"), nil, ErrCorrupt, "release candidates"},
		{"bad length encoding", rawFile(10, "\x00\x82"), nil, ErrCorrupt, "unknown length encoding 0x82"},
		{"bad string encoding", rawFile(10, "\x00\xC4"), nil, ErrCorrupt, "unknown string encoding 4"},
		{"LZF longer than possible", rawFile(10, "\x00\x01k\xC3\x01\x7F\x00"), nil, ErrCorrupt, "LZF"},
		{"LZF data wrong", rawFile(10, "\x00\x01k\xC3\x03\x05\x00ab"), nil, ErrCorrupt, "invalid LZF"},
		{"malformed listpack", rawFile(10, "\x10\x01h\x03abc"), nil, ErrCorrupt, `hash "h": malformed listpack`},
		{"odd listpack", rawFile(10, "\x10\x01h"+blob(oddListpack())), nil, ErrCorrupt, "malformed listpack"},
		{"darner aux without when", rawFile(10, "\xF7"+modID(moduleAux)+"\x05"), nil, ErrCorrupt, "module opcode 5 where 2"},
		{"other module's aux with a bad opcode", rawFile(10, "\xF7"+modID(moduleID("ft_index0", 2))+"\x02\x01\x09"),
			nil, ErrCorrupt, "unknown opcode 9 in data of module ft_index0"},
		{"json without EOF opcode", rawFile(10, "\x07\x01j"+modID(moduleJSON)+"\x05\x02{}\x05"), nil, ErrCorrupt, "module opcode 5 where 0"},
		{"huge database number", rawFile(10, "\xFE\x80\x7F\xFF\xFF\xFF"), nil, ErrCorrupt, "database number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, got, err := decodeAll(bytes.NewReader(tc.file))
			if tc.err == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.ErrorIs(t, err, tc.err)
			assert.Contains(t, err.Error(), tc.msg)
			var re *Error
			require.ErrorAs(t, err, &re)
			assert.Positive(t, re.Offset)
			_, again := d.Next()
			assert.Equal(t, err, again, "errors stick")
		})
	}
}

func oddListpack() []byte { return buildListpack([]any{"f", "v", "g"}) }

// blob is b as an RDB string.
func blob(b []byte) string {
	var w writer
	w.length(uint64(len(b)))
	return string(append(w.buf, b...))
}

func TestDecodeFunctionsAndSkipped(t *testing.T) {
	file := rawFile(10, "\xF5\x04code", "\xF7"+modID(moduleID("ft_index0", 2))+"\x02\x01\x00")
	d, got, err := decodeAll(bytes.NewReader(file))
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, [][]byte{[]byte("code")}, d.Functions())
	assert.Equal(t, []string{"ft_index0"}, d.Skipped())
}

func TestDecodeHeader(t *testing.T) {
	tests := []struct {
		head string
		err  error
		msg  string
	}{
		{"REDIS0012", ErrVersion, "RDB version 12 is not supported (darner reads versions 1 to 11)"},
		{"REDIS0000", ErrVersion, "RDB version 0 is not supported"},
		{"REDIS00a1", ErrCorrupt, "not an RDB file"},
		{"REDIS-001", ErrCorrupt, "not an RDB file"},
		{"GARBAGE!!", ErrCorrupt, "no REDIS signature"},
		{"REDIS", io.ErrUnexpectedEOF, "unexpected end of file at offset 5"},
		{"", io.ErrUnexpectedEOF, "unexpected end of file at offset 0"},
	}
	for _, tc := range tests {
		file := []byte(tc.head)
		if len(file) == 9 {
			file = append(file, opEOF, 0, 0, 0, 0, 0, 0, 0, 0)
		}
		_, _, err := decodeAll(bytes.NewReader(file))
		require.ErrorIs(t, err, tc.err, tc.head)
		assert.Contains(t, err.Error(), tc.msg, tc.head)
	}
	for v := MinVersion; v <= MaxVersion; v++ {
		d, _, err := decodeAll(bytes.NewReader(rawFile(v)))
		require.NoError(t, err, "version %d", v)
		assert.Equal(t, v, d.Version())
	}
}

// sampleFile is a small file with an entry of every kind: every offset in it can be tried.
func sampleFile(t testing.TB) []byte {
	var buf bytes.Buffer
	en := NewEncoder(&buf, Options{Compress: true})
	require.NoError(t, en.WriteMeta("m", []byte("before")))
	for _, e := range testEntries(2)[:300] {
		if e.Kind == KindHash && len(e.Hash) > 100 {
			e.Hash = e.Hash[:100]
		}
		if len(e.Str) > 1000 {
			e.Str = e.Str[:1000]
		}
		require.NoError(t, en.Write(e))
	}
	require.NoError(t, en.WriteMeta("n", []byte("after")))
	require.NoError(t, en.Close())
	return buf.Bytes()
}

func TestDecodeChecksum(t *testing.T) {
	file := sampleFile(t)
	_, _, err := decodeAll(bytes.NewReader(file))
	require.NoError(t, err)

	bad := bytes.Clone(file)
	bad[len(bad)-3] ^= 1
	_, _, err = decodeAll(bytes.NewReader(bad))
	require.ErrorIs(t, err, ErrChecksum)
	assert.Contains(t, err.Error(), fmt.Sprintf("at offset %d", len(file)-8))

	off := bytes.Clone(file)
	copy(off[len(off)-8:], make([]byte, 8)) // a writer with checksums turned off
	_, _, err = decodeAll(bytes.NewReader(off))
	assert.NoError(t, err)
}

// Changing any one byte of a value's text leaves the structure readable, so only the
// checksum can catch it: it must.
func TestDecodeFlippedByte(t *testing.T) {
	var buf bytes.Buffer
	en := NewEncoder(&buf, Options{})
	require.NoError(t, en.Write(&Entry{Key: []byte("key"), Kind: KindString, Str: []byte("some value text")}))
	require.NoError(t, en.Close())
	file := buf.Bytes()
	at := bytes.Index(file, []byte("value"))
	for i := at; i < at+5; i++ {
		bad := bytes.Clone(file)
		bad[i] ^= 0x20
		_, _, err := decodeAll(bytes.NewReader(bad))
		assert.ErrorIs(t, err, ErrChecksum, "byte %d", i)
	}
}

// A file cut anywhere is an error (io.ErrUnexpectedEOF, saying where the data stopped),
// never a success with fewer entries.
func TestDecodeTruncated(t *testing.T) {
	file := sampleFile(t)
	for cut := range len(file) {
		_, _, err := decodeAll(bytes.NewReader(file[:cut]))
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)
		require.Contains(t, err.Error(), fmt.Sprintf("unexpected end of file at offset %d", cut))
	}
}

// oneByteReader hands out a byte per Read, to exercise every refill path.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(1, len(p))]) }

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }

func TestDecodeReaders(t *testing.T) {
	file := sampleFile(t)
	_, want, err := decodeAll(bytes.NewReader(file))
	require.NoError(t, err)
	_, got, err := decodeAll(oneByteReader{bytes.NewReader(file)})
	require.NoError(t, err)
	assert.Equal(t, want, got)

	_, _, err = decodeAll(io.MultiReader(bytes.NewReader(file[:100]), errReader{}))
	assert.ErrorContains(t, err, "disk gone")

	_, _, err = decodeAll(io.MultiReader(bytes.NewReader(file[:100]), stuckReader{}))
	assert.ErrorIs(t, err, io.ErrNoProgress)
}

// stuckReader never returns data nor an error.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

// Garbage after a valid header, and random changes to a valid file: errors, never panics.
func TestDecodeGarbage(t *testing.T) {
	file := sampleFile(t)
	rng := rand.New(rand.NewPCG(9, 9))
	for range 300 {
		bad := bytes.Clone(file)
		for range 1 + rng.IntN(4) {
			bad[9+rng.IntN(len(bad)-9)] ^= byte(1 + rng.IntN(255))
		}
		_, _, err := decodeAll(bytes.NewReader(bad))
		assert.Error(t, err)
	}
	for range 100 {
		_, _, err := decodeAll(bytes.NewReader(append([]byte("REDIS0010"), randBytes(rng, rng.IntN(2000))...)))
		assert.Error(t, err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(sampleFile(f))
	f.Add(rawFile(3, "\x0D\x01h"+blob(buildZiplist([]any{"a", int64(1)}))))
	f.Add(rawFile(3, "\x09\x01h\x07\x01\x01a\x01\x00b\xff"))
	f.Add(rawFile(10, "\x10\x01h"+blob(oddListpack())))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data))
		for range 10000 {
			if _, err := d.Next(); err != nil {
				return
			}
		}
	})
}
