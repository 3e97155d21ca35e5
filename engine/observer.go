package engine

// EventKind says what happened to a key.
type EventKind uint8

// Event kinds. A RENAME is a Delete of the old name and a Write of the new one; a flush of a
// database is one Flush event with an empty key.
const (
	EventWrite EventKind = iota + 1
	EventDelete
	EventExpire
	EventFlush
)

// Event is one change to a key, delivered while the shard's write lock is held, so an
// observer (a search index's part on that shard) changes in the same critical section as
// the data and a reader never sees one without the other.
type Event struct {
	Kind EventKind
	DB   int
	// Key may alias the command's argument bytes: an observer that keeps it must copy it.
	Key string
	// Object is the key's entry after a Write; nil otherwise. It must not be retained, nor
	// modified except for its Doc: read what is needed during the call.
	Object *Object
	// Created is set on a Write that made the key: no version of it existed before, so an
	// observer has nothing of it to take out first.
	Created bool
	// Doc is the deleted key's Object.Doc, on a Delete or Expire.
	Doc uint32
}

// Observer is told about every change on the shards it is registered with.
type Observer interface {
	Observe(shard int, ev Event)
}
