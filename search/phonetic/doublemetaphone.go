package phonetic

import (
	"bytes"
	"unicode/utf8"
)

// maxCode is the length the reference implementation cuts both codes to.
const maxCode = 4

// Bytes that stand in the folded word for what has no ASCII letter of its own. Each is a
// non-ASCII byte, so no context test (which spells only ASCII) ever matches it, as the
// reference, working on Latin-1 bytes, never matches 'Ç' or 'Ñ' against a letter.
const (
	cedilla byte = 0xC7 // Ç: its own rule, always S ("français", "garçon")
	enye    byte = 0xD1 // Ñ: its own rule, always N
	other   byte = 0x80 // any other non-ASCII character, or a byte of invalid UTF-8
)

// DoubleMetaphone returns the primary and alternate Double Metaphone codes of word
// (each at most 4 characters, upper-case, like the reference implementation; the
// alternate equals the primary when the word has no alternate pronunciation). An empty
// or letter-less word gives "", "".
func DoubleMetaphone(word string) (primary, alternate string) {
	var buf [32]byte // most words fit: the encoder then stays on the stack
	e := encoder{w: fold(buf[:0], word)}
	e.last = len(e.w) - 1
	// The reference also lists "WITZ", which any word with a W already satisfies.
	e.slavoGermanic = bytes.IndexByte(e.w, 'W') >= 0 || bytes.IndexByte(e.w, 'K') >= 0 ||
		bytes.Contains(e.w, []byte("CZ"))
	e.skipSilentStart()
	for (e.pri.n < maxCode || e.alt.n < maxCode) && e.pos < len(e.w) {
		e.step()
	}
	return e.pri.String(), e.alt.String()
}

// encoder is one run of the algorithm over one word: a cursor that each letter's rule
// moves past the letters it consumed, and the two codes being built.
type encoder struct {
	w             []byte // the word folded to upper-case ASCII (see fold)
	pos           int    // the letter being encoded
	last          int    // index of the word's last byte
	slavoGermanic bool   // the word has a W, a K or a CZ: several rules turn off
	pri, alt      code
}

// code is a code being built. The reference builds both codes until each has maxCode
// symbols, then cuts them; code stops taking symbols at maxCode instead, which gives the
// same cut code without growing. A rule adds at most two symbols, so b has room.
type code struct {
	b [maxCode + 1]byte
	n int
}

func (c *code) add(s string) {
	if c.n < maxCode {
		c.n += copy(c.b[c.n:], s)
	}
}

func (c *code) String() string { return string(c.b[:min(c.n, maxCode)]) }

// fold appends word to w upper-cased, with the accented Latin letters read as their base
// letters (vowels stay vowels, so a leading 'É' still encodes as 'A') and Ç and Ñ as
// their own markers. Other characters keep their place, since the rules look at
// neighbours: ASCII ones as they are ("SAN JACINTO", "MAC CAFFREY" need the space), the
// rest as the marker other.
func fold(w []byte, word string) []byte {
	for _, r := range word {
		switch {
		case r >= 'a' && r <= 'z':
			w = append(w, byte(r-'a'+'A'))
		case r < utf8.RuneSelf:
			w = append(w, byte(r))
		case r == 'Ç' || r == 'ç':
			w = append(w, cedilla)
		case r == 'Ñ' || r == 'ñ':
			w = append(w, enye)
		default:
			if s, ok := latinFold[r]; ok {
				w = append(w, s...)
			} else {
				w = append(w, other)
			}
		}
	}
	return w
}

// latinFold maps the letters of Latin-1 Supplement and Latin Extended-A (but Ç and Ñ) to
// the ASCII letters they are read as.
var latinFold = buildLatinFold(map[string]string{
	"A":  "ÀÁÂÃÄÅàáâãäåĀāĂăĄą",
	"AE": "Ææ",
	"C":  "ĆćĈĉĊċČč",
	"D":  "ĎďĐđÐð",
	"E":  "ÈÉÊËèéêëĒēĔĕĖėĘęĚě",
	"G":  "ĜĝĞğĠġĢģ",
	"H":  "ĤĥĦħ",
	"I":  "ÌÍÎÏìíîïĨĩĪīĬĭĮįİı",
	"IJ": "Ĳĳ",
	"J":  "Ĵĵ",
	"K":  "Ķķĸ",
	"L":  "ĹĺĻļĽľĿŀŁł",
	"N":  "ŃńŅņŇňŉŊŋ",
	"O":  "ÒÓÔÕÖØòóôõöøŌōŎŏŐő",
	"OE": "Œœ",
	"R":  "ŔŕŖŗŘř",
	"S":  "ŚśŜŝŞşŠšſ",
	"SS": "ß",
	"T":  "ŢţŤťŦŧ",
	"TH": "Þþ",
	"U":  "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų",
	"W":  "Ŵŵ",
	"Y":  "ÝýÿŶŷŸ",
	"Z":  "ŹźŻżŽž",
})

func buildLatinFold(groups map[string]string) map[rune]string {
	m := make(map[rune]string)
	for to, from := range groups {
		for _, r := range from {
			m[r] = to
		}
	}
	return m
}

// skipSilentStart handles the word's start: the first letter of GN, KN, PN, WR and PS is
// silent, and an initial X sounds as S ("Xavier").
func (e *encoder) skipSilentStart() {
	if e.is(0, "GN", "KN", "PN", "WR", "PS") {
		e.pos = 1
	}
	if e.at(0) == 'X' {
		e.add1("S")
		e.pos = 1
	}
}

// step encodes the letter at pos and moves pos past every letter the rule consumed.
func (e *encoder) step() {
	switch e.w[e.pos] {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		if e.pos == 0 {
			e.add1("A") // only a leading vowel is kept, all as A
		}
		e.pos++
	case 'B':
		e.add1("P")
		e.pastDouble('B')
	case 'C':
		e.c()
	case cedilla:
		e.add1("S")
		e.pos++
	case 'D':
		e.d()
	case 'F':
		e.add1("F")
		e.pastDouble('F')
	case 'G':
		e.g()
	case 'H':
		e.h()
	case 'J':
		e.j()
	case 'K':
		e.add1("K")
		e.pastDouble('K')
	case 'L':
		e.l()
	case 'M':
		e.m()
	case 'N':
		e.add1("N")
		e.pastDouble('N')
	case enye:
		e.add1("N")
		e.pos++
	case 'P':
		e.p()
	case 'Q':
		e.add1("K")
		e.pastDouble('Q')
	case 'R':
		e.r()
	case 'S':
		e.s()
	case 'T':
		e.t()
	case 'V':
		e.add1("F")
		e.pastDouble('V')
	case 'W':
		e.wRule()
	case 'X':
		e.x()
	case 'Z':
		e.z()
	default:
		e.pos++ // not a letter the algorithm encodes
	}
}

// at returns the byte at i. Like the reference, which pads the word with spaces, it reads
// a space past the end, so "at the end of the word" tests can look for ' '; before the
// start it reads 0, which no test looks for.
func (e *encoder) at(i int) byte {
	switch {
	case i < 0:
		return 0
	case i >= len(e.w):
		return ' '
	}
	return e.w[i]
}

// is reports whether one of subs is spelt at i (each compared over its own length).
func (e *encoder) is(i int, subs ...string) bool {
	if i < 0 {
		return false
	}
	for _, s := range subs {
		if e.spelt(i, s) {
			return true
		}
	}
	return false
}

func (e *encoder) spelt(i int, s string) bool {
	for k := 0; k < len(s); k++ {
		if e.at(i+k) != s[k] {
			return false
		}
	}
	return true
}

func (e *encoder) isVowel(i int) bool {
	switch e.at(i) {
	case 'A', 'E', 'I', 'O', 'U', 'Y':
		return true
	}
	return false
}

// pastDouble moves past the letter at pos, and past the next one too when it is c: a
// doubled consonant sounds once.
func (e *encoder) pastDouble(c byte) {
	if e.at(e.pos+1) == c {
		e.pos += 2
		return
	}
	e.pos++
}

// add appends p to the primary code and a to the alternate one.
func (e *encoder) add(p, a string) {
	e.pri.add(p)
	e.alt.add(a)
}

// add1 appends s to both codes.
func (e *encoder) add1(s string) { e.add(s, s) }
