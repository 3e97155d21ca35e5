package expr

import (
	"strconv"
	"strings"
)

// C locale names, as glibc's strftime and strptime use them.
var (
	weekdays = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// strftime is glibc 2.36's strftime in the C locale for a UTC time c (t is its time_t,
// for %s). Flags _ - 0 ^ # , a field width and the E and O modifiers (no effect in the C
// locale) are read; an unknown conversion is copied as written. Its padding rules were
// worked out against glibc's output: a number is padded with zeros (spaces for %e %k %l,
// or with _) to its conversion's digits or the width, whichever is more; - drops that
// padding but a width still pads with spaces; text pads to the width with spaces (zeros
// with 0).
func strftime(f string, c civil, t int64) string {
	var b []byte
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b = append(b, f[i])
			continue
		}
		var s spec
		i = s.parse(f, i)
		b = s.format(b, c, t)
	}
	return string(b)
}

// spec is one conversion of a strftime format.
type spec struct {
	text     string // the conversion as written, from its %
	pad      byte   // 0, '_', '-' or '0'
	upper    bool   // ^
	swap     bool   // #
	width    int    // -1: none
	mod      byte   // 'E', 'O' or 0
	conv     byte   // 0: the format ended inside the conversion
	spacePad bool   // a number padded with spaces by default (%e %k %l)
}

// parse reads the conversion whose % is at f[i] and returns the index of its last byte.
func (s *spec) parse(f string, i int) int {
	start := i
	s.width = -1
	for i+1 < len(f) {
		switch f[i+1] {
		case '_', '-', '0':
			s.pad = f[i+1]
		case '^':
			s.upper = true
		case '#':
			s.swap = true
		default:
			goto width
		}
		i++
	}
width:
	for i+1 < len(f) && isDigit(f[i+1]) {
		if s.width < 0 {
			s.width = 0
		}
		// Anything 1024 bytes wide overflows RediSearch's buffer (timefmt gives null), so
		// wider is no different.
		s.width = min(s.width*10+int(f[i+1]-'0'), 1024)
		i++
	}
	if i+1 < len(f) && (f[i+1] == 'E' || f[i+1] == 'O') {
		i++
		s.mod = f[i]
	}
	if i+1 < len(f) {
		i++
		s.conv = f[i]
	}
	s.text = f[start : i+1]
	return i
}

// glibc's conversions that accept the E and O modifiers; with others the conversion is
// copied as written.
const (
	convsE = "%CPRTXYZcnprstuxyz"
	convsO = "%BCGHIMPRSTUVWZbdeghjklmnprstuwyz"
)

func (s *spec) format(b []byte, c civil, t int64) []byte {
	if (s.mod == 'E' && strings.IndexByte(convsE, s.conv) < 0) || (s.mod == 'O' && strings.IndexByte(convsO, s.conv) < 0) {
		return s.appendCopy(b)
	}
	switch s.conv {
	case 'a', 'A', 'b', 'B', 'h', 'p', 'P', 'Z', 'n', 't', '%':
		return s.appendText(b, s.textOf(c))
	case 'c', 'D', 'F', 'r', 'R', 'T', 'x', 'X':
		sub := strftime(subformats[s.conv], c, t)
		if s.upper {
			sub = upperASCII(sub)
		}
		return s.appendText(b, sub)
	case 'z':
		return s.appendZone(b)
	}
	if d, v, ok := s.number(c, t); ok {
		return s.appendNumber(b, d, v)
	}
	return s.appendCopy(b)
}

// appendCopy copies an unknown conversion as written (upper-cased by ^, as glibc does).
func (s *spec) appendCopy(b []byte) []byte {
	if s.upper {
		return s.appendText(b, upperASCII(s.text))
	}
	return s.appendText(b, s.text)
}

var subformats = map[byte]string{
	'c': "%a %b %e %H:%M:%S %Y", 'D': "%m/%d/%y", 'F': "%Y-%m-%d", 'r': "%I:%M:%S %p",
	'R': "%H:%M", 'T': "%H:%M:%S", 'x': "%m/%d/%y", 'X': "%H:%M:%S",
}

// textOf is a text conversion's text, after the case flags.
func (s *spec) textOf(c civil) string {
	var v string
	lower := false
	switch s.conv {
	case 'a':
		v = weekdays[c.wday][:3]
	case 'A':
		v = weekdays[c.wday]
	case 'b', 'h':
		v = months[c.mon][:3]
	case 'B':
		v = months[c.mon]
	case 'p', 'P':
		v = "AM"
		if c.hour >= 12 {
			v = "PM"
		}
		lower = s.conv == 'P' || s.swap
	case 'Z':
		v, lower = "GMT", s.swap
	case 'n':
		v = "\n"
	case 't':
		v = "\t"
	default:
		v = "%"
	}
	switch {
	case lower:
		return lowerASCII(v)
	case s.upper || s.swap:
		return upperASCII(v)
	}
	return v
}

// number is a numeric conversion's minimum digits and value.
func (s *spec) number(c civil, t int64) (digits int, v int64, ok bool) {
	hour12 := int64(c.hour % 12)
	if hour12 == 0 {
		hour12 = 12
	}
	switch s.conv {
	case 'd':
		return 2, int64(c.mday), true
	case 'e':
		s.spacePad = true
		return 2, int64(c.mday), true
	case 'H':
		return 2, int64(c.hour), true
	case 'I':
		return 2, hour12, true
	case 'k':
		s.spacePad = true
		return 2, int64(c.hour), true
	case 'l':
		s.spacePad = true
		return 2, hour12, true
	case 'j':
		return 3, int64(c.yday + 1), true
	case 'm':
		return 2, int64(c.mon + 1), true
	case 'M':
		return 2, int64(c.min), true
	case 'S':
		return 2, int64(c.sec), true
	case 's':
		s.spacePad = true
		return 1, t, true
	case 'u':
		return 1, int64((c.wday+6)%7 + 1), true
	case 'w':
		return 1, int64(c.wday), true
	case 'U':
		return 2, int64((c.yday - c.wday + 7) / 7), true
	case 'W':
		return 2, int64((c.yday - (c.wday+6)%7 + 7) / 7), true
	case 'y':
		return 2, floorMod(c.year, 100), true
	case 'Y':
		return 1, cYear(c.year), true
	case 'C':
		return 1, floorDiv(cYear(c.year), 100), true
	case 'V', 'G', 'g':
		year, week := isoWeek(c)
		year = cYear(cYear(c.year) + year - c.year)
		switch s.conv {
		case 'V':
			return 2, week, true
		case 'G':
			return 1, year, true
		}
		return 2, floorMod(year, 100), true
	}
	return 0, 0, false
}

// appendNumber pads v's digits (see strftime) after its sign or before it.
func (s *spec) appendNumber(b []byte, digits int, v int64) []byte {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", -u
	}
	num := strconv.FormatUint(u, 10)
	total := max(digits, s.width)
	if s.pad == '-' {
		total = max(s.width, 0)
	}
	fill := total - len(sign) - len(num)
	if fill <= 0 {
		return append(append(b, sign...), num...)
	}
	if s.pad == '_' || s.pad == '-' || (s.pad == 0 && s.spacePad) {
		b = appendRepeat(b, ' ', fill)
		return append(append(b, sign...), num...)
	}
	b = append(b, sign...)
	b = appendRepeat(b, '0', fill)
	return append(b, num...)
}

// appendZone is %z of UTC, "+0000", whose sign glibc writes before padding the number.
func (s *spec) appendZone(b []byte) []byte {
	if s.width > 1 {
		c := byte(' ')
		if s.pad == '0' {
			c = '0'
		}
		b = appendRepeat(b, c, s.width-1)
	}
	b = append(b, '+')
	z := *s
	z.width = max(s.width, 0)
	if s.pad == '-' && s.width > 0 {
		z.pad = '_'
	}
	return z.appendNumber(b, 4, 0)
}

// appendText pads text to the width, with spaces or, with the 0 flag, zeros.
func (s *spec) appendText(b []byte, text string) []byte {
	if fill := s.width - len(text); fill > 0 {
		c := byte(' ')
		if s.pad == '0' {
			c = '0'
		}
		b = appendRepeat(b, c, fill)
	}
	return append(b, text...)
}

func appendRepeat(b []byte, c byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, c)
	}
	return b
}

// cYear is tm_year + 1900 computed in C's int, which wraps for the last 1900 years a
// struct tm can hold.
func cYear(y int64) int64 { return int64(int32(y)) }

// isoWeek is the ISO 8601 week-based year and week number of c, as glibc computes them.
func isoWeek(c civil) (year, week int64) {
	year = c.year
	days := isoWeekDays(c.yday, c.wday)
	if days < 0 {
		year--
		days = isoWeekDays(c.yday+yearDays(year), c.wday)
	} else if d := isoWeekDays(c.yday-yearDays(year), c.wday); d >= 0 {
		year++
		days = d
	}
	return year, int64(days/7 + 1)
}

// isoWeekDays is the number of days from the first day of the first ISO week of the year
// to the day yday (of weekday wday); negative when the day falls in the previous year's.
func isoWeekDays(yday, wday int) int {
	const big = (366/7 + 2) * 7
	return yday - (yday-wday+4+big)%7 + 3
}

func yearDays(y int64) int {
	if isLeap(y) {
		return 366
	}
	return 365
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
