package query

import (
	"strconv"
	"strings"
)

// The String methods write a node as query text that parses back, with the Options and in
// the dialect it was parsed with, to an equal tree (positions aside). They parenthesize
// every operand that is not a single clause, because the dialects group operators
// differently, and never put two bare words side by side, because dialect 1 makes a run of
// words one intersection of its own.

// String of an intersection takes care of two more groupings. In dialect 1 words side by
// side make an intersection of their own, so a word after a word goes in parentheses. In
// dialect 2 a clause that starts with a token binding tighter than AND (a number, an affix,
// `%`, a $param, w'…') joins the clause before it first, so from the third child on such a
// clause goes in parentheses too.
func (n *Intersect) String() string {
	var b strings.Builder
	bare := false
	for i, c := range n.Children {
		if i > 0 {
			b.WriteByte(' ')
		}
		_, isTerm := c.(*Term)
		s := operand(c)
		if isTerm && bare || i >= 2 && bindsTight(s) {
			s = "(" + s + ")"
		}
		bare = isTerm && s[0] != '('
		b.WriteString(s)
	}
	return withAttrs(b.String(), n.Attrs, true)
}

// bindsTight reports whether s starts with a token that dialect 2 binds tighter than AND.
func bindsTight(s string) bool {
	return precV2.tok[firstKind(s)] > precV2.and
}

func (n *Union) String() string {
	parts := make([]string, len(n.Children))
	for i, c := range n.Children {
		parts[i] = operand(c)
	}
	return withAttrs(strings.Join(parts, " | "), n.Attrs, true)
}

func (n *Not) String() string      { return withAttrs("-("+n.Child.String()+")", n.Attrs, true) }
func (n *Optional) String() string { return withAttrs("~("+n.Child.String()+")", n.Attrs, true) }

func (n *Fields) String() string {
	names := make([]string, len(n.Names))
	for i, f := range n.Names {
		names[i] = lenientWord(f)
	}
	names[0] = escape(n.Names[0])
	return "@" + strings.Join(names, "|") + ":(" + n.Child.String() + ")"
}

func (n *Term) String() string { return withAttrs(word(n.Text), n.Attrs, false) }

func (n *Phrase) String() string {
	if len(n.Terms) == 0 {
		return withAttrs(`" "`, n.Attrs, false)
	}
	words := make([]string, len(n.Terms))
	for i, t := range n.Terms {
		words[i] = escape(t)
	}
	s := strings.Join(words, " ")
	if strings.HasSuffix(s, `\`) {
		s += " " // a backslash before the closing quote would let the phrase run on
	}
	return withAttrs(`"`+s+`"`, n.Attrs, false)
}

func (n *Affix) String() string { return withAttrs(affix(n.Kind, n.Text), n.Attrs, false) }

func affix(k AffixKind, s string) string {
	w := escape(s)
	if hasControl(s) {
		w = `"` + w + `"` // dialect 2 reads "…"* and the like as affixes too
	}
	switch k {
	case Prefix:
		return w + "*"
	case Suffix:
		return "*" + w
	}
	return "*" + w + "*"
}

func (n *Wildcard) String() string { return withAttrs(wildcard(n.Pattern), n.Attrs, false) }

// wildcard quotes a pattern, which keeps its escapes, with whichever quote it holds unescaped.
func wildcard(pat string) string {
	q := "'"
	for i := 0; i < len(pat); i++ {
		if pat[i] == '\\' {
			i++
		} else if pat[i] == '\'' {
			q = `"`
		}
	}
	return "w" + q + pat + q
}

func (n *Fuzzy) String() string {
	d := strings.Repeat("%", n.Distance)
	return withAttrs(d+lenientWord(n.Text)+d, n.Attrs, false)
}

func (n *Tag) String() string {
	vals := make([]string, len(n.Values))
	for i, v := range n.Values {
		vals[i] = v.String()
	}
	return withAttrs("@"+escape(n.Field)+":{"+strings.Join(vals, " | ")+"}", n.Attrs, false)
}

func (v TagValue) String() string {
	switch v.Kind {
	case TagPrefix:
		return affix(Prefix, v.Text)
	case TagSuffix:
		return affix(Suffix, v.Text)
	case TagInfix:
		return affix(Infix, v.Text)
	case TagWildcard:
		return wildcard(v.Text)
	}
	return lenientWord(v.Text)
}

func (n *Numeric) String() string {
	lo, hi := formatNum(n.Min), formatNum(n.Max)
	if n.MinExclusive {
		lo = "(" + lo
	}
	if n.MaxExclusive {
		hi = "(" + hi
	}
	return withAttrs("@"+escape(n.Field)+":["+lo+" "+hi+"]", n.Attrs, false)
}

func (n *Geo) String() string {
	s := "@" + escape(n.Field) + ":[" + formatNum(n.Lon) + " " + formatNum(n.Lat) + " " +
		formatNum(n.Radius) + " " + word(n.Unit) + "]"
	return withAttrs(s, n.Attrs, false)
}

func (n *All) String() string       { return "*" }
func (n *Empty) String() string     { return "" }
func (n *IsMissing) String() string { return "ismissing(@" + escape(n.Field) + ")" }

func (n *KNN) String() string {
	var b strings.Builder
	if _, all := n.Filter.(*All); all || n.Filter == nil {
		b.WriteString("*")
	} else {
		b.WriteString("(" + n.Filter.String() + ")")
	}
	b.WriteString("=>[KNN " + strconv.Itoa(n.K) + " @" + escape(n.Field) + " $" + n.BlobParam)
	if n.EFRuntime != nil {
		b.WriteString(" EF_RUNTIME " + strconv.Itoa(*n.EFRuntime))
	}
	if n.Epsilon != nil {
		b.WriteString(" EPSILON " + formatNum(*n.Epsilon))
	}
	if n.HybridPolicy != "" {
		b.WriteString(" HYBRID_POLICY " + rawWord(n.HybridPolicy))
	}
	if n.BatchSize != nil {
		b.WriteString(" BATCH_SIZE " + strconv.Itoa(*n.BatchSize))
	}
	if n.Alias != "" {
		b.WriteString(" AS " + rawWord(n.Alias))
	}
	b.WriteString("]")
	return withAttrs(b.String(), n.Attrs, false)
}

func (n *VectorRange) String() string {
	s := "@" + escape(n.Field) + ":[VECTOR_RANGE " + formatNum(n.Radius) + " $" + n.BlobParam + "]"
	return withAttrs(s, n.Attrs, false)
}

func (a Attrs) String() string {
	var parts []string
	add := func(name, value string) { parts = append(parts, "$"+name+": "+value) }
	if a.Weight != nil {
		add("weight", formatNum(*a.Weight))
	}
	if a.Slop != nil {
		add("slop", strconv.Itoa(*a.Slop))
	}
	if a.InOrder != nil {
		add("inorder", strconv.FormatBool(*a.InOrder))
	}
	if a.Phonetic != nil {
		add("phonetic", strconv.FormatBool(*a.Phonetic))
	}
	if a.YieldDistanceAs != "" {
		add("yield_distance_as", rawWord(a.YieldDistanceAs))
	}
	if a.EFRuntime != nil {
		add("ef_runtime", strconv.Itoa(*a.EFRuntime))
	}
	if a.Epsilon != nil {
		add("epsilon", formatNum(*a.Epsilon))
	}
	return "{" + strings.Join(parts, "; ") + "}"
}

func (a Attrs) empty() bool { return a == Attrs{} }

// withAttrs appends a's attributes to s, in parentheses first if s is an operator's text.
func withAttrs(s string, a Attrs, wrap bool) string {
	if a.empty() {
		return s
	}
	if wrap {
		s = "(" + s + ")"
	}
	return s + "=>" + a.String()
}

// operand is n's text as an operand of another node: a single clause as it is, anything
// else in parentheses.
func operand(n Node) string {
	if a := attrsOf(n); a != nil && !a.empty() {
		return "(" + n.String() + ")"
	}
	switch n.(type) {
	case *Term, *Phrase, *Affix, *Wildcard, *Fuzzy, *Numeric, *Geo, *IsMissing, *VectorRange:
		return n.String()
	}
	return "(" + n.String() + ")"
}

// word is a word's text, escaped; the empty word is `""`.
func word(s string) string {
	if s == "" {
		return `""`
	}
	return escape(s)
}

// lenientWord is word for where dialect 2 reads a quoted string as a word: there a word
// with control bytes, which cannot be escaped, can be quoted.
func lenientWord(s string) string {
	if hasControl(s) {
		return `"` + escape(s) + `"`
	}
	return word(s)
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if isCntrl(s[i]) && !isSpace(s[i]) {
			return true
		}
	}
	return false
}

// rawWord writes a value RediSearch takes as written, escapes and all (an alias, an
// attribute's value): bare if it is one word, else quoted (dialect 2 reads a quoted string
// as a word there).
func rawWord(s string) string {
	if isWord(s) {
		return s
	}
	if strings.Contains(s, `"`) {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}
