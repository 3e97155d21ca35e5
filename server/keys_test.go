package server_test

import (
	"fmt"
	"testing"
	"time"

	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fillKeys stores n string keys "key:<i>" and returns their names.
func fillKeys(t *testing.T, rdb *redis.Client, prefix string, n int) []string {
	t.Helper()
	ctx := t.Context()
	keys := make([]string, n)
	for lo := 0; lo < n; lo += 500 {
		var kv []any
		for i := lo; i < min(lo+500, n); i++ {
			keys[i] = fmt.Sprintf("%s:%d", prefix, i)
			kv = append(kv, keys[i], i)
		}
		require.NoError(t, rdb.MSet(ctx, kv...).Err())
	}
	return keys
}

// scanAll runs a whole SCAN and counts how often each key came back. between, if set, runs
// after every call (to change the keyspace mid-scan).
func scanAll(t *testing.T, rdb *redis.Client, count int64, match string, between func()) map[string]int {
	t.Helper()
	seen := map[string]int{}
	var cursor uint64
	for calls := 0; ; calls++ {
		require.Less(t, calls, 1_000_000, "the scan does not end")
		keys, next, err := rdb.Scan(t.Context(), cursor, match, count).Result()
		require.NoError(t, err)
		for _, k := range keys {
			seen[k]++
		}
		if next == 0 {
			return seen
		}
		cursor = next
		if between != nil {
			between()
		}
	}
}

// TestScanReturnsEveryKey: a full SCAN over 10000 keys spread on several shards returns each
// key at least once, whatever the COUNT, the shard count and the protocol.
func TestScanReturnsEveryKey(t *testing.T) {
	for _, shards := range []int{4, 7, 16} {
		s := servertest.Start(t, servertest.Options{Shards: shards})
		keys := fillKeys(t, s.Client(t, 2), "key", 10000)
		for _, proto := range servertest.Protocols {
			rdb := s.Client(t, proto)
			for _, count := range []int64{3, 10, 100, 5000} {
				t.Run(fmt.Sprintf("shards=%d/RESP%d/count=%d", shards, proto, count), func(t *testing.T) {
					seen := scanAll(t, rdb, count, "", nil)
					assert.Len(t, seen, len(keys))
					for _, k := range keys {
						if seen[k] == 0 {
							t.Fatalf("key %s never returned", k)
						}
					}
				})
			}
		}
	}
}

// TestScanWhileKeyspaceChanges: keys added and removed between SCAN calls make the shards'
// tables grow and shrink; every key present throughout must still come back.
func TestScanWhileKeyspaceChanges(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 5})
	rdb := s.Client(t, 3)
	ctx := t.Context()
	stable := fillKeys(t, rdb, "stable", 3000)
	round := 0
	seen := scanAll(t, rdb, 20, "", func() {
		round++
		// Grow for a while, then delete everything added, so tables expand then shrink.
		if round < 60 {
			fillKeys(t, rdb, fmt.Sprint("extra", round), 200)
			return
		}
		if round < 120 {
			var del []string
			for i := range 200 {
				del = append(del, fmt.Sprintf("extra%d:%d", round-59, i))
			}
			require.NoError(t, rdb.Del(ctx, del...).Err())
		}
	})
	require.Greater(t, round, 60, "the scan ended before the keyspace grew")
	for _, k := range stable {
		if seen[k] == 0 {
			t.Fatalf("key %s, present throughout, never returned", k)
		}
	}
}

func TestScanFilters(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 6})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	fillKeys(t, rdb, "user", 300)
	fillKeys(t, rdb, "other", 300)
	for i := range 50 {
		require.NoError(t, rdb.HSet(ctx, fmt.Sprint("h:", i), "f", "v").Err())
	}
	assert.Len(t, scanAll(t, rdb, 7, "user:1*", nil), 111) // 1, 10-19, 100-199
	var cursor uint64
	typed := map[string]bool{}
	for {
		keys, next, err := rdb.ScanType(ctx, cursor, "", 25, "hash").Result()
		require.NoError(t, err)
		for _, k := range keys {
			typed[k] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	assert.Len(t, typed, 50)

	// Redis 7.4's errors and cursor rules (7.0, the oracle, differs on these).
	assert.EqualError(t, rdb.Do(ctx, "SCAN", "0", "NOVALUES").Err(), "ERR NOVALUES option can only be used in HSCAN")
	assert.EqualError(t, rdb.Do(ctx, "SCAN", "-1").Err(), "ERR invalid cursor")
	assert.EqualError(t, rdb.Do(ctx, "SCAN", "").Err(), "ERR invalid cursor")
	assert.NoError(t, rdb.Do(ctx, "SCAN", " 0").Err())
	// A cursor naming a shard that does not exist (6 shards use 3 bits) ends the scan.
	keys, next, err := rdb.Scan(ctx, 7, "", 10).Result()
	require.NoError(t, err)
	assert.Empty(t, keys)
	assert.Zero(t, next)
}

func TestKeyReplyShapes(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprint("RESP", proto), func(t *testing.T) {
			ctx := t.Context()
			rdb := s.Client(t, proto)
			require.NoError(t, rdb.FlushAll(ctx).Err())
			assert.ErrorIs(t, rdb.RandomKey(ctx).Err(), redis.Nil)
			assert.Equal(t, "none", rdb.Type(ctx, "nokey").Val())
			require.NoError(t, rdb.Set(ctx, "s", "v", 0).Err())
			require.NoError(t, rdb.HSet(ctx, "h", "f", "v").Err())
			assert.Equal(t, "string", rdb.Type(ctx, "s").Val())
			assert.Equal(t, "hash", rdb.Type(ctx, "h").Val())
			assert.Equal(t, int64(3), rdb.Exists(ctx, "s", "s", "h", "nokey").Val())
			assert.Equal(t, int64(2), rdb.Touch(ctx, "s", "h", "nokey").Val())
			assert.ElementsMatch(t, []string{"s", "h"}, rdb.Keys(ctx, "*").Val())
			assert.Contains(t, []string{"s", "h"}, rdb.RandomKey(ctx).Val())

			assert.True(t, rdb.Expire(ctx, "s", time.Hour).Val())
			assert.False(t, rdb.Expire(ctx, "nokey", time.Hour).Val())
			assert.Equal(t, time.Hour, rdb.TTL(ctx, "s").Val())
			pttl := rdb.PTTL(ctx, "s").Val()
			assert.True(t, pttl > 59*time.Minute && pttl <= time.Hour, pttl)
			at := rdb.ExpireTime(ctx, "s").Val()
			assert.InDelta(t, time.Now().Add(time.Hour).Unix(), int64(at/time.Second), 2)
			assert.Equal(t, time.Duration(-1), rdb.TTL(ctx, "h").Val())
			assert.Equal(t, time.Duration(-2), rdb.TTL(ctx, "nokey").Val())
			assert.True(t, rdb.Persist(ctx, "s").Val())
			assert.False(t, rdb.ExpireGT(ctx, "s", time.Hour).Val(), "no expiry counts as infinite for GT")
			assert.True(t, rdb.ExpireLT(ctx, "s", time.Hour).Val())

			assert.Equal(t, "OK", rdb.Rename(ctx, "s", "s2").Val())
			assert.EqualError(t, rdb.Rename(ctx, "s", "s3").Err(), "ERR no such key")
			assert.False(t, rdb.RenameNX(ctx, "s2", "h").Val())
			assert.Equal(t, int64(1), rdb.Copy(ctx, "s2", "s", 3, false).Val())
			assert.Equal(t, int64(2), rdb.Del(ctx, "s2", "h", "nokey").Val())
			assert.Equal(t, int64(0), rdb.Unlink(ctx, "s2").Val())
		})
	}
}

// TestKeyRenameAcrossShards moves values and expiries between keys on different shards.
func TestKeyRenameAcrossShards(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 8})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	src := "src"
	dst := ""
	for i := 0; dst == ""; i++ {
		if k := fmt.Sprint("dst", i); s.Store.ShardOf([]byte(k)) != s.Store.ShardOf([]byte(src)) {
			dst = k
		}
	}
	require.NoError(t, rdb.HSet(ctx, src, "f", "v").Err())
	require.True(t, rdb.Expire(ctx, src, time.Hour).Val())
	require.NoError(t, rdb.Set(ctx, dst, "old", 0).Err())
	require.NoError(t, rdb.Rename(ctx, src, dst).Err())
	assert.Equal(t, int64(0), rdb.Exists(ctx, src).Val())
	assert.Equal(t, "v", rdb.HGet(ctx, dst, "f").Val())
	assert.Equal(t, time.Hour, rdb.TTL(ctx, dst).Val())
	assert.True(t, rdb.RenameNX(ctx, dst, src).Val())
	assert.Equal(t, "hash", rdb.Type(ctx, src).Val())
}

// TestKeyCopyToOtherDB copies value and expiry into another database, deeply.
func TestKeyCopyToOtherDB(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	rdb := s.Client(t, 3)
	require.NoError(t, rdb.HSet(ctx, "h", "f", "v").Err())
	require.True(t, rdb.Expire(ctx, "h", time.Hour).Val())
	assert.Equal(t, int64(1), rdb.Copy(ctx, "h", "h", 5, false).Val())
	assert.Equal(t, int64(0), rdb.Copy(ctx, "h", "h", 5, false).Val())
	require.NoError(t, rdb.HSet(ctx, "h", "f", "changed").Err())
	db5 := redis.NewClient(&redis.Options{Addr: s.Addr, DB: 5})
	defer db5.Close()
	assert.Equal(t, "v", db5.HGet(ctx, "h", "f").Val(), "the copy does not share the source's fields")
	assert.Equal(t, time.Hour, db5.TTL(ctx, "h").Val())
	assert.Equal(t, int64(1), rdb.Copy(ctx, "h", "h", 5, true).Val())
	assert.Equal(t, "changed", db5.HGet(ctx, "h", "f").Val())
}

// TestKeyRandomKeyCoversShards: RANDOMKEY picks from every shard, not only the first.
func TestKeyRandomKeyCoversShards(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 8})
	rdb := s.Client(t, 2)
	keys := fillKeys(t, rdb, "r", 8)
	seen := map[string]bool{}
	for range 500 {
		k, err := rdb.RandomKey(t.Context()).Result()
		require.NoError(t, err)
		seen[k] = true
	}
	assert.Len(t, seen, len(keys))
}

// storedKeys counts the keys of db 0 the store holds, expired ones not yet removed included,
// as DBSIZE does.
func storedKeys(s *servertest.Server) int {
	n := 0
	for _, st := range s.Store.Stats(nil) {
		n += st.Keys[0]
	}
	return n
}

// TestExpireLazy: an expired key reads as missing at once, and a write to it removes it.
func TestExpireLazy(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	require.NoError(t, rdb.Set(ctx, "k", "v", 50*time.Millisecond).Err())
	require.NoError(t, rdb.Set(ctx, "keep", "v", 0).Err())
	require.Eventually(t, func() bool { return rdb.Exists(ctx, "k").Val() == 0 }, 2*time.Second, 5*time.Millisecond)
	assert.ErrorIs(t, rdb.Get(ctx, "k").Err(), redis.Nil)
	assert.Equal(t, time.Duration(-2), rdb.TTL(ctx, "k").Val())
	assert.Equal(t, []string{"keep"}, rdb.Keys(ctx, "*").Val())
	assert.True(t, rdb.SetNX(ctx, "k", "new", 0).Val(), "an expired key counts as missing for NX")
	assert.Equal(t, time.Duration(-1), rdb.TTL(ctx, "k").Val(), "the new value does not inherit the old expiry")
}

// TestExpireActive: keys with a short TTL that nobody touches leave the store by themselves.
func TestExpireActive(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 4})
	rdb := s.Client(t, 3)
	ctx := t.Context()
	fillKeys(t, rdb, "keep", 20)
	pipe := rdb.Pipeline()
	for i := range 500 {
		pipe.Set(ctx, fmt.Sprint("tmp:", i), "v", 50*time.Millisecond)
	}
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)
	require.Equal(t, 520, storedKeys(s))
	require.Eventually(t, func() bool { return storedKeys(s) == 20 }, 3*time.Second, 20*time.Millisecond,
		"expired keys still stored: %d", storedKeys(s))
	var expired int64
	for _, st := range s.Store.Stats(nil) {
		expired += st.ExpiredKeys
	}
	assert.Equal(t, int64(500), expired)
}

// TestExpireInPastDeletes: EXPIRE with a time already past deletes at once (it does not leave
// a key for the expiry cycle), including PEXPIREAT 0.
func TestExpireInPastDeletes(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	for _, cmd := range [][]any{{"EXPIRE", "k", "-1"}, {"PEXPIREAT", "k", "0"}, {"EXPIREAT", "k", "1"}, {"SET", "k", "v", "PXAT", "1"}} {
		require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
		require.NoError(t, rdb.Do(ctx, cmd...).Err())
		assert.Equal(t, 0, storedKeys(s), "%v", cmd)
	}
}
