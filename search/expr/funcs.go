package expr

import (
	"fmt"
	"math"
	"strings"
)

// fnKind marks the functions the evaluator runs itself.
type fnKind uint8

const (
	fnPlain        fnKind = iota
	fnCase                // evaluates one branch only
	fnExists              // takes a missing property
	fnIsMissing           // exists() negated (a darner extension: redis-om-spring sends it)
	fnMatchedTerms        // reads the row's matched terms
)

// function is one function of the expression language (RediSearch's
// aggregate/functions/*.c). A function has either unary, for one argument and no
// failure (no allocation on the evaluation path), or call.
type function struct {
	name     string
	min, max int
	kind     fnKind
	unary    func(Value) Value
	call     func(args []Value) (Value, *Error)
	// keepsValue: an error the call reports is recorded (failing the query) but the call
	// still gives its value, as RediSearch's geodistance does.
	keepsValue bool
}

// functions by lower-case name; RediSearch looks names up without regard to case.
var functions = indexFunctions([]*function{
	{name: "abs", unary: mathFn(math.Abs)},
	{name: "ceil", unary: mathFn(math.Ceil)},
	{name: "exp", unary: mathFn(math.Exp)},
	{name: "floor", unary: mathFn(math.Floor)},
	{name: "log", unary: mathFn(math.Log)},
	{name: "log2", unary: mathFn(math.Log2)},
	{name: "sqrt", unary: mathFn(math.Sqrt)},

	{name: "lower", unary: caseFn('A', 'Z', 'a'-'A')},
	{name: "upper", unary: caseFn('a', 'z', 'A'-'a')},
	{name: "substr", min: 3, max: 3, call: substr},
	{name: "format", min: 1, max: 65535, call: format},
	{name: "split", min: 1, max: 3, call: split},
	{name: "matched_terms", min: 0, max: 1, kind: fnMatchedTerms},
	{name: "to_number", call: toNumber},
	{name: "to_str", unary: toStr},
	{name: "exists", kind: fnExists},
	{name: "ismissing", kind: fnIsMissing},
	{name: "case", min: 3, max: 3, kind: fnCase},
	{name: "startswith", min: 2, max: 2, call: startsWith},
	{name: "contains", min: 2, max: 2, call: contains},
	{name: "strlen", call: strlen},

	{name: "timefmt", min: 1, max: 2, call: timefmt},
	{name: "parsetime", min: 2, max: 2, call: parsetime},
	{name: "hour", unary: timeFn(hourStart)},
	{name: "minute", unary: minuteStart},
	{name: "day", unary: timeFn(dayStart)},
	{name: "month", unary: timeFn(monthStart)},
	{name: "monthofyear", unary: timeFn(func(t civil) float64 { return float64(t.mon) })},
	{name: "year", unary: timeFn(func(t civil) float64 { return float64(t.year) })},
	{name: "dayofmonth", unary: timeFn(func(t civil) float64 { return float64(t.mday) })},
	{name: "dayofweek", unary: timeFn(func(t civil) float64 { return float64(t.wday) })},
	{name: "dayofyear", unary: timeFn(func(t civil) float64 { return float64(t.yday) })},

	{name: "geodistance", min: 2, max: 4, call: geodistance, keepsValue: true},
})

// indexFunctions maps the functions by name; min and max default to one argument.
func indexFunctions(fs []*function) map[string]*function {
	m := make(map[string]*function, len(fs))
	for _, f := range fs {
		if f.max == 0 && f.kind != fnMatchedTerms {
			f.min, f.max = 1, 1
		}
		m[f.name] = f
	}
	return m
}

// mathFn is a one-argument math function: an argument that is not a number gives NaN.
func mathFn(f func(float64) float64) func(Value) Value {
	return func(v Value) Value {
		d, ok := v.ToNumber()
		if !ok {
			return Num(math.NaN())
		}
		return Num(cNaN(f(d), d))
	}
}

// caseFn maps the ASCII letters lo..hi by delta, as C's tolower/toupper do in the C
// locale; a non-string gives null.
func caseFn(lo, hi byte, delta int) func(Value) Value {
	return func(v Value) Value {
		if v.Kind != String {
			return Value{}
		}
		b := []byte(v.Str)
		for i, c := range b {
			if c >= lo && c <= hi {
				b[i] = byte(int(c) + delta)
			}
		}
		return Str(string(b))
	}
}

// typeError is RediSearch's VALIDATE_ARG error, the C macro's text and all.
func typeError(fn string, args []Value, i int, verifier, varg string) *Error {
	return evalError(fmt.Sprintf("Invalid type (%d) for argument %d in function '%s'. %s(v, %s) was false.",
		typeCode(args[i]), i, fn, verifier, varg))
}

func wantString(fn string, args []Value, i int) *Error {
	if args[i].Kind == String {
		return nil
	}
	return typeError(fn, args, i, "VALIDATE_ARG__STRING", "0")
}

func wantType(fn string, args []Value, i int, k Kind, kname string) *Error {
	if args[i].Kind == k {
		return nil
	}
	return typeError(fn, args, i, "VALIDATE_ARG__TYPE", kname)
}

// substr(s, offset, count): bytes of s from offset (from the end when negative; one
// before the start clamps to the end, as RediSearch's unsigned comparison does) for count
// bytes (to the end less -count when negative). offset and count must be numbers.
func substr(args []Value) (Value, *Error) {
	if err := wantType("substr", args, 1, Number, "RSValueType_Number"); err != nil {
		return Value{}, err
	}
	if err := wantType("substr", args, 2, Number, "RSValueType_Number"); err != nil {
		return Value{}, err
	}
	if args[0].Kind != String {
		return Value{}, evalError("Invalid type for substr. Expected string")
	}
	s := args[0].Str
	sz := int64(len(s))
	off, n := cInt(args[1].Num), cInt(args[2].Num)
	if off < 0 {
		off += sz
	}
	if off < 0 || off > sz {
		off = sz
	}
	if n < 0 {
		n = max(0, sz-off+n)
	}
	if off+n > sz {
		n = sz - off
	}
	return Str(s[off : off+n]), nil
}

// cInt is C's (int) conversion of d as x86 does it: truncation, and INT_MIN for NaN and
// values out of range.
func cInt(d float64) int64 {
	if d > -2147483649 && d < 2147483648 {
		return int64(int32(d))
	}
	return math.MinInt32
}

// format(fmt, args...): %s is the next argument (a number as Format prints it, null as
// "(null)", an array as nothing), %% a percent sign; anything else is an error.
func format(args []Value) (Value, *Error) {
	if err := wantString("format", args, 0); err != nil {
		return Value{}, err
	}
	f := args[0].Str
	var b strings.Builder
	next := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if i == len(f)-1 {
			return Value{}, evalError("Bad format string!")
		}
		i++
		if f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		if next == len(args) {
			return Value{}, evalError("Not enough arguments for format")
		}
		if f[i] != 's' {
			return Value{}, evalError("Unknown format specifier passed")
		}
		a := args[next]
		next++
		switch a.Kind {
		case Null:
			b.WriteString("(null)")
		case String, Number:
			b.WriteString(a.Format())
		}
	}
	return Str(b.String()), nil
}

// split(s [, sep [, strip]]): s cut at any byte of sep (default ","), each piece trimmed
// of the bytes of strip (default " "), empty pieces dropped, at most 1024 pieces.
func split(args []Value) (Value, *Error) {
	sep, strip := ",", " "
	for i := range args {
		if err := wantString("split", args, i); err != nil {
			return Value{}, err
		}
	}
	if len(args) >= 2 {
		sep = args[1].Str
	}
	if len(args) == 3 {
		strip = args[2].Str
	}
	s := args[0].Str
	var out []Value
	for len(out) < 1024 && s != "" {
		piece := s
		i := strings.IndexAny(s, sep)
		if i >= 0 {
			piece, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if piece = strings.Trim(piece, strip); piece != "" {
			out = append(out, Str(piece))
		}
		if i < 0 {
			break
		}
	}
	if out == nil {
		out = []Value{}
	}
	return List(out), nil
}

// toNumber is to_number(v): v as a number, or an error.
func toNumber(args []Value) (Value, *Error) {
	if f, ok := args[0].ToNumber(); ok {
		return Num(f), nil
	}
	s := "(null)"
	if args[0].Kind == String {
		s = args[0].Str
	}
	return Value{}, evalError("to_number: cannot convert string '" + s + "'")
}

// toStr is to_str(v): a string as is, a number as Format prints it, anything else "".
func toStr(v Value) Value {
	switch v.Kind {
	case String:
		return v
	case Number:
		return Str(formatNumber(v.Num))
	}
	return Str("")
}

// startsWith is startswith(s, prefix): 1 or 0.
func startsWith(args []Value) (Value, *Error) {
	for i := range args {
		if err := wantString("startswith", args, i); err != nil {
			return Value{}, err
		}
	}
	return boolNum(strings.HasPrefix(args[0].Str, args[1].Str)), nil
}

// contains is contains(s, sub): how many times sub occurs in s, overlaps included;
// len(s)+1 for an empty sub.
func contains(args []Value) (Value, *Error) {
	for i := range args {
		if err := wantString("contains", args, i); err != nil {
			return Value{}, err
		}
	}
	s, sub := args[0].Str, args[1].Str
	if sub == "" {
		return Num(float64(len(s) + 1)), nil
	}
	n := 0
	for {
		i := strings.Index(s, sub)
		if i < 0 {
			return Num(float64(n)), nil
		}
		n++
		s = s[i+1:]
	}
}

// strlen is strlen(s): its length in bytes.
func strlen(args []Value) (Value, *Error) {
	if err := wantString("strlen", args, 0); err != nil {
		return Value{}, err
	}
	return Num(float64(len(args[0].Str))), nil
}
