// Package search is darner's RediSearch: index definitions (FT.CREATE's schema), the
// per-shard index parts that every write to a matching key keeps current, query execution
// over them, and the fan-out of a query to all shards with the merge of their answers.
//
// An Index is split into one part per shard; a part holds the documents of the keys its
// shard owns. The engine tells the Registry (an engine.Observer) of every change while it
// holds the shard's write lock; the Registry copies the values the indexes read into the
// shard's indexer queue, and the indexer's goroutine updates the parts in that order while
// the shard serves other commands. A reader of a part (a search, FT.INFO) holds the shard's
// lock and first waits for the indexer to apply what is queued, so a client that got
// HSET's reply finds the document in its next FT.SEARCH, and the part does not change while
// it is read. Searches read the parts of all shards in parallel.
//
// It is not the wire layer: the server package parses FT.* commands' framing and writes
// replies; this package takes typed requests and returns typed results. The query language
// lives in search/query.
package search
