package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"darner/server"
	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStringReplyShapes checks that go-redis decodes each string command's reply into the
// type it expects, nulls included, under both protocols. Byte-exact replies are the
// oracle's job (testdata/oracle/strings.txt).
func TestStringReplyShapes(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		t.Run(fmt.Sprint("RESP", proto), func(t *testing.T) {
			ctx := t.Context()
			rdb := s.Client(t, proto)
			require.NoError(t, rdb.FlushAll(ctx).Err())

			assert.ErrorIs(t, rdb.Get(ctx, "nokey").Err(), redis.Nil)
			assert.ErrorIs(t, rdb.SetArgs(ctx, "k", "v1", redis.SetArgs{Get: true}).Err(), redis.Nil)
			old, err := rdb.SetArgs(ctx, "k", "v2", redis.SetArgs{Get: true}).Result()
			require.NoError(t, err)
			assert.Equal(t, "v1", old)
			assert.ErrorIs(t, rdb.SetArgs(ctx, "k", "v3", redis.SetArgs{Mode: "NX"}).Err(), redis.Nil)
			assert.ErrorIs(t, rdb.SetArgs(ctx, "nokey", "v", redis.SetArgs{Mode: "XX"}).Err(), redis.Nil)
			assert.Equal(t, "OK", rdb.SetArgs(ctx, "k", "v3", redis.SetArgs{Mode: "XX", KeepTTL: true}).Val())

			assert.ErrorIs(t, rdb.GetEx(ctx, "nokey", time.Minute).Err(), redis.Nil)
			assert.Equal(t, "v3", rdb.GetEx(ctx, "k", time.Minute).Val())
			assert.Equal(t, time.Minute, rdb.TTL(ctx, "k").Val())
			assert.ErrorIs(t, rdb.GetDel(ctx, "nokey").Err(), redis.Nil)
			assert.ErrorIs(t, rdb.GetSet(ctx, "gs", "1").Err(), redis.Nil)
			assert.Equal(t, "1", rdb.GetDel(ctx, "gs").Val())

			require.NoError(t, rdb.MSet(ctx, "a", "1", "c", "3").Err())
			assert.Equal(t, []any{"1", nil, "3", nil}, rdb.MGet(ctx, "a", "b", "c", "nokey").Val())
			assert.False(t, rdb.MSetNX(ctx, "a", "x", "b", "y").Val())
			assert.True(t, rdb.MSetNX(ctx, "b", "2", "d", "4").Val())
			assert.True(t, rdb.SetNX(ctx, "e", "5", 0).Val())
			assert.False(t, rdb.SetNX(ctx, "e", "5", 0).Val())

			assert.Equal(t, int64(2), rdb.Incr(ctx, "a").Val())
			assert.Equal(t, int64(-8), rdb.DecrBy(ctx, "a", 10).Val())
			assert.Equal(t, -7.5, rdb.IncrByFloat(ctx, "a", 0.5).Val())
			assert.Equal(t, int64(5), rdb.Append(ctx, "ap", "hello").Val())
			assert.Equal(t, int64(5), rdb.StrLen(ctx, "ap").Val())
			assert.Equal(t, "ell", rdb.GetRange(ctx, "ap", 1, 3).Val())
			r, err := rdb.GetRange(ctx, "nokey", 0, -1).Result()
			require.NoError(t, err, "GETRANGE of a missing key is an empty string, not a null")
			assert.Equal(t, "", r)
			assert.Equal(t, int64(7), rdb.SetRange(ctx, "ap", 5, "!!").Val())
		})
	}
}

// TestStringWrongType: every string command refuses a hash, and MGET answers null for it.
func TestStringWrongType(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	rdb := s.Client(t, 3)
	require.NoError(t, rdb.HSet(ctx, "h", "f", "v").Err())
	for _, cmd := range [][]any{
		{"GET", "h"}, {"SET", "h", "v", "GET"}, {"GETSET", "h", "v"}, {"GETDEL", "h"}, {"GETEX", "h"},
		{"INCR", "h"}, {"DECRBY", "h", "2"}, {"INCRBYFLOAT", "h", "1"}, {"APPEND", "h", "x"},
		{"STRLEN", "h"}, {"GETRANGE", "h", "0", "1"}, {"SETRANGE", "h", "0", "x"},
	} {
		err := rdb.Do(ctx, cmd...).Err()
		require.Error(t, err, "%v", cmd)
		assert.True(t, strings.HasPrefix(err.Error(), "WRONGTYPE "), "%v: %v", cmd, err)
	}
	assert.Equal(t, []any{nil}, rdb.MGet(ctx, "h").Val())
	assert.Equal(t, "hash", rdb.Type(ctx, "h").Val(), "the refused writes left the hash alone")
}

// TestStringSizeLimit uses a small proto-max-bulk-len to reach the limit APPEND and
// SETRANGE enforce, which the oracle cannot do without 512 MB strings.
func TestStringSizeLimit(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.ProtoMaxBulkLen = 100 }})
	ctx := t.Context()
	rdb := s.Client(t, 2)
	const tooBig = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	require.NoError(t, rdb.Set(ctx, "k", strings.Repeat("x", 90), 0).Err())
	assert.Equal(t, int64(100), rdb.Append(ctx, "k", strings.Repeat("y", 10)).Val(), "exactly the limit is allowed")
	assert.EqualError(t, rdb.Append(ctx, "k", "z").Err(), tooBig)
	assert.EqualError(t, rdb.SetRange(ctx, "k", 100, "z").Err(), tooBig)
	assert.Equal(t, int64(100), rdb.SetRange(ctx, "k", 99, "z").Val())
	assert.EqualError(t, rdb.SetRange(ctx, "new", 98, "abc").Err(), tooBig)
	assert.Equal(t, int64(0), rdb.Exists(ctx, "new").Val())
	assert.Equal(t, int64(100), rdb.StrLen(ctx, "k").Val())
}

// TestStringWritesKeepOrDropTTL: in-place changes keep the expiry, replacing writes drop it.
func TestStringWritesKeepOrDropTTL(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	rdb := s.Client(t, 2)
	keeps := map[string]func(){
		"INCR":        func() { rdb.Incr(ctx, "k") },
		"INCRBYFLOAT": func() { rdb.IncrByFloat(ctx, "k", 1.5) },
		"APPEND":      func() { rdb.Append(ctx, "k", "0") },
		"SETRANGE":    func() { rdb.SetRange(ctx, "k", 0, "2") },
		"SET KEEPTTL": func() { rdb.SetArgs(ctx, "k", "3", redis.SetArgs{KeepTTL: true}) },
		"GETEX":       func() { rdb.Do(ctx, "GETEX", "k") },
	}
	drops := map[string]func(){
		"SET":           func() { rdb.Set(ctx, "k", "1", 0) },
		"GETSET":        func() { rdb.GetSet(ctx, "k", "1") },
		"MSET":          func() { rdb.MSet(ctx, "k", "1") },
		"GETEX PERSIST": func() { rdb.Do(ctx, "GETEX", "k", "PERSIST") },
	}
	for name, op := range keeps {
		require.NoError(t, rdb.Set(ctx, "k", "1", time.Hour).Err())
		op()
		assert.Equal(t, time.Hour, rdb.TTL(ctx, "k").Val(), name)
	}
	for name, op := range drops {
		require.NoError(t, rdb.Set(ctx, "k", "1", time.Hour).Err())
		op()
		assert.Equal(t, time.Duration(-1), rdb.TTL(ctx, "k").Val(), name)
	}
}

// TestStringMultiKeyAcrossShards: MSET, MSETNX and MGET over keys on every shard are atomic
// and see each other's writes.
func TestStringMultiKeyAcrossShards(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 8})
	ctx := t.Context()
	rdb := s.Client(t, 3)
	var kv []any
	var keys []string
	shards := map[int]bool{}
	for i := 0; len(shards) < 8; i++ {
		k := fmt.Sprint("key", i)
		shards[s.Store.ShardOf([]byte(k))] = true
		keys = append(keys, k)
		kv = append(kv, k, i)
	}
	require.NoError(t, rdb.MSet(ctx, kv...).Err())
	got := rdb.MGet(ctx, keys...).Val()
	for i := range keys {
		assert.Equal(t, fmt.Sprint(i), got[i])
	}
	assert.False(t, rdb.MSetNX(ctx, "fresh", "1", keys[len(keys)-1], "x").Val())
	assert.Equal(t, int64(0), rdb.Exists(ctx, "fresh").Val(), "a refused MSETNX writes nothing")
}
