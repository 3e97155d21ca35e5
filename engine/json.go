package engine

import "darner/jsonpath"

// JSON is a RedisJSON document: the root of a tree of jsonpath values (nil, bool, int64,
// float64, string, *jsonpath.Array, *jsonpath.Object). Commands change the tree in place
// through compiled paths, then tell the JSON what they did (Changed or Grew) before
// View.Modified, so that Size stays cheap after small writes: working out a large
// document's size again costs a walk of the whole tree.
//
// A JSON built as &JSON{Root: v} is valid; its size is worked out when first asked.
type JSON struct {
	Root any
	// size is jsonpath.MemSize(Root) while known, 0 while not (MemSize is never 0).
	size int64
}

// NewJSON returns a document holding root, its size already known.
func NewJSON(root any) *JSON {
	return &JSON{Root: root, size: int64(jsonpath.MemSize(root))}
}

// Type implements Value: TYPE answers ReJSON-RL.
func (j *JSON) Type() Type { return TypeJSON }

// Size implements Value. It is jsonpath.MemSize(Root), measured again only after a change
// reported with Changed. The measuring writes the cache, which is safe because every
// write path (View.Set, View.Modified) asks for the size under the shard's write lock:
// readers under a read lock find it known and only read it.
func (j *JSON) Size() int64 {
	if j.size == 0 {
		j.size = int64(jsonpath.MemSize(j.Root))
	}
	return j.size
}

// Changed reports a change to the tree whose effect on the size the caller does not know
// (a value replaced, removed or added anywhere): the next Size measures the tree again.
func (j *JSON) Changed() { j.size = 0 }

// Grew reports a change whose effect on MemSize the caller knows exactly, such as a
// string made longer by n bytes or a number replaced by another (0), so that Size stays
// known without a walk of the tree.
func (j *JSON) Grew(n int64) {
	if j.size != 0 {
		j.size += n
	}
}

// Clone implements Value with a deep copy, so that changing the copy leaves j alone.
func (j *JSON) Clone() Value {
	return &JSON{Root: jsonpath.Clone(j.Root), size: j.size}
}
