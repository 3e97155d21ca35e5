// Package rdb reads and writes Redis RDB files: a stream of entries (a key with its database,
// value and expiry) between a header and a CRC64 trailer. It knows the value types darner
// holds — strings, hashes, and darner's own JSON documents and suggestion dictionaries — plus
// opaque named blobs (index definitions) that are not keys; it is not a Redis object model,
// knows nothing of darner's engine, and refuses the Redis types darner does not have (lists,
// sets, sorted sets, streams, other modules' values) with an error naming the key, rather
// than guessing. The Decoder reads RDB versions 1 to 11 (Redis up to 7.2); the Encoder writes
// version 10, the newest that Redis 7.0 loads, so that its files load into Redis 7.0 and
// later as long as they hold only strings and hashes.
//
// # Darner's extensions
//
// Darner's own types travel in Redis' module framing, so that a real redis-server, which has
// no module of those names, stops with "no matching module type" instead of misreading
// them, and redis-check-rdb can still walk the file (module values are annotated with an
// opcode before each item). A module type id packs a 9-character name, 6 bits a character
// from the alphabet A-Z a-z 0-9 - _, above a 10-bit encoding version:
//
//	bit 63 … 10: name[0] name[1] … name[8]    bit 9 … 0: encoding version (1 today)
//
// A JSON document (key opcode RDB_TYPE_MODULE_2 = 7, module "darnerJSN"):
//
//	07 <key> <len: module id> 05 <string: JSON text> 00
//
// A suggestion dictionary (type 7, module "darnerSUG"), entries in the order given:
//
//	07 <key> <len: module id> 02 <len: n> { 05 <string> 03 <float32 LE score> 05 <payload> }×n 00
//
// A named blob that is not a key (opcode RDB_OPCODE_MODULE_AUX = 0xF7, module "darnerAUX";
// "when" is 1 before the first key, 2 after):
//
//	F7 <len: module id> 02 <len: when> 05 <string: name> 05 <string: data> 00
//
// Here <len> is an RDB length (6, 14, 32 or 64 bits), <string> an RDB string (raw, integer
// or LZF), 05/03/02/00 the module opcodes STRING, FLOAT, UINT and EOF.
package rdb
