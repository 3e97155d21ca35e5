package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"darner/server/servertest"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Many clients move value between accounts spread over all shards, with MULTI transfers,
// WATCH-guarded read-modify-writes, MSET regroupings and RENAMENX hops, while readers check
// invariants with single atomic multi-key reads. Run with -race.
func TestConcurrentCrossShardInvariants(t *testing.T) {
	const (
		accounts = 16
		initial  = 1000
		tokens   = 8
		workers  = 12
		duration = 1500 * time.Millisecond
	)
	s := servertest.Start(t, servertest.Options{Shards: 4})
	ctx := t.Context()
	setup := s.Client(t, 2)
	acct := make([]string, accounts)
	for i := range acct {
		acct[i] = "acct:" + strconv.Itoa(i)
		require.NoError(t, setup.Set(ctx, acct[i], initial, 0).Err())
	}
	slots := make([]string, 2*tokens) // tokens hop between these names; half are empty
	for i := range slots {
		slots[i] = "tok:" + strconv.Itoa(i)
		if i < tokens {
			require.NoError(t, setup.Set(ctx, slots[i], "x", 0).Err())
		}
	}
	group := []string{"g:a", "g:b", "g:c", "g:d", "g:e"}

	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	report := func(err error) {
		if err != nil && ctx.Err() == nil {
			select {
			case errs <- err:
			default:
			}
		}
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rdb := s.Client(t, 2+w%2)
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for ctx.Err() == nil {
				a, b := acct[rng.IntN(accounts)], acct[rng.IntN(accounts)]
				switch rng.IntN(4) {
				case 0: // blind transfer inside MULTI
					_, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.DecrBy(ctx, a, 3)
						p.IncrBy(ctx, b, 3)
						return nil
					})
					report(err)
				case 1: // WATCH, read, write back
					err := rdb.Watch(ctx, func(tx *redis.Tx) error {
						va, err := tx.Get(ctx, a).Int()
						if err != nil {
							return err
						}
						vb, err := tx.Get(ctx, b).Int()
						if err != nil {
							return err
						}
						_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
							if a == b {
								return nil
							}
							p.Set(ctx, a, va-5, 0)
							p.Set(ctx, b, vb+5, 0)
							return nil
						})
						return err
					}, a, b)
					if err != redis.TxFailedErr {
						report(err)
					}
				case 2: // regroup: all members always equal
					v := rng.Int64()
					args := make([]any, 0, 2*len(group))
					for _, g := range group {
						args = append(args, g, v)
					}
					report(rdb.MSet(ctx, args...).Err())
				case 3: // hop a token to a free name
					from, to := slots[rng.IntN(len(slots))], slots[rng.IntN(len(slots))]
					err := rdb.RenameNX(ctx, from, to).Err()
					if err != nil && err.Error() != "ERR no such key" {
						report(err)
					}
				}
			}
		}()
	}
	// Readers: each check is one atomic multi-key command.
	wg.Add(1)
	go func() {
		defer wg.Done()
		rdb := s.Client(t, 3)
		for ctx.Err() == nil {
			report(checkInvariants(ctx, rdb, acct, slots, group, accounts*initial, tokens))
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.NoError(t, checkInvariants(t.Context(), setup, acct, slots, group, accounts*initial, tokens))
}

func checkInvariants(ctx context.Context, rdb *redis.Client, acct, slots, group []string, total, tokens int) error {
	vals, err := rdb.MGet(ctx, acct...).Result()
	if err != nil {
		return err
	}
	sum := 0
	for _, v := range vals {
		n, err := strconv.Atoi(v.(string))
		if err != nil {
			return err
		}
		sum += n
	}
	if sum != total {
		return fmt.Errorf("sum of accounts is %d, want %d", sum, total)
	}
	n, err := rdb.Exists(ctx, slots...).Result()
	if err != nil {
		return err
	}
	if int(n) != tokens {
		return fmt.Errorf("%d tokens exist, want %d", n, tokens)
	}
	g, err := rdb.MGet(ctx, group...).Result()
	if err != nil {
		return err
	}
	for _, v := range g[1:] {
		if v != g[0] {
			return fmt.Errorf("group torn: %v", g)
		}
	}
	return nil
}

func TestPipelining(t *testing.T) {
	s := servertest.Start(t, servertest.Options{})
	for _, proto := range servertest.Protocols {
		rdb := s.Client(t, proto)
		ctx := t.Context()
		p := rdb.Pipeline()
		for i := range 1000 {
			p.Set(ctx, "p"+strconv.Itoa(i), i, 0)
		}
		gets := make([]*redis.StringCmd, 1000)
		for i := range gets {
			gets[i] = p.Get(ctx, "p"+strconv.Itoa(i))
		}
		_, err := p.Exec(ctx)
		require.NoError(t, err)
		for i, g := range gets {
			assert.Equal(t, strconv.Itoa(i), g.Val())
		}
	}
}
