package server_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMultiExecErrors(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	runExchanges(t, s.Addr, []exchange{
		{"EXEC", "-ERR EXEC without MULTI\r\n"},
		{"DISCARD", "-ERR DISCARD without MULTI\r\n"},
		{"MULTI", "+OK\r\n"},
		{"MULTI", "-ERR MULTI calls can not be nested\r\n"},
		{"WATCH k", "-ERR WATCH inside MULTI is not allowed\r\n"},
		{"SET k v", "+QUEUED\r\n"},
		{"DISCARD", "+OK\r\n"},
		{"GET k", "$-1\r\n"},
		{"MULTI", "+OK\r\n"},
		{"SET k v", "+QUEUED\r\n"},
		{"NOSUCH", "-ERR unknown command 'NOSUCH', with args beginning with: \r\n"},
		{"GET", "-ERR wrong number of arguments for 'get' command\r\n"},
		{"EXEC", "-EXECABORT Transaction discarded because of previous errors.\r\n"},
		{"GET k", "$-1\r\n"},
		{"MULTI", "+OK\r\n"},
		{"EXEC", "*0\r\n"},
	})
}

func TestMultiExecAcrossShards(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 8})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		ctx := t.Context()
		cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
				p.Set(ctx, k, k+"1", 0)
			}
			p.Get(ctx, "a")
			p.Get(ctx, "missing")
			return nil
		})
		require.ErrorIs(t, err, redis.Nil) // the last GET is nil
		assert.Len(t, cmds, 8)
		assert.Equal(t, "a1", cmds[6].(*redis.StringCmd).Val())
		assert.Equal(t, "f1", rdb.Get(ctx, "f").Val())
	}
}

func TestWatch(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	ctx := t.Context()
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		other := s.Client(t, proto)
		require.NoError(t, rdb.Set(ctx, "w", "0", 0).Err())

		// Untouched: EXEC runs.
		err := rdb.Watch(ctx, func(tx *redis.Tx) error {
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "w", "1", 0)
				return nil
			})
			return err
		}, "w")
		require.NoError(t, err)
		assert.Equal(t, "1", rdb.Get(ctx, "w").Val())

		// Touched by another client between WATCH and EXEC: EXEC answers nil.
		err = rdb.Watch(ctx, func(tx *redis.Tx) error {
			require.NoError(t, other.Set(ctx, "w", "other", 0).Err())
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "w", "2", 0)
				return nil
			})
			return err
		}, "w")
		assert.ErrorIs(t, err, redis.TxFailedErr)
		assert.Equal(t, "other", rdb.Get(ctx, "w").Val())

		// Deleting a watched key counts as touching it; a missing key that stays missing does not.
		err = rdb.Watch(ctx, func(tx *redis.Tx) error {
			require.NoError(t, other.Del(ctx, "w").Err())
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "w", "3", 0)
				return nil
			})
			return err
		}, "w")
		assert.ErrorIs(t, err, redis.TxFailedErr)
		err = rdb.Watch(ctx, func(tx *redis.Tx) error {
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "w", "4", 0)
				return nil
			})
			return err
		}, "nothere")
		require.NoError(t, err)
	}
	runExchanges(t, s.Addr, []exchange{
		{"WATCH x", "+OK\r\n"},
		{"UNWATCH", "+OK\r\n"},
		{"MULTI", "+OK\r\n"},
		{"EXEC", "*0\r\n"},
	})
}

// Regression: INFO queued in MULTI used to take shard locks out of order inside EXEC and
// could deadlock against a concurrent FLUSHALL.
func TestInfoInExecWithConcurrentFlush(t *testing.T) {
	s := servertest.Start(t, servertest.Options{Shards: 8})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	flusher := s.Client(t, 2)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			flusher.FlushAll(ctx)
			flusher.MSet(ctx, "a", 1, "b", 2, "c", 3, "d", 4)
		}
	}()
	rdb := s.Client(t, 3)
	for i := range 300 {
		_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "k"+strconv.Itoa(i%7), i, 0)
			p.Info(ctx, "keyspace")
			return nil
		})
		require.NoError(t, err, "round %d", i)
	}
	cancel()
	<-done
}

// A watched key that expires before EXEC aborts the transaction, as in Redis 7, even when
// nothing has removed it yet.
func TestWatchedKeyExpiringAbortsExec(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	rdb := s.Client(t, 2)
	ctx := t.Context()
	require.NoError(t, rdb.Set(ctx, "k", 1, 30*time.Millisecond).Err())
	err := rdb.Watch(ctx, func(tx *redis.Tx) error {
		time.Sleep(60 * time.Millisecond) // let k expire
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "k", 2, 0)
			return nil
		})
		return err
	}, "k")
	assert.ErrorIs(t, err, redis.TxFailedErr)
}
