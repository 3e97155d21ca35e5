package engine

import "sync/atomic"

// The hash encoding limits are server-wide, like Redis' hash-max-listpack-* settings, and
// CONFIG SET changes them while shards are serving: they are atomics, read by hashes under
// their shard's lock and written by CONFIG SET under none. A change applies to later
// writes; hashes already converted to a table stay converted, as in Redis.
var (
	hashListpackEntries = newLimit(512) // Redis 7's default (redis-server 7.0.15 reports 512)
	hashListpackValue   = newLimit(64)
)

func newLimit(n int64) *atomic.Int64 {
	var a atomic.Int64
	a.Store(n)
	return &a
}

// HashListpackEntries is the most fields a hash keeps in its small encoding
// (hash-max-listpack-entries).
func HashListpackEntries() int { return int(hashListpackEntries.Load()) }

// SetHashListpackEntries changes HashListpackEntries; n must not be negative.
func SetHashListpackEntries(n int) { hashListpackEntries.Store(int64(n)) }

// HashListpackValue is the longest field or value, in bytes, a hash keeps in its small
// encoding (hash-max-listpack-value).
func HashListpackValue() int { return int(hashListpackValue.Load()) }

// SetHashListpackValue changes HashListpackValue; n must not be negative.
func SetHashListpackValue(n int) { hashListpackValue.Store(int64(n)) }
