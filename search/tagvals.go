package search

import (
	"errors"
	"slices"

	"darner/engine"
)

// Errors of FT.TAGVALS; their texts are RediSearch's replies (sent without "ERR").
var (
	ErrNoSuchField = errors.New("No such field")
	ErrNotTagField = errors.New("Not a tag field")
)

// TagValues returns the distinct values the TAG attribute field holds over the whole index
// (FT.TAGVALS), as they are indexed: lower-cased unless CASESENSITIVE, trimmed, split at the
// separator. They come in byte order, the order of RediSearch's tag trie. A value stays
// listed while some document holds it, including documents whose TTL has passed but which
// the engine has not deleted yet (RediSearch keeps them until its garbage collector runs).
// tx must hold every shard.
func (idx *Index) TagValues(tx *engine.Tx, field string) ([]string, error) {
	f := idx.Def.Field(field)
	if f == nil {
		return nil, ErrNoSuchField
	}
	if f.Type != Tag {
		return nil, ErrNotTagField
	}
	seen := map[string]bool{}
	var out []string
	for id, p := range idx.parts {
		_ = tx.ShardView(0, id) // asserts that tx holds the shard
		p.settle()
		for v := range p.tags[f.slot].ids {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}
