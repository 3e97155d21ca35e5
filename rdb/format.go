package rdb

import "strings"

// Versions: what the Decoder accepts, and what the Encoder writes. Redis 7.0 writes 10 and
// refuses anything newer; 7.2 writes 11.
const (
	MinVersion   = 1
	MaxVersion   = 11
	WriteVersion = 10
)

// Opcodes that may stand where a value type byte is expected.
const (
	opSlotInfo      = 0xF4 // Redis 7.4+ cluster slot sizes (never in a version ≤ 11 file)
	opFunction2     = 0xF5 // a function library's code
	opFunctionPreGA = 0xF6 // 7.0 release candidates' function format
	opModuleAux     = 0xF7 // module data that is not a key
	opIdle          = 0xF8 // LRU idle time of the next key
	opFreq          = 0xF9 // LFU counter of the next key
	opAux           = 0xFA // name/value pair about the file
	opResizeDB      = 0xFB // sizes of the current database
	opExpireMs      = 0xFC // expiry of the next key, unix ms
	opExpireSec     = 0xFD // expiry of the next key, unix seconds (before RDB 3)
	opSelectDB      = 0xFE
	opEOF           = 0xFF
)

// Value types.
const (
	typeString        = 0
	typeList          = 1
	typeSet           = 2
	typeZset          = 3
	typeHash          = 4
	typeZset2         = 5
	typeModulePreGA   = 6
	typeModule2       = 7
	typeHashZipmap    = 9
	typeListZiplist   = 10
	typeSetIntset     = 11
	typeZsetZiplist   = 12
	typeHashZiplist   = 13
	typeListQuicklist = 14
	typeStream        = 15
	typeHashListpack  = 16
	typeZsetListpack  = 17
	typeListQuick2    = 18
	typeStream2       = 19
	typeSetListpack   = 20
	typeStream3       = 21
)

// typeName names the Redis type behind an RDB value type, for errors about types darner
// cannot hold; "" for bytes that are no value type at all.
func typeName(t byte) string {
	switch t {
	case typeString:
		return "string"
	case typeHash, typeHashZipmap, typeHashZiplist, typeHashListpack:
		return "hash"
	case typeList, typeListZiplist, typeListQuicklist, typeListQuick2:
		return "list"
	case typeSet, typeSetIntset, typeSetListpack:
		return "set"
	case typeZset, typeZset2, typeZsetZiplist, typeZsetListpack:
		return "sorted set"
	case typeStream, typeStream2, typeStream3:
		return "stream"
	case typeModulePreGA, typeModule2:
		return "module value"
	}
	return ""
}

// Module value opcodes: every item a module saves is preceded by one.
const (
	modEOF    = 0
	modSInt   = 1
	modUInt   = 2
	modFloat  = 3
	modDouble = 4
	modString = 5
)

// When a MODULE_AUX block is written, relative to the keys.
const (
	auxBeforeKeys = 1
	auxAfterKeys  = 2
)

// Darner's module types: version 1 of each encoding.
var (
	moduleJSON    = moduleID("darnerJSN", 1)
	moduleSuggest = moduleID("darnerSUG", 1)
	moduleAux     = moduleID("darnerAUX", 1)
)

const moduleCharset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// moduleID packs a 9-character module type name and a 10-bit encoding version the way
// Redis does, so that Redis can name the module it is missing.
func moduleID(name string, encver uint64) uint64 {
	if len(name) != 9 || encver > 1023 {
		panic("rdb: bad module type " + name)
	}
	var id uint64
	for i := 0; i < len(name); i++ {
		p := strings.IndexByte(moduleCharset, name[i])
		if p < 0 {
			panic("rdb: bad module type " + name)
		}
		id = id<<6 | uint64(p)
	}
	return id<<10 | encver
}

// moduleName unpacks the name from a module type id.
func moduleName(id uint64) string {
	var b [9]byte
	id >>= 10
	for i := 8; i >= 0; i-- {
		b[i] = moduleCharset[id&63]
		id >>= 6
	}
	return string(b[:])
}

// sameModule reports whether two ids name the same module type, whatever their versions.
func sameModule(a, b uint64) bool { return a>>10 == b>>10 }
