package expr

import "strings"

// strptime is glibc 2.36's strptime in the C locale, with the struct tm zeroed first as
// RediSearch does: it matches s against format f (white space in f matches any white
// space, including none; other bytes match themselves; numbers may be preceded by white
// space and are read up to their conversion's digits, stopping early when another digit
// would leave the range) and returns the fields it set, with the date completed from a
// day of the year or week number as glibc completes it. Input left over after f is
// ignored. %z and %Z are read and ignored (timegm ignores the offset); %s reads UTC.
func strptime(s, f string) (civil, bool) {
	st, ok := parseTime(s, f)
	return st.tm, ok
}

func parseTime(s, f string) (ptState, bool) {
	st := ptState{tm: civil{year: 1900}, century: -1}
	if _, ok := st.match(s, f); !ok {
		return st, false
	}
	st.finish()
	return st, true
}

// ptState is strptime's state: the fields read and what was seen.
type ptState struct {
	tm                           civil
	century, weekNo              int
	haveI, isPM, wantCentury     bool
	wantXday, haveWday, haveYday bool
	haveMon, haveMday, haveUweek bool
	haveWweek                    bool
	// decided is glibc's guess of whether the input follows the locale's formats or the
	// C ones. The C locale's are the same, yet the guess changes what some conversions
	// read (see era, altNumber and weekday).
	decided decision
	wantEra bool
	// outOfTable: a day of the year outside the year, for which glibc reads past the end
	// of its month table; the date given is then this code's, not glibc's.
	outOfTable bool
}

// match matches s against f and returns what is left of s.
func (st *ptState) match(s, f string) (string, bool) {
	for i := 0; i < len(f); i++ {
		c := f[i]
		if isSpace(c) {
			s = skipSpace(s)
			continue
		}
		if c != '%' {
			if s == "" || s[0] != c {
				return s, false
			}
			s = s[1:]
			continue
		}
		for i+1 < len(f) && strings.IndexByte("-_0^#", f[i+1]) >= 0 {
			i++
		}
		for i+1 < len(f) && isDigit(f[i+1]) {
			i++
		}
		if i+1 >= len(f) {
			return s, false
		}
		i++
		conv := f[i]
		var ok bool
		if conv == 'E' || conv == 'O' {
			allowed := "cCyYxX"
			if conv == 'O' {
				allowed = "bBhdeHImMSUWVwy"
			}
			if i+1 >= len(f) || strings.IndexByte(allowed, f[i+1]) < 0 {
				return s, false
			}
			i++
			switch {
			case conv == 'E':
				s, ok = st.era(s, f[i])
			case strings.IndexByte("bBh", f[i]) >= 0:
				s, ok = st.convert(s, f[i])
			default:
				s, ok = st.altNumber(s, f[i])
			}
			if !ok {
				return s, false
			}
			continue
		}
		if s, ok = st.convert(s, conv); !ok {
			return s, false
		}
	}
	return s, true
}

var ptSubformats = map[byte]string{
	'c': "%a %b %e %H:%M:%S %Y", 'D': "%m/%d/%y", 'x': "%m/%d/%y", 'F': "%Y-%m-%d",
	'r': "%I:%M:%S %p", 'R': "%H:%M", 'T': "%H:%M:%S", 'X': "%H:%M:%S",
}

type decision uint8

const (
	undecided decision = iota
	decidedLocale
	decidedRaw
)

// era reads %E conv. The C locale has no eras, so glibc's search for one fails: after a
// %O number conversion that is an error; else it decides "raw" — after reading, for %Ey,
// a 4-digit era year that the 2-digit year read next then replaces.
func (st *ptState) era(s string, conv byte) (string, bool) {
	if strings.IndexByte("CyY", conv) >= 0 && st.decided != decidedRaw {
		if conv == 'y' {
			var v int
			var ok bool
			if s, v, ok = getNumber(s, 0, 9999, 4); !ok {
				return s, false
			}
			st.tm.year = 1900 + int64(v)
			st.wantEra, st.wantCentury, st.wantXday = true, true, true
		}
		if st.decided == decidedLocale {
			return s, false
		}
		st.decided = decidedRaw
	}
	return st.convert(s, conv)
}

// altNumber reads %O conv, a number in the locale's alternative digits. The C locale
// has none: the first time glibc then decides "locale" and reads plain digits; once
// decided so, it fails.
func (st *ptState) altNumber(s string, conv byte) (string, bool) {
	switch st.decided {
	case decidedLocale:
		return s, false
	case undecided:
		st.decided = decidedLocale
	}
	if conv == 'y' { // unlike %y, %Oy does not ask for the century
		s, v, ok := getNumber(s, 0, 99, 2)
		if ok {
			st.tm.year = int64(v) + 1900
			if v < 69 {
				st.tm.year += 100
			}
			st.wantXday = true
		}
		return s, ok
	}
	return st.convert(s, conv)
}

// convert reads one conversion from s.
func (st *ptState) convert(s string, conv byte) (string, bool) {
	if sub, ok := ptSubformats[conv]; ok {
		s, ok = st.match(s, sub)
		st.wantXday = st.wantXday || strings.IndexByte("cDxF", conv) >= 0
		return s, ok
	}
	var v int
	var ok bool
	num := func(lo, hi, digits int) bool {
		s, v, ok = getNumber(s, lo, hi, digits)
		return ok
	}
	switch conv {
	case '%':
		if s == "" || s[0] != '%' {
			return s, false
		}
		return s[1:], true
	case 'a', 'A':
		return st.weekday(s)
	case 'b', 'B', 'h':
		if s, v, ok = matchName(s, months[:]); ok {
			st.tm.mon, st.haveMon, st.wantXday = v, true, true
		}
		return s, ok
	case 'C':
		if num(0, 99, 2) {
			st.century, st.wantXday = v, true
		}
	case 'd', 'e':
		if num(1, 31, 2) {
			st.tm.mday, st.haveMday, st.wantXday = v, true, true
		}
	case 'k', 'H':
		if num(0, 23, 2) {
			st.tm.hour, st.haveI = v, false
		}
	case 'l', 'I':
		if num(1, 12, 2) {
			st.tm.hour, st.haveI = v%12, true
		}
	case 'j':
		if num(1, 366, 3) {
			st.tm.yday, st.haveYday = v-1, true
		}
	case 'm':
		if num(1, 12, 2) {
			st.tm.mon, st.haveMon, st.wantXday = v-1, true, true
		}
	case 'M':
		if num(0, 59, 2) {
			st.tm.min = v
		}
	case 'S':
		if num(0, 61, 2) {
			st.tm.sec = v
		}
	case 'n', 't':
		return skipSpace(s), true
	default:
		return st.convertMore(s, conv)
	}
	return s, ok
}

// convertMore reads the rarer conversions.
func (st *ptState) convertMore(s string, conv byte) (string, bool) {
	var v int
	var ok bool
	switch conv {
	case 'p':
		switch {
		case hasPrefixFold(s, "AM"):
			st.isPM = false
		case hasPrefixFold(s, "PM"):
			st.isPM = true
		default:
			return s, false
		}
		return s[2:], true
	case 's':
		return st.seconds(s)
	case 'u':
		if s, v, ok = getNumber(s, 1, 7, 1); ok {
			st.tm.wday, st.haveWday = v%7, true
		}
	case 'w':
		if s, v, ok = getNumber(s, 0, 6, 1); ok {
			st.tm.wday, st.haveWday = v, true
		}
	case 'U', 'W':
		if s, v, ok = getNumber(s, 0, 53, 2); ok {
			st.weekNo = v
			if conv == 'U' {
				st.haveUweek = true
			} else {
				st.haveWweek = true
			}
		}
	case 'g', 'V':
		s, _, ok = getNumber(s, 0, map[byte]int{'g': 99, 'V': 53}[conv], 2) // read, unused
	case 'G':
		n := digitsEnd(s, 0)
		return s[n:], n > 0
	case 'y':
		if s, v, ok = getNumber(s, 0, 99, 2); ok {
			st.tm.year = int64(v) + 1900
			if v < 69 {
				st.tm.year += 100
			}
			st.wantCentury, st.wantXday = true, true
		}
	case 'Y':
		if s, v, ok = getNumber(s, 0, 9999, 4); ok {
			st.tm.year, st.wantCentury, st.wantXday = int64(v), false, true
		}
	case 'Z':
		s = skipSpace(s)
		for s != "" && !isSpace(s[0]) {
			s = s[1:]
		}
		return s, true
	case 'z':
		return zoneOffset(s)
	}
	return s, ok
}

// seconds is %s: digits of seconds since the epoch, broken down in UTC.
func (st *ptState) seconds(s string) (string, bool) {
	n := digitsEnd(s, 0)
	if n == 0 {
		return s, false
	}
	var t int64
	for _, c := range []byte(s[:n]) {
		t = t*10 + int64(c-'0') // wraps like glibc's time_t arithmetic; never panics
	}
	c, ok := gmtime(t)
	if !ok {
		return s, false
	}
	st.tm = c
	return s[n:], true
}

// zoneOffset reads %z: Z, or a sign and two or four digits (a colon may follow the
// first two), minutes below 60.
func zoneOffset(s string) (string, bool) {
	s = skipSpace(s)
	if s != "" && s[0] == 'Z' {
		return s[1:], true
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return s, false
	}
	s = s[1:]
	n, mm := 0, 0
	for n < 4 && s != "" && isDigit(s[0]) {
		if n >= 2 {
			mm = mm*10 + int(s[0]-'0')
		}
		s = s[1:]
		n++
		if n == 2 && len(s) > 1 && s[0] == ':' && isDigit(s[1]) {
			s = s[1:]
		}
	}
	return s, n == 2 || (n == 4 && mm < 60)
}

// getNumber is glibc's get_number: white space, then up to n digits (fewer when the next
// would pass hi), which must be in [lo, hi].
func getNumber(s string, lo, hi, n int) (string, int, bool) {
	s = skipSpace(s)
	if s == "" || !isDigit(s[0]) {
		return s, 0, false
	}
	v := 0
	for {
		v = v*10 + int(s[0]-'0')
		s = s[1:]
		n--
		if n <= 0 || v*10 > hi || s == "" || !isDigit(s[0]) {
			break
		}
	}
	return s, v, v >= lo && v <= hi
}

// weekday reads %a: the longest weekday name, full or abbreviated, without regard to
// case. glibc tries the locale's names unless decided "raw" and then the C names unless
// decided "locale"; its second try advances the input past a matching abbreviation
// while remembering the position before it, so a raw %a leaves "Tue" unread and the
// names it tries next are matched further on.
func (st *ptState) weekday(s string) (string, bool) {
	rp, longest, day := 0, -1, 0
	decided := st.decided
	for i, full := range weekdays {
		ab := full[:3]
		if st.decided != decidedRaw {
			if hasPrefixFold(s[rp:], full) && rp+len(full) > longest {
				longest, day = rp+len(full), i
			}
			if hasPrefixFold(s[rp:], ab) && rp+3 > longest {
				longest, day = rp+3, i
			}
		}
		if st.decided == decidedLocale {
			continue
		}
		if hasPrefixFold(s[rp:], full) && rp+len(full) > longest {
			longest, day, decided = rp+len(full), i, decidedRaw
		} else if hasPrefixFold(s[rp:], ab) {
			if rp > longest {
				longest, day, decided = rp, i, decidedRaw
			}
			rp += 3
		}
	}
	if longest < 0 {
		return s, false
	}
	st.decided = decided
	st.tm.wday, st.haveWday = day, true
	return s[longest:], true
}

// matchName matches the longest full or three-letter name at the start of s, without
// regard to case.
func matchName(s string, names []string) (string, int, bool) {
	best, bestLen := -1, 0
	for i, name := range names {
		for _, n := range []string{name, name[:3]} {
			if len(n) > bestLen && hasPrefixFold(s, n) {
				best, bestLen = i, len(n)
			}
		}
	}
	if best < 0 {
		return s, 0, false
	}
	return s[bestLen:], best, true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func skipSpace(s string) string {
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// cumulative days before each month, in common and leap years (glibc's __mon_yday).
var monYday = [2][13]int{
	{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365},
	{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366},
}

// finish completes the fields as glibc's strptime does after the last conversion.
func (st *ptState) finish() {
	tm := &st.tm
	if st.haveI && st.isPM {
		tm.hour += 12
	}
	if st.century != -1 {
		if st.wantCentury {
			tm.year = 1900 + (tm.year-1900)%100 + int64(st.century-19)*100
		} else {
			tm.year = 1900 + int64(st.century-19)*100
		}
	}
	if st.wantEra && st.wantCentury && st.century == -1 && tm.year < 1969 {
		tm.year += 100
	}
	leap := 0
	if isLeap(tm.year) {
		leap = 1
	}
	if st.wantXday && !st.haveWday && !(st.haveMon && st.haveMday) && st.haveYday {
		st.fromYday(leap)
	}
	if (st.haveUweek || st.haveWweek) && st.haveWday {
		st.fromWeek(leap)
	}
}

// fromYday sets the month and day the day of the year falls on, where not read.
func (st *ptState) fromYday(leap int) {
	tm := &st.tm
	m := st.monthOf(leap)
	if !st.haveMon {
		tm.mon = m - 1
	}
	if !st.haveMday {
		tm.mday = tm.yday - monYday[leap][m-1] + 1
	}
	st.haveMon, st.haveMday = true, true
}

// fromWeek sets the day of the year, month and day from %U or %W and the weekday.
func (st *ptState) fromWeek(leap int) {
	tm := &st.tm
	offset := 1 // %W weeks start on Monday, %U weeks (which win) on Sunday
	if st.haveUweek {
		offset = 0
	}
	jan1 := dayOfTheWeek(tm.year, 0, 1)
	if !st.haveYday {
		tm.yday = (7-(jan1-offset))%7 + (st.weekNo-1)*7 + (tm.wday-offset+7)%7
	}
	if !st.haveMday || !st.haveMon {
		m := st.monthOf(leap)
		if !st.haveMon {
			tm.mon = m - 1
		}
		if !st.haveMday {
			tm.mday = tm.yday - monYday[leap][m-1] + 1
		}
	}
}

// monthOf is one more than the month tm.yday falls in, as glibc's search of its table
// finds it; a day outside the year is kept in the first or last month (outOfTable).
func (st *ptState) monthOf(leap int) int {
	m := 0
	for m < 12 && monYday[leap][m] <= st.tm.yday {
		m++
	}
	if m == 0 || st.tm.yday >= monYday[leap][12] {
		st.outOfTable = true
	}
	return max(m, 1)
}

// dayOfTheWeek is glibc strptime's day_of_the_week for year y, month m (0-11), day d. Its
// C divisions truncate, so before year 1 it is not the proleptic calendar's weekday.
func dayOfTheWeek(y int64, m, d int) int {
	tmYear := y - 1900
	corr := y
	if m < 2 {
		corr--
	}
	q := corr / 4
	wday := -473 + 365*(tmYear-70) + q - q/25 + int64(b2i(q%25 < 0)) + q/25/4 + int64(monYday[0][m]) + int64(d) - 1
	return int((wday%7 + 7) % 7)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
