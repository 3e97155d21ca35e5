package engine

import (
	"context"
	"time"
)

// Active expiry, after Redis' activeExpireCycle: ten times a second each shard samples keys
// that have an expiry and removes the expired ones, repeating while more than a quarter of a
// sample was expired, but never holding a shard's lock for more than expireSlice.
const (
	expireHz     = 10
	expireSample = 20
	expireSlice  = time.Millisecond

	rehashStepBuckets = 1000
)

func (s *Store) expiryLoop(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(time.Second / expireHz)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, sh := range s.shards {
				s.expireShard(sh)
			}
		}
	}
}

// expireShard runs one bounded cycle on sh and returns how many keys it removed.
func (s *Store) expireShard(sh *shard) int {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	start := time.Now()
	clk := clock{ms: start.UnixMilli()}
	removed := 0
	src := newSource()
	for d := range sh.dbs {
		// Reads never advance a rehash (they run under shared locks), so a read-mostly
		// shard would keep two tables; the cycle moves the rehash along meanwhile.
		sh.dbs[d].keys.RehashStep(rehashStepBuckets)
		v := View{sh: sh, db: sh.dbs[d], index: d, write: true, clk: &clk}
		for v.db.volatile.Len() > 0 {
			expired := 0
			for range expireSample {
				k, _, ok := v.db.volatile.Random(src)
				if !ok {
					break
				}
				if v.Get(k) == nil { // Get removes it when expired
					expired++
				}
			}
			removed += expired
			if expired*4 <= expireSample || time.Since(start) > expireSlice {
				break
			}
		}
		if time.Since(start) > expireSlice {
			break
		}
	}
	return removed
}
