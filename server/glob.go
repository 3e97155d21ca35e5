package server

// matchGlob reports whether s matches the glob pattern as Redis' stringmatchlen does, for
// KEYS, SCAN MATCH and the other commands that take a pattern:
//
//	"*"      any run of bytes, including none
//	"?"      any one byte
//	"[abc]"  one byte of the set; "[^abc]" one byte not in it; "[a-z]" a range, either order
//	"\x"     the byte x itself, outside and inside brackets
//
// Redis' quirks are kept, because clients see them: an unterminated '[' set ends with the
// pattern, a trailing '\' matches a backslash, and range bounds compare as signed chars (C's
// char is signed on the platforms Redis runs on), so "[a-\xff]" is the range -1…'a'.
// nocase folds ASCII letters only, as C's tolower does in the C locale.
func matchGlob(pattern, s string, nocase bool) bool {
	m := globMatcher{nocase: nocase}
	return m.match(pattern, s)
}

type globMatcher struct {
	nocase bool
	// giveUp is Redis' skipLongerMatches: once the text after a '*' matched nowhere in the
	// rest of s, no earlier '*' can help by swallowing more, so every caller fails at once.
	// It keeps patterns such as "a*a*a*a*b" from taking exponential time.
	giveUp bool
}

func (m *globMatcher) fold(c byte) byte {
	if m.nocase && 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (m *globMatcher) match(p, s string) bool {
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for ; len(s) > 0; s = s[1:] {
				if m.match(p[1:], s) {
					return true
				}
				if m.giveUp {
					return false
				}
			}
			m.giveUp = true
			return false
		case '?':
			p = p[1:]
		case '[':
			rest, in := m.class(p[1:], s[0])
			if !in {
				return false
			}
			p = rest
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if m.fold(p[0]) != m.fold(s[0]) {
				return false
			}
			p = p[1:]
		}
		s = s[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
		}
	}
	return len(p) == 0 && len(s) == 0
}

// class matches c against the set that starts at p (just after '[') and returns the pattern
// after the set and whether c is in it. An unterminated set runs to the end of the pattern.
func (m *globMatcher) class(p string, c byte) (rest string, in bool) {
	not := len(p) > 0 && p[0] == '^'
	if not {
		p = p[1:]
	}
	for {
		switch {
		case len(p) == 0:
			return "", in != not
		case p[0] == '\\' && len(p) >= 2:
			p = p[1:]
			if p[0] == c {
				in = true
			}
		case p[0] == ']':
			return p[1:], in != not
		case len(p) >= 3 && p[1] == '-':
			lo, hi, x := int(int8(p[0])), int(int8(p[2])), int(int8(c))
			if lo > hi {
				lo, hi = hi, lo
			}
			if m.nocase {
				lo, hi, x = lowerSigned(lo), lowerSigned(hi), lowerSigned(x)
			}
			if lo <= x && x <= hi {
				in = true
			}
			p = p[2:]
		default:
			if m.fold(p[0]) == m.fold(c) {
				in = true
			}
		}
		p = p[1:]
	}
}

func lowerSigned(c int) int {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
