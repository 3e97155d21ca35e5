// Package dict is the hash table behind each database's keyspace and behind large hashes: a
// chained, power-of-two table of string keys that resizes incrementally, can be walked with a
// resumable integer cursor (SCAN, HSCAN) and sampled at random (RANDOMKEY, active expiry),
// none of which a Go map allows. It follows the design of Redis's dict.c; it is not safe for
// concurrent writers and knows nothing of Redis types, expiry or shards.
//
// # Concurrency
//
// Reads (Len, Get, Scan, Range, Random, Buckets, Rehashing) never modify the dict, so any
// number of them may run at once, e.g. under a shard's read lock. Unlike Redis, a lookup does
// not advance a rehash: only writes (Set, Upsert, Delete) and RehashStep do, and each of
// those needs exclusive access.
//
// # Incremental rehash
//
// A resize allocates the new table and then moves one bucket per write (visiting at most ten
// empty buckets to find it), so a table of millions of keys never pauses to rehash. Until the
// old table is empty both are live: lookups and deletes search both, inserts go to the new
// one, and every old bucket below rehashIdx is already empty.
//
//	ht[0] (old, 4 buckets)           ht[1] (new, 8 buckets)
//	[0] nil   moved                  [0] a
//	[1] nil   moved                  [1] nil
//	[2] c→g   ← rehashIdx            [2] nil
//	[3] d                            [3] nil
//	                                 [4] e
//	                                 [5] b→f
//	                                 [6] nil
//	                                 [7] h
//
// # Scan cursor
//
// The cursor is a bucket index whose bits are incremented from the top down (reverse the bits,
// add one, reverse back). For 8 buckets the order is 0 4 2 6 1 5 3 7. Bucket i of a table of
// size s holds exactly the keys that buckets i and i+s hold once the table doubles, and the
// order above visits both of those together with i; so when the table grows or shrinks between
// two calls the cursor still names the boundary between done and not-done, and no key present
// for the whole scan is missed (some may be returned twice). While rehashing, one step visits a
// bucket of the smaller table and then every bucket of the larger table that it expands to:
//
//	small (4): cursor 2 = 0b10           large (16): 0b0010, 0b0110, 0b1010, 0b1110
package dict
