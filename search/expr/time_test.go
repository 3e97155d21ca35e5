package expr

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// evalOn evaluates src with @t = ts.
func evalOn(t *testing.T, src string, ts float64) Value {
	t.Helper()
	e, err := Parse(src, nil)
	require.NoError(t, err, src)
	v, err := e.Evaluate(row{"t": Num(ts)}, Query)
	require.NoError(t, err, src)
	return v
}

// The date functions against Go's time package, UTC.
func TestDateFunctions(t *testing.T) {
	stamps := []int64{
		0,
		1517417144, // 2018-01-31 16:45:44, Wednesday (RediSearch's test_aggregate.py)
		1706294258, // 2024-01-26, a leap year before the leap day
		1709230599, // 2024-02-29
		1711478258, // 2024-03-26
		1704585600, // 2024-01-07 00:00, a Sunday
		951782400,  // 2000-02-29
		4102444799, // 2099-12-31 23:59:59
		1230768000, // 2009-01-01
	}
	for _, ts := range stamps {
		tm := time.Unix(ts, 0).UTC()
		y, mo, d := tm.Date()
		at := func(day, h, m int) float64 {
			return float64(time.Date(y, mo, day, h, m, 0, 0, time.UTC).Unix())
		}
		msg := tm.String()
		assert.Equal(t, Num(at(d, 0, 0)), evalOn(t, "day(@t)", float64(ts)), msg)
		assert.Equal(t, Num(at(d, tm.Hour(), 0)), evalOn(t, "hour(@t)", float64(ts)), msg)
		assert.Equal(t, Num(at(d, tm.Hour(), tm.Minute())), evalOn(t, "minute(@t)", float64(ts)), msg)
		assert.Equal(t, Num(at(1, 0, 0)), evalOn(t, "month(@t)", float64(ts)), msg)
		assert.Equal(t, Num(float64(tm.Weekday())), evalOn(t, "dayofweek(@t)", float64(ts)), msg)
		assert.Equal(t, Num(float64(d)), evalOn(t, "dayofmonth(@t)", float64(ts)), msg)
		assert.Equal(t, Num(float64(tm.YearDay()-1)), evalOn(t, "dayofyear(@t)", float64(ts)), msg)
		assert.Equal(t, Num(float64(mo-1)), evalOn(t, "monthofyear(@t)", float64(ts)), msg)
		assert.Equal(t, Num(float64(y)), evalOn(t, "year(@t)", float64(ts)), msg)
		assert.Equal(t, Str(tm.Format("2006-01-02T15:04:05Z")), evalOn(t, "timefmt(@t)", float64(ts)), msg)
		assert.Equal(t, Str(tm.Format("Mon, 02 Jan 2006 15:04")), evalOn(t, "timefmt(@t, '%a, %d %b %Y %H:%M')", float64(ts)), msg)
		isoY, isoW := tm.ISOWeek()
		assert.Equal(t, Str(fmt.Sprintf("%d-W%02d", isoY, isoW)), evalOn(t, "timefmt(@t, '%G-W%V')", float64(ts)), msg)
		assert.Equal(t, Num(float64(ts)), evalOn(t, "parsetime(timefmt(@t), '%FT%TZ')", float64(ts)), msg)
	}
}

func TestDateFunctionEdges(t *testing.T) {
	runEvalTests(t, Query, []evalTest{
		{in: "day(-1)", want: Value{}}, // negative: null
		{in: "hour('x')", want: Value{}},
		{in: "year(NULL)", want: Value{}},
		{in: "dayofmonth('1517417144')", want: Num(31)},
		{in: "minute(125.7)", want: Num(120)}, // on the double itself
		{in: "minute(-1)", want: Value{}},
		{in: "hour(59.9)", want: Num(0)},
		// beyond what gmtime_r converts, RediSearch uses a zeroed struct tm
		{in: "day(1e300)", want: Num(-2208988800)},
		{in: "dayofweek(1e300)", want: Num(0)},
		{in: "year(0/0)", want: Num(1900)},
		{in: "month(1e300)", want: Num(-2208902400)},
		// RediSearch's fast_timegm counts 2100 as a leap year: a day late from 2101 on
		{in: "day(4133980800 + 3600)", want: Num(4133980800 + 86400)}, // 2101-01-01
		{in: "timefmt(-1)", want: Str("1969-12-31T23:59:59Z")},
		{in: "timefmt('x')", want: Value{}},
		{in: "timefmt(NULL)", want: Value{}},
		{in: "timefmt(1e300)", want: Value{}},
		{in: "timefmt(1, '')", want: Value{}},                      // empty output: strftime returns 0
		{in: "timefmt(1517417144, '%Y\x00%m')", want: Str("2018")}, // C strings end at NUL
		{in: "timefmt(1, 5)", err: "Invalid type (1) for argument 1 in function 'time'. VALIDATE_ARG__TYPE(v, RSValueType_String) was false."},
		{in: "timefmt(@missing)", err: missingErr},
	})
}

// strftime against glibc 2.36's output for the same struct tm.
func TestStrftime(t *testing.T) {
	tests := []struct {
		ts   int64
		f    string
		want string
	}{
		{1517417144, "%a|%A|%b|%B|%h", "Wed|Wednesday|Jan|January|Jan"},
		{1517417144, "%c", "Wed Jan 31 16:45:44 2018"},
		{1517417144, "%C|%d|%D|%e", "20|31|01/31/18|31"},
		{1517417144, "%g|%G|%V|%u|%w|%U|%W", "18|2018|05|3|3|04|05"},
		{1517417144, "%H|%I|%j|%k|%l|%m|%M", "16|04|031|16| 4|01|45"},
		{1517417144, "%n|%t|%p|%P|%r|%R", "\n|\t|PM|pm|04:45:44 PM|16:45"},
		{1517417144, "%s|%S|%T", "1517417144|44|16:45:44"},
		{1517417144, "%x|%X|%y|%Y", "01/31/18|16:45:44|18|2018"},
		{1517417144, "%z|%Z|%%", "+0000|GMT|%"},
		{1517417144, "%_d|%-d|%0e|%^a|%#a|%#b|%^B|%#Z|%#p|%^p", "31|31|31|WED|WED|JAN|JANUARY|gmt|pm|PM"},
		{1517417144, "%10Y|%-10Y|%_10Y|%010d|%3d|%-3d|%_3H|%5%|%3e", "0000002018|      2018|      2018|0000000031|031| 31| 16|    %| 31"},
		{1517417144, "%Ey|%EY|%Od|%OH|%Ec", "18|2018|31|16|Wed Jan 31 16:45:44 2018"},
		{1517417144, "%q|%Eq|%OY|%^q|%+|%5", "%q|%Eq|%OY|%^Q|%+|   %5"},
		{1517417144, "%", "%"},
		{1517417144, "%6R|%06R|%^c", " 16:45|016:45|WED JAN 31 16:45:44 2018"},
		{0, "%-d|%-m|%e|%k|%l|%3s", "1|1| 1| 0|12|  0"},
		{1109912767, "%d|%6d|%_d|%_6d|%-d|%-6d|%06d", "04|000004| 4|     4|4|     4|000004"},
		{1109912767, "%z|%6z|%_z|%-z|%06z", "+0000|     +000000|+   0|+0|00000+000000"},
		{-31000000000, "%Y|%C|%y|%G|%g|%F|%6Y", "987|9|87|987|87|987-08-25|000987"},
		{-62300000000, "%Y|%C|%3C|%_3C|%5Y|%F", "-5|-1|-01| -1|-0005|-5-10-17"},
		{1262217600, "%G-W%V-%u", "2009-W53-4"}, // 2009-12-31
		{1104537600, "%G-W%V-%u", "2004-W53-6"}, // 2005-01-01
	}
	for _, tt := range tests {
		c, ok := gmtime(tt.ts)
		require.True(t, ok)
		assert.Equal(t, tt.want, strftime(tt.f, c, tt.ts), "%d %q", tt.ts, tt.f)
	}
	_, ok := gmtime(67768036191676800) // one second past the last year a C int holds
	assert.False(t, ok)
	c, ok := gmtime(67768036191676799)
	require.True(t, ok)
	assert.Equal(t, "2147485547-12-31 23:59:59", fmt.Sprintf("%d-%02d-%02d %02d:%02d:%02d", c.year, c.mon+1, c.mday, c.hour, c.min, c.sec))
}

// parsetime against glibc 2.36's strptime + timegm.
func TestParsetime(t *testing.T) {
	tests := []struct {
		s, f string
		want int64
		ok   bool
	}{
		{"2018-01-31T16:45:44Z", "%FT%TZ", 1517417144, true},
		{"2018-01-31T16:45:44Z", "%Y-%m-%dT%H:%M:%SZ", 1517417144, true},
		{"2021", "%Y", 1609372800, true},      // day 0 of January: 31 December
		{"10:30", "%H:%M", -2209037400, true}, // year 1900, day 0
		{"2020 100", "%Y %j", 1586390400, true},
		{"100", "%j", -2209075200, true}, // %j alone does not move the date
		{"  2020-1-5", "%Y-%m-%d", 1578182400, true},
		{"2020-01-05 trailing", "%Y-%m-%d", 1578182400, true},
		{"20200105", "%Y%m%d", 1578182400, true},
		{"Jan 5 2020 3:04 PM", "%b %d %Y %I:%M %p", 1578236640, true},
		{"12 AM", "%I %p", -2209075200, true},
		{"1517417144", "%s", 1517417144, true},
		{"99-12-31", "%y-%m-%d", 946598400, true},
		{"68-01-01", "%y-%m-%d", 3092601600, true},
		{"20 19", "%C %y", 1546214400, true},
		{"+05:30 2020", "%z %Y", 1577750400, true}, // the offset is read and ignored
		{"Tue 2020", "%a %Y", 1577750400, true},
		{"2020 10 1", "%Y %U %w", 1583712000, true},
		{"January 2020", "%B %Y", 1577750400, true},
		{"31/12/1999", "%d/%m/%Y", 946598400, true},
		{"2020-13-01", "%Y-%m-%d", 0, false},
		{"x", "%Y", 0, false},
		{"2020", "%Y-", 0, false},
		{"2020", "%", 0, false},
		{"43", "%Ey", 0, false}, // %Ey reads an era year, then the year
		{"7171", "%Oy%Oy", 0, false},
	}
	for _, tt := range tests {
		v := evalOn(t, fmt.Sprintf("parsetime(%q, %q)", tt.s, tt.f), 0)
		if !tt.ok {
			assert.Equal(t, Value{}, v, "%q %q", tt.s, tt.f)
			continue
		}
		assert.Equal(t, Num(float64(tt.want)), v, "%q %q", tt.s, tt.f)
	}
	runEvalTests(t, Query, []evalTest{
		{in: "parsetime(1, '%Y')", err: "Invalid type (1) for argument 0 in function 'parsetime'. VALIDATE_ARG__STRING(v, 0) was false."},
		{in: "parsetime('2020', NULL)", err: "Invalid type (3) for argument 1 in function 'parsetime'. VALIDATE_ARG__STRING(v, 0) was false."},
	})
}
