package query

import (
	"strconv"
	"strings"
)

// FT.EXPLAIN's layout, after RediSearch's QueryNode_DumpSds (src/query.c) and the outputs
// its tests pin (tests/pytests/test.py testExplain, test_tags.py, test_parser.py,
// test_dialect.py, test_empty.py): one node per line, children indented two spaces more
// than their parent between `TYPE {` and `}`; a node restricted to some TEXT fields is
// prefixed `@f|g:` (`@NULL:` when no field is left); non-default attributes follow as
// ` => { $weight: 2; $slop: 1; $inorder: false; }`.
//
// RediSearch prints its tree after expansion and after building its iterators, which
// rewrite some nodes in place, and the printer does the same to darner's tree:
//
//	word            UNION { word  <CODE(expanded)  +stem(expanded)  stem(expanded) }, the word
//	                lower-cased; the stem expansions leave out NOSTEM fields. A word is not
//	                expanded when VERBATIM, in an exact phrase, a number in dialect 2, or when
//	                every field it is restricted to is NOSTEM.
//	"a b"           EXACT { a b }; dialect 1's one-word phrase is a verbatim word
//	a b / a | b     INTERSECT { … } / UNION { … }
//	-a / ~a         NOT{ … } / OPTIONAL{ … }
//	pre* *suf *in*  PREFIX{pre*} SUFFIX{*suf} INFIX{*in*}, as written (unescaped)
//	w'p?t'          WILDCARD{p?t}, escapes removed
//	%w%             FUZZY{w}
//	@t:{a|b*}       TAG:@t { a  PREFIX{b*} }, values lower-cased unless CASESENSITIVE
//	@n:[1 (2]       NUMERIC {1.000000 <= @n < 2.000000}
//	@g:[1 2 3 km]   GEO g:{1.000000,2.000000 --> 3.000000 km}
//	ismissing(@f)   ISMISSING{f}
//	*, nothing      <WILDCARD>, <empty>
//	KNN, RANGE      VECTOR {K=10 nearest vectors to `$B` in vector index associated with
//	                field @v, EF_RUNTIME = 100, yields distance as `__v_score`}, the filter
//	                as a child: VECTOR {\n  filter\n} => {K=…}
//
// Field modifiers are no node of their own: like RediSearch's field masks they restrict
// every node under them, and show on each.

// ExplainOptions tell Explain what it needs of the index and the request.
type ExplainOptions struct {
	Dialect  int  // as for Parse; 0 means 1
	Verbatim bool // VERBATIM: no word is expanded
	// TextFields are the index's TEXT attributes in schema order: RediSearch's field bits,
	// in which order a field mask lists its names.
	TextFields []ExplainField
	// Stem returns a lower-cased word's stem; ok is false when the language has no stemmer
	// (then words get no stem expansions). Nil: no stemmer.
	Stem func(word string) (stem string, ok bool)
	// Phonetic returns the phonetic codes a word also matches in PHONETIC fields. Nil: none.
	Phonetic func(word string) []string
	// FoldTag reports whether a TAG attribute's values are lower-cased (it is a TAG field
	// and not CASESENSITIVE). Nil: none is.
	FoldTag func(field string) bool
}

// ExplainField is one TEXT attribute, as Explain needs it.
type ExplainField struct {
	Name     string
	NoStem   bool
	Phonetic bool
}

// Explain writes tree n as FT.EXPLAIN does; the text ends with a newline.
func Explain(n Node, o ExplainOptions) string {
	if o.Dialect == 0 {
		o.Dialect = 1
	}
	x := &explainer{o: o}
	x.node(n, nil, 0)
	return x.b.String()
}

// fieldMask is the set of TEXT fields (by number) a node is restricted to; nil is all of
// them and more (RediSearch's RS_FIELDMASK_ALL), which a modifier naming every field is not.
type fieldMask []bool

func (m fieldMask) none() bool {
	for _, on := range m {
		if on {
			return false
		}
	}
	return true
}

type explainer struct {
	o ExplainOptions
	b strings.Builder
}

// node writes n and its children at depth under mask.
func (x *explainer) node(n Node, mask fieldMask, depth int) {
	switch n := n.(type) {
	case *Fields:
		x.node(n.Child, x.restrict(mask, n.Names), depth)
	case *Intersect:
		x.group(depth, mask, true, "INTERSECT {", n.Attrs, n.Children...)
	case *Union:
		x.group(depth, mask, true, "UNION {", n.Attrs, n.Children...)
	case *Not:
		x.group(depth, mask, true, "NOT{", n.Attrs, n.Child)
	case *Optional:
		x.group(depth, mask, true, "OPTIONAL{", n.Attrs, n.Child)
	case *Term:
		x.term(n, mask, depth)
	case *Phrase:
		x.phrase(n, mask, depth)
	case *Affix:
		x.leaf(depth, mask, true, affixText(n.Kind, n.Text), n.Attrs)
	case *Wildcard:
		x.leaf(depth, mask, true, "WILDCARD{"+removeEscapes(n.Pattern)+"}", n.Attrs)
	case *Fuzzy:
		x.leaf(depth, mask, true, "FUZZY{"+lower(n.Text)+"}", n.Attrs)
	case *Tag:
		x.tag(n, mask, depth)
	case *Numeric:
		s := "NUMERIC {" + formatC(n.Min) + rangeOp(n.MinExclusive) + "@" + n.Field +
			rangeOp(n.MaxExclusive) + formatC(n.Max) + "}"
		x.leaf(depth, mask, false, s, n.Attrs)
	case *Geo:
		s := "GEO " + n.Field + ":{" + formatC(n.Lon) + "," + formatC(n.Lat) + " --> " +
			formatC(n.Radius) + " " + lower(n.Unit) + "}"
		x.leaf(depth, mask, false, s, n.Attrs)
	case *All:
		x.leaf(depth, mask, true, "<WILDCARD>", Attrs{})
	case *Empty, nil:
		x.leaf(depth, mask, true, "<empty>", Attrs{})
	case *IsMissing:
		x.leaf(depth, mask, true, "ISMISSING{"+n.Field+"}", Attrs{})
	case *KNN:
		x.knn(n, mask, depth)
	case *VectorRange:
		s := "VECTOR {Vectors that are within " + formatG(n.Radius) + " distance radius from `$" +
			n.BlobParam + "` in vector index associated with field @" + n.Field
		if n.Attrs.Epsilon != nil {
			s += ", epsilon = " + formatShort(*n.Attrs.Epsilon)
		}
		if n.Attrs.YieldDistanceAs != "" {
			s += ", yields distance as `" + n.Attrs.YieldDistanceAs + "`"
		}
		x.leaf(depth, mask, true, s+"}", n.Attrs)
	}
}

func rangeOp(exclusive bool) string {
	if exclusive {
		return " < "
	}
	return " <= "
}

// start pads a line to depth and writes the field mask prefix. Numeric and geo nodes name
// their field themselves, so they show a mask only when none is left.
func (x *explainer) start(depth int, mask fieldMask, showFields bool) {
	x.b.WriteString(pad(depth))
	switch {
	case mask == nil:
	case mask.none():
		x.b.WriteString("@NULL:")
	case showFields:
		x.b.WriteByte('@')
		sep := ""
		for i, on := range mask {
			if on {
				x.b.WriteString(sep + x.o.TextFields[i].Name)
				sep = "|"
			}
		}
		x.b.WriteByte(':')
	}
}

// leaf writes a node of one line.
func (x *explainer) leaf(depth int, mask fieldMask, showFields bool, s string, a Attrs) {
	x.start(depth, mask, showFields)
	x.b.WriteString(s)
	x.attrs(a)
	x.b.WriteByte('\n')
}

// group writes a node with children: its opening line, the children one deeper, and its
// closing brace with the attributes after it.
func (x *explainer) group(depth int, mask fieldMask, showFields bool, open string, a Attrs, children ...Node) {
	x.start(depth, mask, showFields)
	x.b.WriteString(open + "\n")
	for _, c := range children {
		x.node(c, mask, depth+1)
	}
	x.b.WriteString(pad(depth) + "}")
	x.attrs(a)
	x.b.WriteByte('\n')
}

// attrs writes the attributes RediSearch prints: a weight other than 1, a slop, and
// inorder when it is on or a slop is given.
func (x *explainer) attrs(a Attrs) {
	weighted := a.Weight != nil && *a.Weight != 1
	inorder := a.InOrder != nil && *a.InOrder
	if !weighted && a.Slop == nil && !inorder {
		return
	}
	x.b.WriteString(" => {")
	if weighted {
		x.b.WriteString(" $weight: " + formatG(*a.Weight) + ";")
	}
	if a.Slop != nil {
		x.b.WriteString(" $slop: " + strconv.Itoa(*a.Slop) + ";")
	}
	if inorder || a.Slop != nil {
		x.b.WriteString(" $inorder: " + strconv.FormatBool(inorder) + ";")
	}
	x.b.WriteString(" }")
}

// restrict narrows mask to the TEXT fields among names; a name that is no TEXT field adds
// none (RediSearch gives it no field bit).
func (x *explainer) restrict(mask fieldMask, names []string) fieldMask {
	out := make(fieldMask, len(x.o.TextFields))
	for _, name := range names {
		for i, f := range x.o.TextFields {
			if f.Name == name {
				out[i] = true
			}
		}
	}
	for i := range out {
		out[i] = out[i] && (mask == nil || mask[i])
	}
	return out
}

func affixText(k AffixKind, s string) string {
	switch k {
	case Prefix:
		return "PREFIX{" + s + "*}"
	case Suffix:
		return "SUFFIX{*" + s + "}"
	}
	return "INFIX{*" + s + "*}"
}

// removeEscapes drops every backslash and keeps the byte after it, as RediSearch does to a
// wildcard pattern before matching it.
func removeEscapes(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			if i++; i == len(s) {
				break
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func pad(depth int) string { return strings.Repeat("  ", depth) }

// expansion is a term a word also matches, and the fields it matches it in.
type expansion struct {
	term string
	mask fieldMask
}

// term writes a word; when a search expands it, as the union of the word and its
// expansions.
func (x *explainer) term(n *Term, mask fieldMask, depth int) {
	w := lower(n.Text)
	exps := x.expansions(n, w, mask)
	if len(exps) == 0 {
		x.token(depth, mask, w, false, n.Attrs)
		return
	}
	x.start(depth, mask, true)
	x.b.WriteString("UNION {\n")
	x.token(depth+1, mask, w, false, n.Attrs)
	for _, e := range exps {
		x.token(depth+1, e.mask, e.term, true, Attrs{})
	}
	x.b.WriteString(pad(depth) + "}\n")
}

// token writes one word's line. Of its attributes only a weight shows, in a layout of its
// own.
func (x *explainer) token(depth int, mask fieldMask, w string, expanded bool, a Attrs) {
	x.start(depth, mask, true)
	if w == "" {
		w = `""`
	}
	x.b.WriteString(w)
	if expanded {
		x.b.WriteString("(expanded)")
	}
	if a.Weight != nil && *a.Weight != 1 {
		x.b.WriteString(" => {$weight: " + formatG(*a.Weight) + ";}")
	}
	x.b.WriteByte('\n')
}

// expansions lists what a search matches besides the lower-cased word w, in RediSearch's
// order: phonetic codes (in PHONETIC fields), then the stem marker and the stem (not in
// NOSTEM fields).
func (x *explainer) expansions(n *Term, w string, mask fieldMask) []expansion {
	if x.o.Verbatim || w == "" || x.o.Dialect >= 2 && isNumberWord(n.Text) || !x.stemmable(mask) {
		return nil
	}
	var out []expansion
	if x.o.Phonetic != nil && x.phonetic(mask, n.Attrs.Phonetic) {
		for _, c := range x.o.Phonetic(w) {
			out = append(out, expansion{"<" + c, mask})
		}
	}
	if x.o.Stem == nil {
		return out
	}
	if s, ok := x.o.Stem(w); ok {
		m := x.withoutNoStem(mask)
		out = append(out, expansion{"+" + s, m})
		if s != w {
			out = append(out, expansion{s, m})
		}
	}
	return out
}

// stemmable reports whether mask leaves a field whose words are stemmed: RediSearch does not
// expand a word (not even phonetically) restricted to NOSTEM fields only.
func (x *explainer) stemmable(mask fieldMask) bool {
	if mask == nil {
		return true
	}
	for i, on := range mask {
		if on && !x.o.TextFields[i].NoStem {
			return true
		}
	}
	return false
}

// phonetic reports whether a word is matched phonetically: unless `$phonetic: false`,
// when some field it may match in is PHONETIC.
func (x *explainer) phonetic(mask fieldMask, attr *bool) bool {
	if attr != nil && !*attr {
		return false
	}
	for i, f := range x.o.TextFields {
		if f.Phonetic && (mask == nil || mask[i]) {
			return true
		}
	}
	return false
}

// withoutNoStem is mask without its NOSTEM fields; all fields stay all fields.
func (x *explainer) withoutNoStem(mask fieldMask) fieldMask {
	if mask == nil {
		return nil
	}
	out := make(fieldMask, len(mask))
	for i, on := range mask {
		out[i] = on && !x.o.TextFields[i].NoStem
	}
	return out
}

// isNumberWord reports whether a word is a token dialect 2's lexer reads as a number
// (number, size or [+-]inf), which RediSearch never expands.
func isNumberWord(s string) bool {
	t := strings.TrimLeft(s, "+-")
	if len(s)-len(t) > 1 {
		return false
	}
	if strings.EqualFold(t, "inf") {
		return true
	}
	i := digits(t, 0)
	switch {
	case i > 0 && at(t, i, '.'):
		i = digits(t, i+1) // "1." and "1.5"
	case i == 0 && at(t, 0, '.'):
		if i = digits(t, 1); i == 1 {
			return false // "." alone
		}
	case i == 0:
		return false
	}
	if at(t, i, 'e') || at(t, i, 'E') {
		k := i + 1
		if at(t, k, '+') || at(t, k, '-') {
			k++
		}
		if i = digits(t, k); i == k {
			return false
		}
	}
	return i == len(t)
}

// phrase writes an exact phrase: its words, never expanded. Dialect 1 reads a one-word
// phrase as that word, verbatim.
func (x *explainer) phrase(n *Phrase, mask fieldMask, depth int) {
	if x.o.Dialect == 1 && len(n.Terms) == 1 {
		x.token(depth, mask, lower(n.Terms[0]), false, n.Attrs)
		return
	}
	x.start(depth, mask, true)
	x.b.WriteString("EXACT {\n")
	for _, t := range n.Terms {
		x.token(depth+1, mask, lower(t), false, Attrs{})
	}
	x.b.WriteString(pad(depth) + "}")
	x.attrs(n.Attrs)
	x.b.WriteByte('\n')
}

// tag writes a tag clause and its values as RediSearch matches them: lower-cased unless
// the field is CASESENSITIVE, patterns without their escapes.
func (x *explainer) tag(n *Tag, mask fieldMask, depth int) {
	fold := x.o.FoldTag != nil && x.o.FoldTag(n.Field)
	x.start(depth, mask, true)
	x.b.WriteString("TAG:@" + n.Field + " {\n")
	for _, v := range n.Values {
		t := v.Text
		if fold {
			t = lower(t)
		}
		switch v.Kind {
		case TagPrefix:
			t = affixText(Prefix, t)
		case TagSuffix:
			t = affixText(Suffix, t)
		case TagInfix:
			t = affixText(Infix, t)
		case TagWildcard:
			t = "WILDCARD{" + removeEscapes(t) + "}"
		default:
			if t == "" {
				t = `""`
			}
		}
		x.start(depth+1, mask, true)
		x.b.WriteString(t + "\n")
	}
	x.b.WriteString(pad(depth) + "}")
	x.attrs(n.Attrs)
	x.b.WriteByte('\n')
}

// knn writes a KNN clause: its filter as its child (none for `*`), then what it asks for,
// its parameters (those in the brackets, then those given as attributes) and the name
// its distance is yielded as.
func (x *explainer) knn(n *KNN, mask fieldMask, depth int) {
	x.start(depth, mask, true)
	x.b.WriteString("VECTOR {")
	if _, all := n.Filter.(*All); n.Filter != nil && !all {
		x.b.WriteByte('\n')
		x.node(n.Filter, mask, depth+1)
		x.b.WriteString(pad(depth) + "} => {")
	}
	x.b.WriteString("K=" + strconv.Itoa(n.K) + " nearest vectors to `$" + n.BlobParam +
		"` in vector index associated with field @" + n.Field)
	param := func(name, value string) { x.b.WriteString(", " + name + " = " + value) }
	if n.EFRuntime != nil {
		param("EF_RUNTIME", strconv.Itoa(*n.EFRuntime))
	}
	if n.Epsilon != nil {
		param("EPSILON", formatShort(*n.Epsilon))
	}
	if n.HybridPolicy != "" {
		param("HYBRID_POLICY", n.HybridPolicy)
	}
	if n.BatchSize != nil {
		param("BATCH_SIZE", strconv.Itoa(*n.BatchSize))
	}
	if n.Attrs.EFRuntime != nil {
		param("ef_runtime", strconv.Itoa(*n.Attrs.EFRuntime))
	}
	if n.Attrs.Epsilon != nil {
		param("epsilon", formatShort(*n.Attrs.Epsilon))
	}
	yield := n.Alias
	if yield == "" {
		yield = n.Attrs.YieldDistanceAs
	}
	if yield == "" {
		yield = "__" + n.Field + "_score"
	}
	x.b.WriteString(", yields distance as `" + yield + "`}")
	x.attrs(n.Attrs)
	x.b.WriteByte('\n')
}

// formatShort writes a parameter's value: RediSearch echoes the text given, which the
// tree no longer holds, so the shortest text that reads back as the value stands for it.
func formatShort(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
