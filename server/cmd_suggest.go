package server

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"darner/engine"
)

// The auto-complete commands: FT.SUGADD, FT.SUGGET, FT.SUGDEL and FT.SUGLEN. A suggestion
// dictionary is a key like any other (TYPE trietype0, in the database the command runs
// in), so these declare their key and lock its shard only, unlike the FT.* commands that
// read or change indexes.
//
// Their replies and errors are RediSearch's (src/suggest.c): errors raised by the module
// carry no ERR prefix ("Unknown argument `X`"), the score's does ("ERR invalid score").

func suggestCommands() []*Command {
	return []*Command{
		keyRange("search", "ft.sugadd", -4, FlagWrite|FlagDenyOOM, 1, "1.0.0",
			"Adds a string to an auto-complete dictionary, or changes its score.", cmdFTSugAdd),
		keyRange("search", "ft.sugget", -3, FlagReadonly, 1, "1.0.0",
			"Returns the best completions of a prefix from an auto-complete dictionary.", cmdFTSugGet),
		keyRange("search", "ft.sugdel", 3, FlagWrite, 1, "1.0.0",
			"Removes a string from an auto-complete dictionary.", cmdFTSugDel),
		keyRange("search", "ft.suglen", 2, FlagReadonly, 1, "1.0.0",
			"Returns the number of strings in an auto-complete dictionary.", cmdFTSugLen),
	}
}

// The limits RediSearch checks on its own, past the arity the table declares.
const (
	sugAddMaxArgs   = 7   // FT.SUGADD key string score INCR PAYLOAD p
	sugGetMaxArgs   = 10  // FT.SUGGET key prefix and at most 7 option words
	sugMaxPrefixLen = 200 // bytes: RediSearch's TRIE_MAX_PREFIX runes of 2 bytes
	sugDefaultMax   = 5
)

// FT.SUGADD key string score [INCR] [PAYLOAD payload]
//
// Replies with the dictionary's size. A string RediSearch does not take (empty, over 255
// runes or 512 bytes) leaves the dictionary as it was, but a new key is made all the same.
func cmdFTSugAdd(c *Ctx) {
	if len(c.Args) > sugAddMaxArgs {
		c.ArityErr()
		return
	}
	incr := false
	var payload []byte
	for i := 4; i < len(c.Args); i++ {
		switch arg := string(c.Args[i]); {
		case strings.EqualFold(arg, "INCR"):
			incr = true
		case strings.EqualFold(arg, "PAYLOAD"):
			if i+1 == len(c.Args) {
				c.Err("Invalid payload: Expected an argument, but none provided")
				return
			}
			i++
			payload = c.Args[i]
		default:
			c.Err(Error("Unknown argument `" + arg + "`"))
			return
		}
	}
	view, key := c.View(c.Args[1]), c.Key(1)
	o, err := view.GetType(key, engine.TypeSuggest)
	if err != nil {
		c.Err(errWrongType)
		return
	}
	score, ok := parseSugDouble(c.Args[3])
	if !ok {
		c.Err("ERR invalid score")
		return
	}
	var sg *engine.Suggest
	if o == nil {
		sg = engine.NewSuggest()
		sg.Add(c.Key(2), score, incr, payload)
		view.Set(key, sg, false)
	} else {
		sg = o.Value.(*engine.Suggest)
		sg.Add(c.Key(2), score, incr, payload)
		view.Modified(key, o)
	}
	c.W.Int(int64(sg.Len()))
}

// FT.SUGGET key prefix [FUZZY] [WITHSCORES] [WITHPAYLOADS] [MAX num] [TRIM] [OPTIMIZE]
//
// Replies with the completions, each followed by its rank (WITHSCORES) and its payload or
// nil (WITHPAYLOADS); an empty array when the key does not exist. OPTIMIZE is accepted and
// changes nothing, as in RediSearch.
func cmdFTSugGet(c *Ctx) {
	if len(c.Args) > sugGetMaxArgs {
		c.ArityErr()
		return
	}
	if len(c.Args[2]) > sugMaxPrefixLen {
		c.Err("Invalid query length")
		return
	}
	opt, withScores, withPayloads, errMsg := parseSugGet(c.Args[3:])
	if errMsg != "" {
		c.Err(errMsg)
		return
	}
	sg, ok := readSuggest(c)
	if !ok {
		return
	}
	if sg == nil {
		c.W.Array(0)
		return
	}
	res, err := sg.Complete(c.Key(2), opt)
	if errors.Is(err, engine.ErrSuggestQuery) {
		c.Err("Invalid query")
		return
	}
	per := 1
	if withScores {
		per++
	}
	if withPayloads {
		per++
	}
	c.W.Array(len(res) * per)
	for _, r := range res {
		c.W.BulkString(r.String)
		if withScores {
			c.W.Double(r.Score)
		}
		if withPayloads {
			if r.Payload == "" {
				c.W.Null()
			} else {
				c.W.BulkString(r.Payload)
			}
		}
	}
}

// parseSugGet reads FT.SUGGET's options, in any order and any case, a repeated one
// counting once (MAX: the last). The error is RediSearch's text.
func parseSugGet(args [][]byte) (opt engine.CompleteOptions, withScores, withPayloads bool, errMsg Error) {
	opt.Max = sugDefaultMax
	for i := 0; i < len(args); i++ {
		switch arg := string(args[i]); strings.ToUpper(arg) {
		case "FUZZY":
			opt.Fuzzy = true
		case "WITHSCORES":
			withScores = true
		case "WITHPAYLOADS":
			withPayloads = true
		case "TRIM":
			opt.Trim = true
		case "OPTIMIZE":
		case "MAX":
			if i+1 == len(args) {
				return opt, false, false, "MAX: Expected an argument, but none provided"
			}
			i++
			n, msg := parseSugMax(args[i])
			if msg != "" {
				return opt, false, false, Error("MAX: " + msg)
			}
			opt.Max = n
		default:
			return opt, false, false, Error("Unrecognized argument: " + arg)
		}
	}
	return opt, withScores, withPayloads, ""
}

// parseSugMax reads MAX's number as RediSearch's argument cursor reads an unsigned: an
// integer, or else any number, its fraction dropped; at least 1 and at most 2^32−1.
func parseSugMax(b []byte) (int, string) {
	const (
		parseErr = "Could not convert argument to expected type"
		limitErr = "Value is outside acceptable bounds"
	)
	n, ok := parseInt(b)
	if !ok {
		f, ok := parseSugDouble(b)
		if !ok {
			return 0, parseErr
		}
		switch {
		case f >= math.MaxInt64:
			n = math.MaxInt64
		case f < math.MinInt64:
			n = math.MinInt64
		default:
			n = int64(f)
		}
	}
	if n < 1 || n > math.MaxUint32 {
		return 0, limitErr
	}
	return int(n), ""
}

// parseSugDouble parses b as Redis' module API reads a double (RedisModule_StringToDouble):
// the whole string as C's strtod takes it, no leading space, no NaN, no overflow and no
// underflow to zero.
func parseSugDouble(b []byte) (float64, bool) {
	s := string(b)
	if s == "" || isCSpace(s[0]) || strings.ContainsRune(s, '_') {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	if f == 0 && hasNonZeroMantissa(s) {
		return 0, false
	}
	return f, true
}

// hasNonZeroMantissa reports whether the number s spells has a non-zero digit before its
// exponent, so that a value of 0 means it underflowed.
func hasNonZeroMantissa(s string) bool {
	s = strings.TrimLeft(s, "+-")
	hex := len(s) > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
	if hex {
		s = s[2:]
	}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case !hex && (ch == 'e' || ch == 'E'), hex && (ch == 'p' || ch == 'P'):
			return false
		case '1' <= ch && ch <= '9', hex && ('a' <= ch && ch <= 'f' || 'A' <= ch && ch <= 'F'):
			return true
		}
	}
	return false
}

// FT.SUGDEL key string
func cmdFTSugDel(c *Ctx) {
	view, key := c.View(c.Args[1]), c.Key(1)
	o, err := view.GetType(key, engine.TypeSuggest)
	if err != nil {
		c.Err(errWrongType)
		return
	}
	if o == nil {
		c.W.Int(0)
		return
	}
	sg := o.Value.(*engine.Suggest)
	found := sg.Delete(c.Key(2))
	// RediSearch deletes an emptied dictionary, and one left empty by FT.SUGADD.
	if sg.Len() == 0 {
		view.Delete(key)
	} else {
		view.Modified(key, o)
	}
	if found {
		c.W.Int(1)
	} else {
		c.W.Int(0)
	}
}

// FT.SUGLEN key
func cmdFTSugLen(c *Ctx) {
	sg, ok := readSuggest(c)
	if !ok {
		return
	}
	if sg == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(sg.Len()))
}

// readSuggest returns the dictionary at Args[1] for a read, nil when there is no such key.
// When the key holds another type it answers WRONGTYPE itself and returns ok=false.
func readSuggest(c *Ctx) (sg *engine.Suggest, ok bool) {
	o := c.View(c.Args[1]).Read(c.Key(1))
	if o == nil {
		return nil, true
	}
	sg, ok = o.Value.(*engine.Suggest)
	if !ok {
		c.Err(errWrongType)
	}
	return sg, ok
}
