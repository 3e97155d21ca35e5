package engine

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recorder struct{ events []Event }

func (r *recorder) Observe(_ int, ev Event) {
	ev.Object = nil // not to be retained
	r.events = append(r.events, ev)
}

func writeTx(s *Store, key string) Tx { return s.BeginKey([]byte(key), true) }

func TestViewEventsAndAccounting(t *testing.T) {
	s := New(Options{Shards: 3})
	rec := &recorder{}
	s.AddObserver(rec)
	used := func() (n int64) {
		for _, sh := range s.shards {
			n += sh.used.Load()
		}
		return n
	}

	tx := writeTx(s, "a")
	v := tx.View(0, []byte("a"))
	o := v.Set("a", NewStr([]byte("hello")), false)
	assert.Positive(t, used())
	o.Value.(*Str).B = append(o.Value.(*Str).B, " world"...)
	v.Modified("a", o)
	assert.True(t, v.SetExpire("a", o, v.Now()+100000))
	assert.Equal(t, 1, v.Volatile())
	assert.True(t, v.Delete("a"))
	assert.False(t, v.Delete("a"))
	tx.End()
	assert.Zero(t, used(), "memory accounting returns to zero")
	assert.Equal(t, []Event{
		{Kind: EventWrite, Key: "a", Created: true}, {Kind: EventWrite, Key: "a"},
		{Kind: EventWrite, Key: "a"}, {Kind: EventDelete, Key: "a"},
	}, rec.events)

	// A past expiry deletes at once; a flush is one event per shard.
	rec.events = nil
	tx = writeTx(s, "b")
	v = tx.View(1, []byte("b"))
	v.Set("b", NewStr([]byte("y")), false)
	o = v.Set("b", NewStr([]byte("x")), false) // an overwrite: not created
	assert.False(t, v.SetExpire("b", o, v.Now()-1))
	assert.Nil(t, v.Get("b"))
	tx.End()
	tx = s.BeginAll(true)
	for _, v := range tx.Views(1) {
		v.Flush()
	}
	tx.End()
	assert.Equal(t, []Event{{Kind: EventWrite, DB: 1, Key: "b", Created: true}, {Kind: EventWrite, DB: 1, Key: "b"}, {Kind: EventDelete, DB: 1, Key: "b"},
		{Kind: EventFlush, DB: 1}, {Kind: EventFlush, DB: 1}, {Kind: EventFlush, DB: 1}}, rec.events)
}

func TestLazyExpiry(t *testing.T) {
	s := New(Options{Shards: 1})
	tx := writeTx(s, "k")
	v := tx.View(0, []byte("k"))
	o := v.Set("k", NewStr([]byte("v")), false)
	o.Expire = 1 // long past; set directly to skip SetExpire's immediate delete
	v.db.volatile.Set("k", struct{}{})
	tx.End()

	// Under a read lock the key is hidden but stays.
	rtx := s.BeginKey([]byte("k"), false)
	assert.Nil(t, rtx.View(0, []byte("k")).Get("k"))
	assert.Equal(t, 1, rtx.View(0, []byte("k")).Len())
	rtx.End()

	// Under a write lock it is removed, and counted as expired.
	rec := &recorder{}
	s.AddObserver(rec)
	tx = writeTx(s, "k")
	assert.Nil(t, tx.View(0, []byte("k")).Get("k"))
	assert.Equal(t, 0, tx.View(0, []byte("k")).Len())
	assert.Equal(t, 0, tx.View(0, []byte("k")).Volatile())
	tx.End()
	assert.Equal(t, []Event{{Kind: EventExpire, Key: "k"}}, rec.events)
	assert.Equal(t, int64(1), s.Stats(nil)[0].ExpiredKeys)
}

func TestActiveExpiryCycle(t *testing.T) {
	s := New(Options{Shards: 2})
	tx := s.BeginAll(true)
	for i := range 1000 {
		k := []byte{byte('a' + i%26), byte(i >> 8), byte(i)}
		v := tx.View(0, k)
		o := v.Set(string(k), NewStr(k), false)
		exp := v.Now() + 3600_000
		if i%2 == 0 {
			exp = v.Now() + 1 // about to expire
		}
		require.True(t, v.SetExpire(string(k), o, exp))
	}
	tx.End()
	for s.totalKeys() > 500 {
		for _, sh := range s.shards {
			s.expireShard(sh) // bounded cycles, repeated as the ticker would
		}
	}
	assert.Equal(t, 500, s.totalKeys())
}

func (s *Store) totalKeys() (n int) {
	for _, st := range s.Stats(nil) {
		n += st.Keys[0]
	}
	return n
}

func TestTxLocksDeclaredShardsOnly(t *testing.T) {
	s := New(Options{Shards: 8})
	tx := s.Begin([][]byte{[]byte("a"), []byte("b")}, true)
	assert.NotPanics(t, func() { tx.View(0, []byte("a")) })
	var other []byte
	for i := 0; ; i++ {
		k := []byte{'k', byte(i)}
		if id := s.ShardOf(k); id != s.ShardOf([]byte("a")) && id != s.ShardOf([]byte("b")) {
			other = k
			break
		}
	}
	assert.Panics(t, func() { tx.View(0, other) })
	tx.End()
	rtx := s.BeginKey([]byte("zz"), false)
	defer rtx.End()
	assert.Panics(t, func() { rtx.View(0, []byte("zz")).Set("zz", NewStr(nil), false) }, "write through a read lock")
}

func TestWatchDirty(t *testing.T) {
	s := New(Options{Shards: 2})
	var w Watch
	tx := s.BeginKey([]byte("w"), false)
	tx.Watch(&w, 0, []byte("w"))
	tx.End()
	assert.True(t, w.Watching())
	assert.False(t, w.Dirty(0))
	tx = writeTx(s, "other")
	tx.View(0, []byte("other")).Set("other", NewStr(nil), false)
	tx.End()
	assert.False(t, w.Dirty(0), "another key")
	tx = writeTx(s, "w")
	tx.View(1, []byte("w")).Set("w", NewStr(nil), false)
	tx.End()
	assert.False(t, w.Dirty(0), "same name, another database")
	tx = writeTx(s, "w")
	tx.View(0, []byte("w")).Set("w", NewStr(nil), false)
	tx.End()
	assert.True(t, w.Dirty(0))
	s.Unwatch(&w)
	assert.False(t, w.Dirty(0))
	assert.False(t, w.Watching())
}

// Regression: FLUSHDB with a watched key that had expired but was not yet removed used to
// re-enter the watchers' lock and hang.
func TestFlushWithWatchedExpiredKey(t *testing.T) {
	s := New(Options{Shards: 2})
	tx := writeTx(s, "k")
	v := tx.View(0, []byte("k"))
	o := v.Set("k", NewStr([]byte("v")), false)
	require.True(t, v.SetExpire("k", o, v.Now()+60_000))
	tx.End()
	var w Watch
	tx = s.BeginKey([]byte("k"), false)
	tx.Watch(&w, 0, []byte("k"))
	tx.End()
	o.Expire = 1 // it has expired since; nothing has removed it yet

	done := make(chan struct{})
	go func() {
		defer close(done)
		tx := s.BeginAll(true)
		for _, v := range tx.Views(0) {
			v.Flush()
		}
		tx.End()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("FLUSHDB hung")
	}
	assert.True(t, w.Dirty(0))
}

// A watched key that expires before EXEC makes the watch dirty even if nothing removed it,
// as in Redis 7; a key already expired when watched does not.
func TestWatchSeesExpiry(t *testing.T) {
	s := New(Options{Shards: 1})
	tx := writeTx(s, "k")
	v := tx.View(0, []byte("k"))
	now := v.Now()
	o := v.Set("k", NewStr([]byte("v")), false)
	require.True(t, v.SetExpire("k", o, now+1000))
	o2 := v.Set("gone", NewStr([]byte("v")), false)
	require.True(t, v.SetExpire("gone", o2, now+1000))
	o2.Expire = 1
	tx.End()

	var w, w2 Watch
	tx = s.BeginAll(false)
	tx.Watch(&w, 0, []byte("k"))
	tx.Watch(&w2, 0, []byte("gone"))
	tx.End()
	assert.False(t, w.Dirty(now+999))
	assert.True(t, w.Dirty(now+1000))
	assert.False(t, w2.Dirty(now+5000), "already expired when watched: stays a missing key")
	s.Unwatch(&w)
	assert.False(t, w.Dirty(now+5000))
}

func TestStatsRefusesPartialTx(t *testing.T) {
	s := New(Options{Shards: 4})
	tx := s.BeginKey([]byte("a"), false)
	defer tx.End()
	assert.Panics(t, func() { s.Stats(&tx) })
}

func TestSetStringReusesBuffer(t *testing.T) {
	s := New(Options{Shards: 1})
	tx := writeTx(s, "k")
	defer tx.End()
	v := tx.View(0, []byte("k"))
	o := v.SetString("k", []byte("hello"), false)
	first := &o.Value.(*Str).B[0]
	require.True(t, v.SetExpire("k", o, v.Now()+60_000))

	o = v.SetString("k", []byte("world"), false)
	assert.Same(t, first, &o.Value.(*Str).B[0], "same-size value: buffer reused")
	assert.Equal(t, "world", string(o.Value.(*Str).B))
	assert.Zero(t, o.Expire, "SET clears the TTL")
	assert.Zero(t, v.Volatile())

	o = v.SetString("k", []byte("a much longer value than before"), false)
	assert.NotSame(t, first, &o.Value.(*Str).B[0])
	assert.Equal(t, "a much longer value than before", string(o.Value.(*Str).B))

	h := NewHash()
	h.Set("f", []byte("v"))
	v.Set("h", h, false)
	o = v.SetString("h", []byte("now a string"), false)
	assert.Equal(t, TypeString, o.Value.Type())
	assert.Equal(t, int64(len("k")+len("h"))+o.Value.Size()+
		v.Get("k").Value.Size()+2*objectOverhead, s.shards[0].used.Load(), "accounting follows")
}

// Changes counts every write, expiry change, delete and flush, on every shard.
func TestStoreChanges(t *testing.T) {
	s := New(Options{Shards: 3})
	tx := s.BeginAll(true)
	before := s.Changes()
	for _, k := range []string{"a", "b", "c", "d"} {
		tx.View(0, []byte(k)).Set(k, NewStr([]byte("x")), false)
	}
	v := tx.View(0, []byte("a"))
	o := v.Get("a")
	v.SetExpire("a", o, v.Now()+10000)
	v.Delete("a")
	tx.View(0, []byte("zz")).Delete("zz") // nothing to delete: no change
	for _, view := range tx.Views(0) {
		view.Flush()
	}
	tx.End()
	require.Equal(t, before+4+1+1+3, s.Changes())
}
