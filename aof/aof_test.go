package aof

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func args(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}

// replayAll returns every command of data, a block per line: "MULTI" blocks joined by " | ".
func replayAll(t *testing.T, data []byte) ([]string, error) {
	t.Helper()
	var got []string
	_, err := Replay(bytes.NewReader(data), func(block [][][]byte) error {
		var parts []string
		for _, c := range block {
			parts = append(parts, string(bytes.Join(c, []byte(" "))))
		}
		got = append(got, fmt.Sprint(parts))
		return nil
	})
	return got, err
}

func TestManifestRoundTrip(t *testing.T) {
	text := "file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.5.incr.aof seq 5 type i\nfile appendonly.aof.6.incr.aof seq 6 type i\n"
	m, err := ParseManifest([]byte(text))
	require.NoError(t, err)
	assert.Equal(t, []string{"appendonly.aof.3.base.rdb", "appendonly.aof.5.incr.aof", "appendonly.aof.6.incr.aof"}, m.Names())
	assert.Equal(t, text, string(m.Marshal()))

	// Keys in another order, comments and history lines are accepted; history is not state.
	m, err = ParseManifest([]byte("# comment\ntype h seq 2 file appendonly.aof.2.base.rdb\nseq 4 type i file x.4.incr.aof\n"))
	require.NoError(t, err)
	assert.Nil(t, m.Base)
	assert.Equal(t, []string{"x.4.incr.aof"}, m.Names())
}

func TestManifestRefused(t *testing.T) {
	for _, text := range []string{
		"",
		"file a seq 1\n",
		"file a seq x type i\n",
		"file a seq 1 type z\n",
		"file ../etc/passwd seq 1 type i\n",
		"file a seq 2 type i\nfile b seq 1 type i\n",
		"file a seq 1 type b\nfile b seq 2 type b\n",
		"file a seq 1 type i extra\n",
		"\n",
	} {
		_, err := ParseManifest([]byte(text))
		assert.Error(t, err, "%q", text)
	}
}

func TestReplayBlocksAndAnnotations(t *testing.T) {
	var b []byte
	b = appendCommand(b, args("SELECT", "0"))
	b = append(b, "#TS:1700000000\r\n"...)
	b = appendCommand(b, args("SET", "k", "v\r\nwith newline"))
	b = appendCommand(b, args("MULTI"))
	b = appendCommand(b, args("INCR", "a"))
	b = appendCommand(b, args("INCR", "b"))
	b = appendCommand(b, args("EXEC"))
	got, err := replayAll(t, b)
	require.NoError(t, err)
	assert.Equal(t, []string{"[SELECT 0]", "[SET k v\r\nwith newline]", "[INCR a INCR b]"}, got)
}

// Every prefix of a log either replays whole units or says where the last one ends.
func TestReplayTruncatedAtEveryByte(t *testing.T) {
	var b []byte
	var ends []int64 // the offsets where a unit ends
	b = appendCommand(b, args("SET", "a", "1"))
	ends = append(ends, int64(len(b)))
	b = appendCommand(b, args("MULTI"))
	b = appendCommand(b, args("SET", "b", "2"))
	b = appendCommand(b, args("SET", "c", "3"))
	b = appendCommand(b, args("EXEC"))
	ends = append(ends, int64(len(b)))
	b = appendCommand(b, args("DEL", "a"))
	ends = append(ends, int64(len(b)))
	for cut := 0; cut <= len(b); cut++ {
		var n int
		_, err := Replay(bytes.NewReader(b[:cut]), func(block [][][]byte) error { n += len(block); return nil })
		whole := 0
		var valid int64
		for _, e := range ends {
			if e <= int64(cut) {
				whole++
				valid = e
			}
		}
		wantCmds := []int{0, 1, 3, 4}[whole]
		assert.Equal(t, wantCmds, n, "cut %d", cut)
		if valid == int64(cut) {
			assert.NoError(t, err, "cut %d", cut)
			continue
		}
		var te *TruncatedError
		require.ErrorAs(t, err, &te, "cut %d", cut)
		assert.Equal(t, valid, te.Valid, "cut %d", cut)
		assert.ErrorIs(t, err, ErrTruncated)
	}
}

func TestReplayDamageIsNotTruncation(t *testing.T) {
	for _, data := range []string{
		"+OK\r\n",
		"*2\r\n$3\r\nGET\r\n:1\r\n",
		"*1\r\n$3\r\nGETX\r\n",
		"*1\r\n$-5\r\n",
		"*99999999999\r\n",
		"*1\n$3\nGET\n",
		"*1\r\n$4\r\nEXEC\r\n",
	} {
		_, err := Replay(bytes.NewReader([]byte(data)), func([][][]byte) error { return nil })
		var fe *FormatError
		assert.ErrorAs(t, err, &fe, "%q", data)
	}
}

func readState(t *testing.T, dir, name string) []string {
	t.Helper()
	m, err := ReadManifest(dir, name)
	require.NoError(t, err)
	var got []string
	for _, f := range m.Incrs {
		data, err := os.ReadFile(filepath.Join(dir, f.Name))
		require.NoError(t, err)
		cmds, err := replayAll(t, data)
		require.NoError(t, err)
		got = append(got, cmds...)
	}
	return got
}

// create starts a log as the server does: Create, the base written, Install.
func create(t *testing.T, dir, name string, p Policy) *Log {
	t.Helper()
	l, basePath, err := Create(dir, name, p)
	require.NoError(t, err)
	_, err = ReadManifest(dir, name)
	require.ErrorIs(t, err, ErrNoManifest, "no manifest before the base is in")
	require.NoError(t, os.WriteFile(basePath, []byte("base"), 0o644))
	require.NoError(t, l.Install())
	return l
}

func TestLogAppendReopenRotate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "appendonlydir")
	_, err := ReadManifest(dir, "appendonly.aof")
	require.ErrorIs(t, err, ErrNoManifest)
	l := create(t, dir, "appendonly.aof", Always)
	require.NoError(t, l.Wait(l.Append(0, args("SET", "a", "1"))))
	require.NoError(t, l.Wait(l.Append(3, args("SET", "b", "2"))))
	require.NoError(t, l.Wait(l.AppendMulti([]Entry{{3, args("INCR", "x")}, {4, args("INCR", "y")}})))
	require.NoError(t, l.Close())
	assert.Equal(t, []string{"[SELECT 0]", "[SET a 1]", "[SELECT 3]", "[SET b 2]", "[INCR x SELECT 4 INCR y]"},
		readState(t, dir, "appendonly.aof"))

	// Reopened, appends continue the same file, starting with a SELECT.
	m, err := ReadManifest(dir, "appendonly.aof")
	require.NoError(t, err)
	l, err = Open(dir, "appendonly.aof", m, EverySec)
	require.NoError(t, err)
	require.NoError(t, l.Wait(l.Append(4, args("DEL", "y"))))
	got := readState(t, dir, "appendonly.aof")
	assert.Equal(t, []string{"[SELECT 4]", "[DEL y]"}, got[len(got)-2:])

	// A rotate adds a file; until Install the old base and files stay the state.
	basePath, err := l.Rotate()
	require.NoError(t, err)
	require.NoError(t, l.Wait(l.Append(4, args("SET", "after", "1"))))
	m, err = ReadManifest(dir, "appendonly.aof")
	require.NoError(t, err)
	assert.Equal(t, []string{"appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.2.incr.aof"}, m.Names())
	require.NoError(t, os.WriteFile(basePath, []byte("new base"), 0o644))
	require.NoError(t, l.Install())
	assert.Equal(t, []string{"[SELECT 4]", "[SET after 1]"}, readState(t, dir, "appendonly.aof"))
	m, err = ReadManifest(dir, "appendonly.aof")
	require.NoError(t, err)
	assert.Equal(t, []string{"appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof"}, m.Names())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"}, names)
	st, err := os.Stat(filepath.Join(dir, "appendonly.aof.2.incr.aof"))
	require.NoError(t, err)
	assert.Equal(t, int64(len("new base"))+st.Size(), l.Size())
	require.NoError(t, l.Close())
}

// Many writers appending and waiting at once: every acknowledged command is in the file,
// each writer's in its order.
func TestLogGroupCommit(t *testing.T) {
	for _, p := range []Policy{Always, EverySec, No} {
		t.Run(p.String(), func(t *testing.T) {
			dir := t.TempDir()
			l := create(t, dir, "a.aof", p)
			const writers, each = 8, 200
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						off := l.Append(0, args("SET", fmt.Sprintf("w%d", w), fmt.Sprint(i)))
						if err := l.Wait(off); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			if p == Always {
				assert.Equal(t, l.written.Load(), l.synced.Load())
			}
			got := readState(t, dir, "a.aof")
			require.NoError(t, l.Close())
			next := map[string]int{}
			for _, c := range got[1:] {
				var w, i int
				_, err := fmt.Sscanf(c, "[SET w%d %d]", &w, &i)
				require.NoError(t, err, c)
				key := fmt.Sprint(w)
				require.Equal(t, next[key], i, "writer %d out of order", w)
				next[key]++
			}
			for w := range writers {
				assert.Equal(t, each, next[fmt.Sprint(w)])
			}
		})
	}
}

func TestInstallWithoutRotate(t *testing.T) {
	l := create(t, t.TempDir(), "a.aof", No)
	defer l.Close()
	assert.Error(t, l.Install()) // the first one used the pending base

}

func TestPolicy(t *testing.T) {
	for _, s := range []string{"always", "everysec", "no"} {
		p, err := ParsePolicy(s)
		require.NoError(t, err)
		assert.Equal(t, s, p.String())
	}
	_, err := ParsePolicy("sometimes")
	assert.Error(t, err)
	assert.False(t, errors.Is(err, ErrTruncated))
}
