package phonetic

// The rules of the letters whose sound depends on their neighbours, in Philips' order of
// tests: the first test that holds decides. Each comment names the words Philips gave
// for the case; the tests in doublemetaphone_test.go use them.

// germanic reports a word read the German or Dutch way throughout: "van ...", "von ...",
// or starting with SCH.
func (e *encoder) germanic() bool {
	return e.is(0, "VAN ", "VON ", "SCH")
}

// c encodes C, the letter with the most cases.
func (e *encoder) c() {
	i := e.pos
	switch {
	case e.germanicACH(): // "bacher", "macher", "ach" after a consonant
		e.add1("K")
		e.pos += 2
	case i == 0 && e.is(i, "CAESAR"):
		e.add1("S")
		e.pos += 2
	case e.is(i, "CHIA"): // Italian "chianti"
		e.add1("K")
		e.pos += 2
	case e.is(i, "CH"):
		e.ch()
		e.pos += 2
	case e.is(i, "CZ") && !e.is(i-2, "WICZ"): // "czerny"
		e.add("S", "X")
		e.pos += 2
	case e.is(i+1, "CIA"): // "focaccia"
		e.add1("X")
		e.pos += 3
	case e.is(i, "CC") && !(i == 1 && e.at(0) == 'M'): // but not "McClellan"
		e.cc()
	case e.is(i, "CK", "CG", "CQ"):
		e.add1("K")
		e.pos += 2
	case e.is(i, "CI", "CE", "CY"):
		if e.is(i, "CIO", "CIE", "CIA") { // Italian against English
			e.add("S", "X")
		} else {
			e.add1("S")
		}
		e.pos += 2
	default:
		e.add1("K")
		switch {
		case e.is(i+1, " C", " Q", " G"): // "mac caffrey", "mac gregor"
			e.pos += 3
		case e.is(i+1, "C", "K", "Q") && !e.is(i+1, "CE", "CI"):
			e.pos += 2
		default:
			e.pos++
		}
	}
}

// germanicACH reports a C in -ACH- after a consonant and not before I, nor before E unless
// in -BACHER- or -MACHER-.
func (e *encoder) germanicACH() bool {
	i := e.pos
	return i > 1 && !e.isVowel(i-2) && e.is(i-1, "ACH") && e.at(i+2) != 'I' &&
		(e.at(i+2) != 'E' || e.is(i-2, "BACHER", "MACHER"))
}

// ch encodes the CH at pos (the caller moves past it).
func (e *encoder) ch() {
	i := e.pos
	switch {
	case i > 0 && e.is(i, "CHAE"): // "michael"
		e.add("K", "X")
	case i == 0 && e.is(i+1, "HARAC", "HARIS", "HOR", "HYM", "HIA", "HEM") && !e.is(0, "CHORE"):
		e.add1("K") // Greek roots: "chemistry", "chorus"
	case e.germanic(),
		e.is(i-2, "ORCHES", "ARCHIT", "ORCHID"), // but not "arch"
		e.is(i+2, "T", "S"),
		// "wachtler", "wechsler", but not "tichner"
		(i == 0 || e.is(i-1, "A", "O", "U", "E")) &&
			e.is(i+2, "L", "R", "N", "M", "B", "H", "F", "V", "W", " "):
		e.add1("K")
	case i == 0:
		e.add1("X")
	case e.is(0, "MC"): // "McHugh"
		e.add1("K")
	default:
		e.add("X", "K")
	}
}

// cc encodes the CC at pos, which is not the one of "McC-".
func (e *encoder) cc() {
	i := e.pos
	if !e.is(i+2, "I", "E", "H") || e.is(i+2, "HU") { // "bacchus"; Pierce's rule
		e.add1("K")
		e.pos += 2
		return
	}
	if (i == 1 && e.at(0) == 'A') || e.is(i-1, "UCCEE", "UCCES") { // "accident", "succeed"
		e.add1("KS")
	} else { // "bacci", "bertucci", "bellocchio"
		e.add1("X")
	}
	e.pos += 3
}

func (e *encoder) d() {
	i := e.pos
	switch {
	case e.is(i, "DG") && e.is(i+2, "I", "E", "Y"): // "edge"
		e.add1("J")
		e.pos += 3
	case e.is(i, "DG"): // "edgar"
		e.add1("TK")
		e.pos += 2
	case e.is(i, "DT", "DD"):
		e.add1("T")
		e.pos += 2
	default:
		e.add1("T")
		e.pos++
	}
}

func (e *encoder) g() {
	i := e.pos
	next := e.at(i + 1)
	switch {
	case next == 'H':
		e.gh()
	case next == 'N':
		e.gn()
	case e.is(i+1, "LI") && !e.slavoGermanic: // Italian "tagliaro"
		e.add("KL", "L")
		e.pos += 2
	case i == 0 && (next == 'Y' ||
		e.is(i+1, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER")):
		e.add("K", "J")
		e.pos += 2
	case (e.is(i+1, "ER") || next == 'Y') && !e.is(0, "DANGER", "RANGER", "MANGER") &&
		!e.is(i-1, "E", "I") && !e.is(i-1, "RGY", "OGY"):
		e.add("K", "J")
		e.pos += 2
	case e.is(i+1, "E", "I", "Y") || e.is(i-1, "AGGI", "OGGI"): // Italian "biaggi"
		switch {
		case e.germanic() || e.is(i+1, "ET"):
			e.add1("K")
		case e.is(i+1, "IER "): // a French ending is always soft: "rogier"
			e.add1("J")
		default:
			e.add("J", "K")
		}
		e.pos += 2
	default:
		e.add1("K")
		e.pastDouble('G')
	}
}

// gh encodes the GH at pos and moves past it.
func (e *encoder) gh() {
	i := e.pos
	e.pos += 2
	switch {
	case i > 0 && !e.isVowel(i-1):
		e.add1("K")
	case i == 0: // "ghislane", "ghiradelli"
		if e.at(i+2) == 'I' {
			e.add1("J")
		} else {
			e.add1("K")
		}
	// Parker's rule: silent in "hugh", "bough", "broughton".
	case i > 1 && e.is(i-2, "B", "H", "D"),
		i > 2 && e.is(i-3, "B", "H", "D"),
		i > 3 && e.is(i-4, "B", "H"):
	case i > 2 && e.at(i-1) == 'U' && e.is(i-3, "C", "G", "L", "R", "T"):
		e.add1("F") // "laugh", "McLaughlin", "cough", "gough", "rough", "tough"
	case e.at(i-1) != 'I':
		e.add1("K")
	}
}

// gn encodes the GN at pos and moves past it.
func (e *encoder) gn() {
	i := e.pos
	switch {
	case i == 1 && e.isVowel(0) && !e.slavoGermanic:
		e.add("KN", "N")
	case !e.is(i+2, "EY") && !e.slavoGermanic: // not "cagney"
		e.add("N", "KN")
	default:
		e.add1("KN")
	}
	e.pos += 2
}

// h keeps an H only at the start or after a vowel, and before a vowel.
func (e *encoder) h() {
	i := e.pos
	if (i == 0 || e.isVowel(i-1)) && e.isVowel(i+1) {
		e.add1("H")
		e.pos += 2
		return
	}
	e.pos++
}

func (e *encoder) j() {
	i := e.pos
	if e.is(i, "JOSE") || e.is(0, "SAN ") { // obviously Spanish: "jose", "san jacinto"
		if (i == 0 && e.at(i+4) == ' ') || e.is(0, "SAN ") {
			e.add1("H")
		} else {
			e.add("J", "H")
		}
		e.pos++
		return
	}
	switch {
	case i == 0: // "Yankelovich" against "Jankelowicz"
		e.add("J", "A")
	case e.isVowel(i-1) && !e.slavoGermanic && (e.at(i+1) == 'A' || e.at(i+1) == 'O'):
		e.add("J", "H") // Spanish "bajador"
	case i == e.last:
		e.add("J", "")
	case !e.is(i+1, "L", "T", "K", "S", "N", "M", "B", "Z") && !e.is(i-1, "S", "K", "L"):
		e.add1("J")
	}
	e.pastDouble('J')
}

// l encodes L; the Spanish -LL- of "cabrillo" and "gallegos" has an alternate without it.
func (e *encoder) l() {
	i := e.pos
	if e.at(i+1) != 'L' {
		e.add1("L")
		e.pos++
		return
	}
	e.pos += 2
	if (i == len(e.w)-3 && e.is(i-1, "ILLO", "ILLA", "ALLE")) ||
		((e.is(e.last-1, "AS", "OS") || e.is(e.last, "A", "O")) && e.is(i-1, "ALLE")) {
		e.add("L", "")
		return
	}
	e.add1("L")
}

// m encodes M, swallowing the silent B of "dumb", "thumb" and "plumber".
func (e *encoder) m() {
	i := e.pos
	if (e.is(i-1, "UMB") && (i+1 == e.last || e.is(i+2, "ER"))) || e.at(i+1) == 'M' {
		e.pos += 2
	} else {
		e.pos++
	}
	e.add1("M")
}

func (e *encoder) p() {
	i := e.pos
	if e.at(i+1) == 'H' {
		e.add1("F")
		e.pos += 2
		return
	}
	if e.is(i+1, "P", "B") { // "campbell", "raspberry"
		e.pos += 2
	} else {
		e.pos++
	}
	e.add1("P")
}

// r encodes R; a French final -IER ("rogier") keeps it only in the alternate, but not
// after ME or MA ("hochmeier").
func (e *encoder) r() {
	i := e.pos
	if i == e.last && !e.slavoGermanic && e.is(i-2, "IE") && !e.is(i-4, "ME", "MA") {
		e.add("", "R")
	} else {
		e.add1("R")
	}
	e.pastDouble('R')
}

func (e *encoder) s() {
	i := e.pos
	switch {
	case e.is(i-1, "ISL", "YSL"): // silent: "island", "isle", "carlisle", "carlysle"
		e.pos++
	case i == 0 && e.is(i, "SUGAR"):
		e.add("X", "S")
		e.pos++
	case e.is(i, "SH"):
		if e.is(i+1, "HEIM", "HOEK", "HOLM", "HOLZ") { // Germanic
			e.add1("S")
		} else {
			e.add1("X")
		}
		e.pos += 2
	case e.is(i, "SIO", "SIA"): // Italian and Armenian (the reference's "SIAN" is in "SIA")
		if e.slavoGermanic {
			e.add1("S")
		} else {
			e.add("S", "X")
		}
		e.pos += 3
	// German and anglicised: "smith" against "schmidt", "snider" against "schneider";
	// also the Slavic -SZ-, though Hungarian says S.
	case i == 0 && e.is(i+1, "M", "N", "L", "W"), e.is(i+1, "Z"):
		e.add("S", "X")
		e.pastDouble('Z')
	case e.is(i, "SC"):
		e.sc()
	default:
		if i == e.last && e.is(i-2, "AI", "OI") { // French "resnais", "artois"
			e.add("", "S")
		} else {
			e.add1("S")
		}
		if e.is(i+1, "S", "Z") {
			e.pos += 2
		} else {
			e.pos++
		}
	}
}

// sc encodes the SC at pos and the letter after it (Schlesinger's rule).
func (e *encoder) sc() {
	i := e.pos
	e.pos += 3
	switch {
	case e.at(i+2) != 'H':
		if e.is(i+2, "I", "E", "Y") {
			e.add1("S")
		} else {
			e.add1("SK")
		}
	case e.is(i+3, "ER", "EN"): // Dutch "schermerhorn", "schenker"
		e.add("X", "SK")
	case e.is(i+3, "OO", "UY", "ED", "EM"): // Dutch "school", "schooner"
		e.add1("SK")
	case i == 0 && !e.isVowel(3) && e.at(3) != 'W': // "schmidt", "schneider"
		e.add("X", "S")
	default:
		e.add1("X")
	}
}

func (e *encoder) t() {
	i := e.pos
	switch {
	case e.is(i, "TION", "TIA", "TCH"):
		e.add1("X")
		e.pos += 3
	case e.is(i, "TH", "TTH"):
		if e.is(i+2, "OM", "AM") || e.germanic() { // "thomas", "thames"
			e.add1("T")
		} else {
			e.add("0", "T")
		}
		e.pos += 2
	default:
		e.add1("T")
		if e.is(i+1, "T", "D") {
			e.pos += 2
		} else {
			e.pos++
		}
	}
}

// wRule encodes W, which is mostly silent after the start.
func (e *encoder) wRule() {
	i := e.pos
	if e.is(i, "WR") { // can also be inside the word
		e.add1("R")
		e.pos += 2
		return
	}
	if i == 0 && e.isVowel(i+1) { // "Wasserman" against "Vasserman"
		e.add("A", "F")
	} else if i == 0 && e.is(i, "WH") { // "Womo" against "Uomo"
		e.add1("A")
	}
	switch {
	// "Arnow" against "Arnoff"
	case i == e.last && e.isVowel(i-1),
		e.is(i-1, "EWSKI", "EWSKY", "OWSKI", "OWSKY"),
		e.is(0, "SCH"):
		e.add("", "F")
		e.pos++
	case e.is(i, "WICZ", "WITZ"): // Polish "filipowicz"
		e.add("TS", "FX")
		e.pos += 4
	default:
		e.pos++
	}
}

// x encodes X as KS, but for the silent French final X of "breaux".
func (e *encoder) x() {
	i := e.pos
	if !(i == e.last && (e.is(i-3, "IAU", "EAU") || e.is(i-2, "AU", "OU"))) {
		e.add1("KS")
	}
	if e.is(i+1, "C", "X") {
		e.pos += 2
	} else {
		e.pos++
	}
}

func (e *encoder) z() {
	i := e.pos
	if e.at(i+1) == 'H' { // Chinese pinyin "zhao"
		e.add1("J")
		e.pos += 2
		return
	}
	if e.is(i+1, "ZO", "ZI", "ZA") || (e.slavoGermanic && i > 0 && e.at(i-1) != 'T') {
		e.add("S", "TS")
	} else {
		e.add1("S")
	}
	e.pastDouble('Z')
}
