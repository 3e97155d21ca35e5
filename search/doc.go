// Package search is darner's RediSearch: index definitions (FT.CREATE's schema), the
// per-shard index parts that every write to a matching key keeps current, query execution
// over them, and the fan-out of a query to all shards with the merge of their answers.
//
// An Index is split into one part per shard; a part holds the documents of the keys its
// shard owns and is guarded by that shard's lock: the engine tells the Registry (an
// engine.Observer) of every change while it holds the shard's write lock, and a search
// reads the parts, in parallel, while the FT command holds every shard's lock (read, or
// write inside MULTI/EXEC). So a write and its index update are one critical section, and a
// client that got HSET's reply finds the document in its next FT.SEARCH.
//
// It is not the wire layer: the server package parses FT.* commands' framing and writes
// replies; this package takes typed requests and returns typed results. The query language
// lives in search/query.
package search
