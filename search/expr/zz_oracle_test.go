package expr

// TEMPORARY differential test against a locally built RediSearch parser; deleted before hand-off.

import (
	"bufio"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func oracleDump(n *node) string {
	switch n.op {
	case opLit:
		switch n.val.Kind {
		case Null:
			return "NULL"
		case String:
			return "STR<" + n.val.Str + ">"
		}
		return fmt.Sprintf("N%016x", math.Float64bits(n.val.Num))
	case opProp:
		return "@<" + n.name + ">"
	case opNot:
		return "!" + oracleDump(n.l)
	case opCall:
		var a []string
		for _, x := range n.args {
			a = append(a, oracleDump(x))
		}
		return n.fn.name + "(" + strings.Join(a, ", ") + ")"
	case opAnd:
		return "(" + oracleDump(n.l) + " && " + oracleDump(n.r) + ")"
	case opOr:
		return "(" + oracleDump(n.l) + " || " + oracleDump(n.r) + ")"
	}
	return "(" + oracleDump(n.l) + " " + opText[n.sub] + " " + oracleDump(n.r) + ")"
}

var vocab = []string{"1", "-2", "+3", "2.5", "1e3", "0", "inf", "-inf", "+inf", "'inf", "'a'", "\"b\"", "'x\\'y'", "\"q\\\"", "@a", "@b_1", "@", "NULL", "foo", "sqrt", "SQRT", "case", "split", "format", "exists", "banana",
	"(", ")", ",", "+", "-", "*", "/", "%", "^", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!", "=", "&", "|", "$", ";", ".", "\\", "'", "\"", "é", "\x01", "_", "@a\\.b", "\t", "\x02", "1.", ".5", "1e", "e5", "1e+5", "-1e-5", "substr", "timefmt(", "geodistance", "matched_terms", "x(", "NULL(", "''", "\"\"", "'a\\\\'", "\\'", "'\x01'", "\"a\\\x01b\"", "@a\\ b", "@1", "@é", "!!", "!=", "==="}

func randExpr(r *rand.Rand) string {
	n := 1 + r.Intn(12)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(vocab[r.Intn(len(vocab))])
		if r.Intn(2) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

var binops = []string{"+", "-", "*", "/", "%", "^", "==", "!=", "<", "<=", ">", ">=", "&&", "||"}
var atoms = []string{"1", "2", "3", "@a", "@b", "'s'", "NULL", "sqrt(4)", "case(1, 2, 3)", "-1", "0.5"}

func structExpr(r *rand.Rand, depth int) string {
	if depth == 0 || r.Intn(3) == 0 {
		a := atoms[r.Intn(len(atoms))]
		if r.Intn(5) == 0 {
			a = "!" + a
		}
		return a
	}
	switch r.Intn(4) {
	case 0:
		return "(" + structExpr(r, depth-1) + ")"
	case 1:
		return "!" + structExpr(r, depth-1)
	}
	return structExpr(r, depth-1) + " " + binops[r.Intn(len(binops))] + " " + structExpr(r, depth-1)
}

func TestZZOracle(t *testing.T) {
	if os.Getenv("EXPR_ORACLE") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(1))
	var inputs []string
	for i := 0; i < 300000; i++ {
		inputs = append(inputs, randExpr(r))
	}
	for i := 0; i < 20000; i++ {
		inputs = append(inputs, structExpr(r, 4))
	}
	cmd := exec.Command("/tmp/oracle/oracle")
	cmd.Stdin = strings.NewReader(strings.Join(inputs, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	bad := 0
	for i := 0; sc.Scan(); i++ {
		want := sc.Text()
		src := strings.ReplaceAll(inputs[i], "\x01", "\n")
		e, err := Parse(src, nil)
		var got string
		if err != nil {
			got = "ERR " + err.Error()
			if strings.HasPrefix(err.Error(), "Missing (or badly") && strings.Contains(want, "?") {
				continue
			}
		} else {
			got = oracleDump(e.root)
		}
		got = strings.ReplaceAll(got, "\n", "\x01")
		if got != want {
			bad++
			if bad < 40 {
				t.Errorf("%q:\n got  %s\n want %s", inputs[i], got, want)
			}
		}
	}
	t.Logf("%d mismatches of %d", bad, len(inputs))
}

func runHex(t *testing.T, bin string, lines []string) []string {
	cmd := exec.Command(bin)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

var fmtPieces = []string{"%a", "%A", "%b", "%B", "%c", "%C", "%d", "%D", "%e", "%F", "%g", "%G", "%h", "%H", "%I", "%j", "%k", "%l", "%m", "%M", "%n", "%p", "%P", "%r", "%R", "%s", "%S", "%t", "%T", "%u", "%U", "%V", "%w", "%W", "%x", "%X", "%y", "%Y", "%z", "%Z", "%%", "%q", "%", "-", ":", "T", "Z", " ", "x"}
var flagPieces = []string{"", "", "", "_", "-", "0", "^", "#", "^#", "-_", "_0", "E", "O", "3", "10", "_6", "-4", "01"}

func TestZZStrftime(t *testing.T) {
	if os.Getenv("EXPR_ORACLE") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(int64(len(os.Getenv("EXPR_ORACLE")))+2))
	tss := []int64{0, -1, 1517417144, 1706294258, 1709230599, 951782400, 1230768000, 1262217600, 1293753600, 1104537600, 1609459199, 1609459200, -62135596800, -62198755200, -31000000000, -62300000000, 253402300800, 4102444800, 33000000000, -1000000000000, 1 << 40, -(1 << 40), 67767976233532799, 67767976233532800, -67768040609740800, -67768040609740801}
	for i := 0; i < 300; i++ {
		tss = append(tss, r.Int63n(1<<36)-(1<<35))
	}
	var lines []string
	var cases [][2]string
	for _, ts := range tss {
		for i := 0; i < 200; i++ {
			var b strings.Builder
			for j := 0; j < 1+r.Intn(4); j++ {
				p := fmtPieces[r.Intn(len(fmtPieces))]
				if p[0] == '%' && len(p) == 2 && r.Intn(2) == 0 {
					p = "%" + flagPieces[r.Intn(len(flagPieces))] + p[1:]
				}
				b.WriteString(p)
			}
			f := b.String()
			lines = append(lines, fmt.Sprintf("%d\t%x", ts, f))
			cases = append(cases, [2]string{fmt.Sprint(ts), f})
		}
	}
	out := runHex(t, "/tmp/ctest/sfd", lines)
	bad := 0
	for i, want := range out {
		var ts int64
		fmt.Sscan(cases[i][0], &ts)
		c, ok := gmtime(ts)
		got := "GMFAIL"
		if ok {
			s := strftime(cases[i][1], c, ts)
			if len(s) > 1023 {
				s = ""
			}
			got = fmt.Sprintf("R%x", s)
		}
		if got != want {
			bad++
			if bad < 30 {
				t.Errorf("%d %q: got %s want %s", ts, cases[i][1], got, want)
			}
		}
	}
	t.Logf("%d mismatches of %d", bad, len(out))
}

var ptPieces = []string{"%Y", "%m", "%d", "%e", "%H", "%M", "%S", "%y", "%C", "%j", "%b", "%B", "%h", "%a", "%A", "%p", "%I", "%l", "%k", "%T", "%D", "%R", "%r", "%F", "%c", "%x", "%X", "%s", "%z", "%Z", "%n", "%t", "%%", "%U", "%W", "%u", "%w", "%V", "%g", "%G", "%EY", "%Oy", "%Ey", "%OY", "%5Y", "%-d", "%", "-", ":", " ", "T", "Z", "/", "x", "%q"}
var inPieces = []string{"2021", "1999", "0", "00", "1", "12", "13", "31", "32", "59", "60", "61", "99", "366", "1234567890", "-", ":", " ", "  ", "\t", "T", "Z", "/", "x", "jan", "January", "FEB", "Sep", "Sept", "mon", "Tuesday", "am", "PM", "+0100", "-05:30", "+12", "+123", "GMT", "%", "9999", "10000", "070", "7"}

func TestZZStrptime(t *testing.T) {
	if os.Getenv("EXPR_ORACLE") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(int64(len(os.Getenv("EXPR_ORACLE")))+3))
	var lines []string
	var cases [][2]string
	add := func(in, f string) {
		lines = append(lines, fmt.Sprintf("%x\t%x", in, f))
		cases = append(cases, [2]string{in, f})
	}
	for i := 0; i < 150000; i++ {
		var fb strings.Builder
		for j := 0; j < 1+r.Intn(5); j++ {
			fb.WriteString(ptPieces[r.Intn(len(ptPieces))])
		}
		f := fb.String()
		switch r.Intn(3) {
		case 0: // a formatted time parsed back with the same format
			ts := r.Int63n(1<<34) - (1 << 33)
			c, _ := gmtime(ts)
			add(strftime(f, c, ts), f)
		case 1:
			ts := r.Int63n(1<<34) - (1 << 33)
			c, _ := gmtime(ts)
			var f2 strings.Builder
			for j := 0; j < 1+r.Intn(5); j++ {
				f2.WriteString(ptPieces[r.Intn(len(ptPieces))])
			}
			add(strftime(f2.String(), c, ts), f)
		default:
			var ib strings.Builder
			for j := 0; j < 1+r.Intn(6); j++ {
				ib.WriteString(inPieces[r.Intn(len(inPieces))])
			}
			add(ib.String(), f)
		}
	}
	out := runHex(t, "/tmp/ctest/spd", lines)
	bad := 0
	for i, want := range out {
		got := "FAIL"
		if st, ok := parseTime(cases[i][0], cases[i][1]); ok {
			if st.outOfTable {
				continue
			}
			got = fmt.Sprint(timegm(st.tm))
		}
		if got != want {
			bad++
			if bad < 30 {
				t.Errorf("%q %q: got %s want %s", cases[i][0], cases[i][1], got, want)
			}
		}
	}
	t.Logf("%d mismatches of %d", bad, len(out))
}

func TestZZFormat(t *testing.T) {
	if os.Getenv("EXPR_ORACLE") == "" {
		t.Skip()
	}
	r := rand.New(rand.NewSource(4))
	var fs []float64
	for i := 0; i < 200000; i++ {
		var f float64
		switch i % 5 {
		case 0:
			f = math.Float64frombits(r.Uint64())
		case 1:
			f = float64(r.Int63n(1<<60)-(1<<59)) / math.Pow(10, float64(r.Intn(20)))
		case 2:
			f = r.NormFloat64() * math.Pow(10, float64(r.Intn(40)-20))
		case 3:
			f = math.Round(r.NormFloat64()*1e6) / 1000
		default:
			f = float64(r.Int63()) * float64(1+r.Intn(3))
		}
		fs = append(fs, f)
	}
	fs = append(fs, 9.2233720368547758e18, -9.2233720368547758e18, math.Inf(1), math.Inf(-1), negNaN, math.NaN(), 0, math.Copysign(0, -1), 1e300, 5e-324)
	var lines []string
	for _, f := range fs {
		lines = append(lines, fmt.Sprintf("%x", math.Float64bits(f)))
	}
	out := runHex(t, "/tmp/ctest/nts", lines)
	bad := 0
	for i, want := range out {
		got := formatNumber(fs[i]) + "|" + formatFixedC(fs[i])
		if got != want {
			bad++
			if bad < 20 {
				t.Errorf("%v (%x): got %q want %q", fs[i], math.Float64bits(fs[i]), got, want)
			}
		}
	}
	t.Logf("%d mismatches of %d", bad, len(out))
}

func formatFixedC(f float64) string {
	s := formatFixed(f)
	if s == "" {
		return strconv.FormatFloat(f, 'f', 6, 64)
	}
	return s
}
