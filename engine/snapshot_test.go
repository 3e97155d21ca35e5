package engine

import (
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// snapshotState reads a snapshot's database d as key → text (a hash's field f's value).
func snapshotState(t *testing.T, sn *Snapshot, d int) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, sn.Each(d, func(k string, v Value, exp int64) error {
		switch x := v.(type) {
		case *Str:
			out[k] = "s:" + string(x.B)
		case *Hash:
			b, _ := x.Get("f")
			out[k] = "h:" + string(b)
		}
		if exp != 0 {
			out[k] += " ttl"
		}
		return nil
	}))
	return out
}

// Writes after BeginSnapshot — in-place hash changes, overwrites, deletes, expiries, new
// keys, a flush — do not show in it: it reads the keys as they were at its moment.
func TestSnapshotCopyOnWrite(t *testing.T) {
	s := New(Options{Shards: 3})
	put := func(tx *Tx, d int, k string, v Value) { tx.View(d, []byte(k)).Set(k, v, false) }
	tx := s.BeginAll(true)
	want := map[string]string{}
	for i := range 1000 {
		k := "k" + strconv.Itoa(i)
		if i%2 == 0 {
			put(&tx, 0, k, NewStr([]byte("v"+strconv.Itoa(i))))
			want[k] = "s:v" + strconv.Itoa(i)
		} else {
			h := NewHash()
			h.Set("f", []byte("x"+strconv.Itoa(i)))
			put(&tx, 0, k, h)
			want[k] = "h:x" + strconv.Itoa(i)
		}
		put(&tx, 3, k, NewStr([]byte("db3")))
	}
	tx.End()

	rtx := s.BeginAll(false)
	sn := s.BeginSnapshot(&rtx)
	rtx.End()
	require.Equal(t, 1000, sn.Keys(0))

	wtx := s.BeginAll(true)
	for i := range 1000 {
		k := "k" + strconv.Itoa(i)
		v := wtx.View(0, []byte(k))
		switch i % 5 {
		case 0:
			v.Delete(k)
		case 1: // changed in place, as HSET and APPEND do
			o := v.Get(k)
			switch x := o.Value.(type) {
			case *Hash:
				x.Set("f", []byte("changed"))
			case *Str:
				x.B = append(x.B[:0], "changed"...)
			}
			v.Modified(k, o)
		case 2:
			v.Set(k, NewStr([]byte("overwritten")), false)
		case 3:
			o := v.Get(k)
			v.SetExpire(k, o, v.Now()+100000)
		}
		put(&wtx, 0, "new"+strconv.Itoa(i), NewStr([]byte("new")))
	}
	for _, view := range wtx.Views(3) {
		view.Flush()
	}
	wtx.End()

	require.Equal(t, want, snapshotState(t, sn, 0))
	require.Len(t, snapshotState(t, sn, 3), 1000, "the flushed database as it was")
	sn.End()
	// After End, writers keep no copies.
	for _, sh := range s.shards {
		require.Nil(t, sh.snap)
	}
}

// Writers running while the snapshot is read (under -race): it still sees the moment.
func TestSnapshotConcurrentWriters(t *testing.T) {
	s := New(Options{Shards: 4})
	tx := s.BeginAll(true)
	for i := range 5000 {
		k := "k" + strconv.Itoa(i)
		tx.View(0, []byte(k)).Set(k, NewStr([]byte("0")), false)
	}
	tx.End()
	rtx := s.BeginAll(false)
	sn := s.BeginSnapshot(&rtx)
	rtx.End()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 3 {
		wg.Go(func() {
			for i := w; ; i += 3 {
				select {
				case <-stop:
					return
				default:
				}
				k := "k" + strconv.Itoa(i%5000)
				wtx := s.BeginKey([]byte(k), true)
				wtx.View(0, []byte(k)).Set(k, NewStr([]byte(strconv.Itoa(i+1))), false)
				wtx.End()
			}
		})
	}
	got := snapshotState(t, sn, 0)
	close(stop)
	wg.Wait()
	sn.End()
	require.Len(t, got, 5000)
	for k, v := range got {
		require.Equal(t, "s:0", v, k)
	}
}
