package engine

import "darner/engine/dict"

// NumDBs is the number of logical databases (SELECT 0–15).
const NumDBs = 16

// Object is a key's entry in a database: its value and its expiry.
type Object struct {
	Value Value
	// Expire is the absolute expiry time in Unix milliseconds; 0 means the key persists.
	Expire int64
	// Doc belongs to observers: the search registry numbers the keys of database 0 it
	// indexes here (0: none yet). It stays across overwrites of the key and goes with it;
	// the engine only reports it in the key's Delete or Expire event.
	Doc uint32
	// snap is the epoch of the background snapshot that has yet to read this entry (see
	// snapshot.go), 0 when none; it fills what would be padding after Doc.
	snap uint32
	// size is what this entry adds to its shard's memory count; kept so that a change can
	// be accounted by difference.
	size int64
}

// objectOverhead approximates the bookkeeping bytes of one key (dict node, Object, headers).
const objectOverhead = 64

// db is one logical database's slice of the keyspace on one shard. It is guarded by its
// shard's mutex; it is only reached through a View.
type db struct {
	keys *dict.Dict[Object]
	// volatile holds the keys that have an expiry, so the active expiry cycle can sample
	// them without walking persistent keys.
	volatile *dict.Dict[struct{}]
}

func newDB() *db {
	return &db{keys: dict.New[Object](0), volatile: dict.New[struct{}](0)}
}
