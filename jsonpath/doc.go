// Package jsonpath is the JSON document model and path engine under darner's RedisJSON
// commands (JSON.SET, JSON.GET, JSON.DEL, JSON.NUMINCRBY, JSON.ARR*, JSON.MERGE, …) and,
// later, under JSON search indexes. A document is a tree of seven kinds of Go value, which
// a reply writer (JSON.RESP, RESP3 replies) walks with one type switch: nil (null), bool,
// int64 (integer), float64 (number), string, *Array and *Object. Objects keep their keys
// in insertion order; arrays and objects are changed in place, so a command can find a
// value with a compiled Path and change it where it lies. Parse reads strict JSON the way
// RedisJSON (serde_json) does; Serialize writes it back as RedisJSON prints it, including
// JSON.GET's INDENT/NEWLINE/SPACE layout. Compile understands both path syntaxes of
// RedisJSON: JSONPath (`$…`, every match, in RedisJSON's order) and the legacy 1.x syntax
// (`.a.b`, `a[0]`), which is evaluated as the equivalent JSONPath but whose caller replies
// with the first match only. Set, Delete and MergeAt carry RedisJSON's rules for
// creating, replacing and removing values. The package knows nothing of Redis networking,
// keys, locking or reply shapes: a document is guarded by whoever owns it, and a compiled
// Path is immutable and safe to share. Paths are parsed by a hand-written parser that
// follows RedisJSON's grammar rather than by ojg's jp, whose result order, negative index
// rule, key character set and filter semantics differ from RedisJSON's; *Object and
// *Array still implement jp.Keyed and jp.Indexed so ojg can walk a document. Compile has
// one entry production (parseQuery in path.go), where the computed paths search indexes
// will need, such as `length($.x)` or `max($.x[*].y)`, can be added as a wrapper around a
// Path.
package jsonpath
