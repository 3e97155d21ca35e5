package expr

import (
	"math"
	"strings"
)

// civil is a broken-down UTC time, C's struct tm with the full year: mon 0-11, mday 1-31,
// yday 0-365, wday 0-6 from Sunday. The zero civil but year 1900 is glibc's zeroed tm.
type civil struct {
	year                                  int64
	mon, mday, yday, wday, hour, min, sec int
}

// zeroTm is the struct tm RediSearch's date functions use when gmtime_r fails: all zero.
var zeroTm = civil{year: 1900}

// gmtime is gmtime_r: false when the year does not fit C's int tm_year.
func gmtime(t int64) (civil, bool) {
	days := t / 86400
	secs := t % 86400
	if secs < 0 {
		secs += 86400
		days--
	}
	y, m, d := civilFromDays(days)
	if y-1900 > math.MaxInt32 || y-1900 < math.MinInt32 {
		return civil{}, false
	}
	c := civil{year: y, mon: m - 1, mday: d,
		hour: int(secs / 3600), min: int(secs / 60 % 60), sec: int(secs % 60)}
	c.yday = int(days - daysFromCivil(y, 1, 1))
	c.wday = int((days%7 + 11) % 7) // 1970-01-01 was a Thursday
	return c, true
}

// civilFromDays and daysFromCivil convert between days since 1970-01-01 and the
// proleptic Gregorian calendar (Howard Hinnant's algorithms, in int64 so that every
// time_t converts).
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// cTimeT is C's (time_t)d on x86-64: truncation, and INT64_MIN for NaN and values out
// of range.
func cTimeT(d float64) int64 {
	if d >= minInt64F && d < maxInt64F {
		return int64(d)
	}
	return math.MinInt64
}

// timeFn is a date function of a non-negative timestamp: anything else gives null; a
// timestamp gmtime_r cannot convert (NaN, ±huge) is the zeroed tm, as in RediSearch.
func timeFn(f func(civil) float64) func(Value) Value {
	return func(v Value) Value {
		d, ok := v.ToNumber()
		if !ok || d < 0 {
			return Value{}
		}
		c, ok := gmtime(cTimeT(d))
		if !ok {
			c = zeroTm
		}
		return Num(f(c))
	}
}

// fastTimegm is RediSearch's fast_timegm: it counts leap years as every fourth year, so
// from 2100 on its results are a day (or more) late, as RediSearch's are.
func fastTimegm(c civil) float64 {
	years := c.year - 1970
	leaps := (years + 1) / 4
	days := int64(c.yday) + years*365 + leaps
	return float64(days*86400 + int64(c.hour)*3600 + int64(c.min)*60 + int64(c.sec))
}

func hourStart(c civil) float64 {
	c.sec, c.min = 0, 0
	return fastTimegm(c)
}

func dayStart(c civil) float64 {
	c.sec, c.min, c.hour = 0, 0, 0
	return fastTimegm(c)
}

func monthStart(c civil) float64 {
	c.sec, c.min, c.hour = 0, 0, 0
	c.yday -= c.mday - 1
	return fastTimegm(c)
}

// minuteStart is minute(t): floor(t - fmod(t, 60)) on the double itself.
func minuteStart(v Value) Value {
	d, ok := v.ToNumber()
	if !ok || d < 0 {
		return Value{}
	}
	return Num(math.Floor(d - cNaN(math.Mod(d, 60), d)))
}

// timefmt(t [, fmt]): t formatted by strftime in UTC (default "%FT%TZ"); null when t is
// not a number, its year does not fit, or the result is empty or longer than 1023 bytes.
// fmt must be a string (RediSearch names the function 'time' in that error).
func timefmt(args []Value) (Value, *Error) {
	f := "%FT%TZ"
	if len(args) == 2 {
		if err := wantType("time", args, 1, String, "RSValueType_String"); err != nil {
			return Value{}, err
		}
		f = cString(args[1].Str)
	}
	d, ok := args[0].ToNumber()
	if !ok {
		return Value{}, nil
	}
	c, ok := gmtime(cTimeT(d))
	if !ok {
		return Value{}, nil
	}
	s := strftime(f, c, cTimeT(d))
	if s == "" || len(s) > 1023 {
		return Value{}, nil
	}
	return Str(s), nil
}

// parsetime(s, fmt): s parsed by strptime with fmt as a UTC time, in seconds; null when
// it does not match. Fields fmt does not set are zero (so "%Y" alone reads as the day
// before 1 January, as timegm normalises day 0).
func parsetime(args []Value) (Value, *Error) {
	for i := range args {
		if err := wantString("parsetime", args, i); err != nil {
			return Value{}, err
		}
	}
	c, ok := strptime(cString(args[0].Str), cString(args[1].Str))
	if !ok {
		return Value{}, nil
	}
	return Num(float64(timegm(c))), nil
}

// timegm is glibc's timegm of the fields strptime set: months beyond 0-11 move the
// year, and days, hours, minutes and seconds beyond their ranges count on linearly.
func timegm(c civil) int64 {
	y, m := c.year+int64(c.mon/12), c.mon%12
	if m < 0 {
		y, m = y-1, m+12
	}
	days := daysFromCivil(y, m+1, 1) + int64(c.mday) - 1
	return days*86400 + int64(c.hour)*3600 + int64(c.min)*60 + int64(c.sec)
}

// cString is s as C's string functions see it: up to its first NUL byte.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}
