// Package engine is darner's sharded keyspace: the shards, the mapping of keys to shards, the
// value types (strings, hashes, JSON documents, FT.SUGADD dictionaries), expiry, and the
// locking that makes single-key commands touch one shard and multi-key commands atomic
// across shards without deadlock.
//
// It is not the network layer (see package server) and knows nothing of RESP or of command
// names; it offers a Store, transactions (Tx) that lock the shards a command declares, and
// Views of one database on one shard through which every read and write goes. Because every
// mutation passes through a View, the View is also where observers (search indexes) and
// WATCHes learn about changes, and where a future snapshot will hook its copy-on-write.
//
// Lock order: shards are always locked in ascending shard index, each with its own RWMutex;
// a Tx takes all its locks up front and releases them together. Nothing inside a shard takes
// another shard's lock.
package engine

// Snapshots (planned, not built): because every write goes through a View, a point-in-time
// image can be taken the way Dragonfly does, without fork and without stopping writes. A
// snapshot walks each shard's dicts bucket by bucket with the Scan cursor, under the shard's
// lock for one bounded slice at a time; each Object gets a version, and a write to an entry
// the walk has not reached yet first serializes the old entry (a pre-write hook in View's
// mutation path, next to the observer call), so the image is that of the snapshot's start.
