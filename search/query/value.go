package query

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

func inf(sign int) float64 { return math.Inf(sign) }

// scanFloat returns the end of the longest prefix of s that RediSearch's strtod (fast_float)
// reads: [+-]? then inf, infinity, nan or digits with an optional fraction and exponent.
func scanFloat(s string) int {
	i := 0
	if at(s, 0, '+') || at(s, 0, '-') {
		i++
	}
	for _, w := range [...]string{"infinity", "inf", "nan"} {
		if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
			return i + len(w)
		}
	}
	d := digits(s, i)
	n := d - i
	if at(s, d, '.') {
		e := digits(s, d+1)
		n += e - d - 1
		d = e
	}
	if n == 0 {
		return 0
	}
	if at(s, d, 'e') || at(s, d, 'E') {
		k := d + 1
		if at(s, k, '+') || at(s, k, '-') {
			k++
		}
		if e := digits(s, k); e > k {
			d = e
		}
	}
	return d
}

// strtod is the value of the number s starts with (0 when it starts with none): the value
// RediSearch gives a number token.
func strtod(s string) float64 {
	f, _ := strconv.ParseFloat(s[:scanFloat(s)], 64)
	return f
}

// parseDouble is RediSearch's ParseDouble: the whole string a finite or infinite number ("" is
// 0). NaN, which RediSearch lets through, is refused: no query text could write it back.
func parseDouble(s string) (float64, bool) {
	if s == "" {
		return 0, true
	}
	if scanFloat(s) != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64) // an overflow errs, as fast_float's ERANGE does
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// parseInteger is RediSearch's ParseInteger (strtoll, base 10, the whole string).
func parseInteger(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(strings.TrimLeft(s, " \t\n\v\f\r"), 10, 64)
	return n, err == nil
}

// parseBool is RediSearch's ParseBoolean: true, false, 1 or 0, any case.
func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"), s == "1":
		return true, true
	case strings.EqualFold(s, "false"), s == "0":
		return false, true
	}
	return false, false
}

// unescape drops the backslash of every `\x` where x is punctuation or space, as RediSearch
// does to words, field names and tag values.
func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (isPunct(s[i+1]) || isSpace(s[i+1])) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escape backslash-escapes the punctuation (but `_`) and spaces of s, so that it reads back
// as one word.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isPunct(s[i]) && s[i] != '_' || isSpace(s[i]) {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isWord reports whether s lexes, unescaped, as one word.
func isWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return s != ""
}

// lower lower-cases the letters of s and keeps bytes that are not UTF-8 as they are.
func lower(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(s[i])
		} else {
			b.WriteString(strings.ToLower(s[i : i+n]))
		}
		i += n
	}
	return b.String()
}

// formatNum writes f so that both dialects' lexers read it back exactly.
func formatNum(f float64) string { return formatFloat(f, -1, "+inf") }

// formatC is C's printf("%f"), which RediSearch's messages use.
func formatC(f float64) string { return formatFloat(f, 6, "inf") }

func formatFloat(f float64, prec int, posInf string) string {
	switch {
	case math.IsInf(f, 1):
		return posInf
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', prec, 64)
}

// formatG is C's printf("%g").
func formatG(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }
