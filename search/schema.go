package search

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"darner/jsonpath"
	"darner/search/expr"
)

// DocType is what kind of key an index covers.
type DocType uint8

// Document types.
const (
	OnHash DocType = iota + 1
	OnJSON
)

func (t DocType) String() string {
	if t == OnJSON {
		return "JSON"
	}
	return "HASH"
}

// FieldType is a schema field's type.
type FieldType uint8

// Field types.
const (
	Text FieldType = iota + 1
	Tag
	Numeric
	Geo
	Vector
)

func (t FieldType) String() string {
	return [...]string{"", "TEXT", "TAG", "NUMERIC", "GEO", "VECTOR"}[t]
}

// Field is one attribute of a schema.
type Field struct {
	Path string // the identifier: a hash field, or a JSONPath (possibly in length()/max())
	Name string // the attribute: AS alias, else Path
	Type FieldType

	Sortable, UNF, NoIndex, WithSuffixTrie, IndexEmpty, IndexMissing bool
	NoStem                                                           bool    // TEXT
	Weight                                                           float64 // TEXT, default 1
	Phonetic                                                         string  // TEXT: the PHONETIC matcher as given
	Separator                                                        byte    // TAG, default ','
	CaseSensitive                                                    bool    // TAG
	Vector                                                           *VectorSpec

	json *jsonField // ON JSON: how to read the field from a document
	pos  int        // index in Def.Fields
	slot int        // index among the fields of its type (text field number, …)
}

// jsonField is a JSON attribute's compiled path and the function around it, if any.
type jsonField struct {
	path *jsonpath.Path
	fn   string // "", "length" or "max"
}

// Def is an index definition: what FT.CREATE was given.
type Def struct {
	Name          string
	On            DocType
	Prefixes      []string
	Language      string // default language, lower-case
	LanguageField string
	Score         float64 // default document score, 1 unless SCORE
	ScoreField    string
	NoOffsets     bool
	NoHL          bool
	NoFields      bool
	NoFreqs       bool
	SkipScan      bool
	// Temporary is the idle time after which the index drops itself; 0 for a lasting index.
	Temporary time.Duration
	// StopWords is nil for the default list; empty (non-nil) for STOPWORDS 0.
	StopWords []string
	Fields    []*Field
	// Filter is FILTER's expression, "" without one; filter is it parsed (see admits).
	Filter string
	filter *expr.Expr
	// Args are the FT.CREATE arguments after the index name that make this definition
	// (FT.ALTER's fields appended), for saving it: ParseCreate(Name, Args) makes it again.
	Args []string

	byName    map[string]*Field
	weights   []float64 // the WEIGHT of each text field, by slot
	phonetic  bool      // some text field is PHONETIC
	stopwords map[string]bool
	numText   int
	numTag    int
	numNum    int
	numGeo    int
	numVec    int
	// options are SCORE_FIELD and LANGUAGE_FIELD as fields to read (nil when not given),
	// numbered after Fields.
	options [2]*Field
}

// ArgError is an error in an FT command's arguments; its text is the reply.
type ArgError string

func (e ArgError) Error() string { return string(e) }

func argErrorf(format string, args ...any) error {
	return ArgError(fmt.Sprintf(format, args...))
}

// args is a cursor over command arguments.
type args struct {
	a []string
	i int
}

func (a *args) more() bool   { return a.i < len(a.a) }
func (a *args) peek() string { return a.a[a.i] }
func (a *args) next() (string, bool) {
	if a.i >= len(a.a) {
		return "", false
	}
	a.i++
	return a.a[a.i-1], true
}

// is consumes the next argument if it equals word (case-insensitively).
func (a *args) is(word string) bool {
	if a.more() && strings.EqualFold(a.a[a.i], word) {
		a.i++
		return true
	}
	return false
}

// ParseCreate parses FT.CREATE's arguments after the index name.
func ParseCreate(name string, argv []string) (*Def, error) {
	d := &Def{Name: name, On: OnHash, Score: 1, Language: "english"}
	a := &args{a: argv}
	for {
		w, ok := a.next()
		if !ok {
			return nil, ArgError("No schema found")
		}
		if strings.EqualFold(w, "SCHEMA") {
			break
		}
		if err := d.option(strings.ToUpper(w), a); err != nil {
			return nil, err
		}
	}
	if !a.more() {
		return nil, ArgError("Fields arguments are missing")
	}
	for a.more() {
		if err := d.field(a); err != nil {
			return nil, err
		}
	}
	d.finish()
	d.Args = slices.Clone(argv)
	return d, nil
}

// option parses one index option (the word already read and upper-cased).
func (d *Def) option(w string, a *args) error {
	switch w {
	case "ON":
		t, _ := a.next()
		switch strings.ToUpper(t) {
		case "HASH":
			d.On = OnHash
		case "JSON":
			d.On = OnJSON
		default:
			return argErrorf("Unknown index type `%s`", t)
		}
	case "PREFIX":
		n, err := a.count("PREFIX")
		if err != nil {
			return err
		}
		for range n {
			p, _ := a.next()
			d.Prefixes = append(d.Prefixes, p)
		}
	case "LANGUAGE":
		l, _ := a.next()
		if !knownLanguage(l) {
			return ArgError("Invalid language")
		}
		d.Language = strings.ToLower(l)
	case "LANGUAGE_FIELD":
		d.LanguageField, _ = a.next()
	case "SCORE":
		s, _ := a.next()
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 || f > 1 {
			return ArgError("Invalid score")
		}
		d.Score = f
	case "SCORE_FIELD":
		d.ScoreField, _ = a.next()
	case "NOOFFSETS":
		d.NoOffsets = true
	case "NOHL":
		d.NoHL = true
	case "NOFIELDS":
		d.NoFields = true
	case "NOFREQS":
		d.NoFreqs = true
	case "SKIPINITIALSCAN":
		d.SkipScan = true
	case "MAXTEXTFIELDS":
	case "TEMPORARY":
		s, _ := a.next()
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return ArgError("Bad arguments for TEMPORARY: Value is not an integer or out of range")
		}
		d.Temporary = time.Duration(n) * time.Second
	case "STOPWORDS":
		n, err := a.count("STOPWORDS")
		if err != nil {
			return err
		}
		d.StopWords = make([]string, 0, n)
		for range n {
			w, _ := a.next()
			d.StopWords = append(d.StopWords, strings.ToLower(w))
		}
	case "FILTER":
		src, ok := a.next()
		if !ok {
			return ArgError("Bad arguments for FILTER: Not enough arguments")
		}
		f, err := expr.Parse(src, nil)
		if err != nil {
			return err
		}
		d.Filter, d.filter = src, f
	case "PAYLOAD_FIELD", "ASYNC", "NOINITIALSCAN", "INDEXALL":
		return argErrorf("FT.CREATE option %s is not supported by darner", w)
	default:
		return argErrorf("Unknown argument `%s`", w)
	}
	return nil
}

// int reads a non-negative integer argument of option opt.
func (a *args) int(opt string) (int, error) {
	s, _ := a.next()
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, argErrorf("Bad arguments for %s: Value is not an integer or out of range", opt)
	}
	return n, nil
}

// count reads the count of a counted option and checks that many arguments follow.
func (a *args) count(opt string) (int, error) {
	s, ok := a.next()
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 {
		return 0, argErrorf("Bad arguments for %s: Could not parse argument count", opt)
	}
	if len(a.a)-a.i < n {
		return 0, argErrorf("Bad arguments for %s: Not enough arguments", opt)
	}
	return n, nil
}

// field parses one schema field: `identifier [AS attribute] TYPE options…`.
func (d *Def) field(a *args) error {
	f := &Field{Weight: 1, Separator: ','}
	f.Path, _ = a.next()
	f.Name = f.Path
	if a.is("AS") {
		name, ok := a.next()
		if !ok {
			return ArgError("Missing AS alias")
		}
		f.Name = name
	}
	t, ok := a.next()
	if !ok {
		return argErrorf("Field `%s` does not have a type", f.Name)
	}
	switch strings.ToUpper(t) {
	case "TEXT":
		f.Type = Text
	case "TAG":
		f.Type = Tag
	case "NUMERIC":
		f.Type = Numeric
	case "GEO":
		f.Type = Geo
	case "VECTOR":
		f.Type = Vector
		spec, err := vectorSpec(a)
		if err != nil {
			return err
		}
		f.Vector = spec
	case "GEOSHAPE":
		return argErrorf("Field `%s`: GEOSHAPE fields are not supported by darner", f.Name)
	default:
		return argErrorf("Invalid field type for field `%s`", f.Name)
	}
	for a.more() {
		done, err := f.option(a)
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	if d.byName == nil {
		d.byName = make(map[string]*Field)
	}
	if _, dup := d.byName[f.Name]; dup {
		return argErrorf("Duplicate field in schema - %s", f.Name)
	}
	if d.On == OnJSON {
		jf, err := compileJSONField(f.Path)
		if err != nil {
			return argErrorf("Invalid JSONPath '%s' in attribute '%s' in index '%s'", f.Path, f.Name, d.Name)
		}
		f.json = jf
	}
	d.byName[f.Name] = f
	d.Fields = append(d.Fields, f)
	return nil
}

// option parses one field option; done reports that the next argument starts a new field.
func (f *Field) option(a *args) (done bool, err error) {
	w := strings.ToUpper(a.peek())
	bad := func() (bool, error) {
		return false, argErrorf("Field `%s`: option %s does not apply to %s fields", f.Name, w, f.Type)
	}
	if f.Type == Vector && w != "INDEXMISSING" && w != "NOINDEX" {
		switch w {
		case "SORTABLE", "INDEXEMPTY", "WITHSUFFIXTRIE", "NOSTEM", "WEIGHT", "PHONETIC", "SEPARATOR", "CASESENSITIVE":
			a.i++
			return bad()
		}
		return true, nil
	}
	switch w {
	case "SORTABLE":
		a.i++
		f.Sortable = true
		if a.is("UNF") {
			f.UNF = true
		}
		if f.Type == Numeric || f.Type == Geo {
			f.UNF = true // RediSearch reports UNF for sortable numbers: they are never normalised
		}
	case "NOINDEX":
		a.i++
		f.NoIndex = true
	case "INDEXMISSING":
		a.i++
		f.IndexMissing = true
	case "INDEXEMPTY", "WITHSUFFIXTRIE":
		a.i++
		if f.Type != Text && f.Type != Tag {
			return bad()
		}
		if w == "INDEXEMPTY" {
			f.IndexEmpty = true
		} else {
			f.WithSuffixTrie = true
		}
	case "NOSTEM", "WEIGHT", "PHONETIC":
		a.i++
		if f.Type != Text {
			return bad()
		}
		return false, f.textOption(w, a)
	case "SEPARATOR", "CASESENSITIVE":
		a.i++
		if f.Type != Tag {
			return bad()
		}
		if w == "CASESENSITIVE" {
			f.CaseSensitive = true
			return false, nil
		}
		s, _ := a.next()
		if len(s) != 1 {
			return false, argErrorf("Tag separator must be a single character. Got `%s`", s)
		}
		f.Separator = s[0]
	default:
		return true, nil
	}
	return false, nil
}

func (f *Field) textOption(w string, a *args) error {
	switch w {
	case "NOSTEM":
		f.NoStem = true
	case "WEIGHT":
		s, _ := a.next()
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return argErrorf("Could not parse field spec: bad WEIGHT for field `%s`", f.Name)
		}
		f.Weight = v
	case "PHONETIC":
		m, _ := a.next()
		switch strings.ToLower(m) {
		case "dm:en", "dm:fr", "dm:pt", "dm:es":
			// RediSearch encodes all four languages with the one Double Metaphone.
			f.Phonetic = strings.ToLower(m)
			return nil
		}
		return ArgError("Matcher Format: <2 chars algorithm>:<2 chars language>. Support algorithms: double metaphone (dm). Supported languages: English (en), French (fr), Portuguese (pt) and Spanish (es)")
	}
	return nil
}

// compileJSONField compiles a JSON attribute's identifier: a JSONPath, or length(path) /
// max(path) (Dragonfly's index path functions).
func compileJSONField(id string) (*jsonField, error) {
	jf := &jsonField{}
	expr := id
	for _, fn := range []string{"length", "max"} {
		if rest, ok := strings.CutPrefix(id, fn+"("); ok && strings.HasSuffix(rest, ")") {
			jf.fn = fn
			expr = rest[:len(rest)-1]
		}
	}
	p, err := jsonpath.Compile(expr)
	if err != nil {
		return nil, err
	}
	jf.path = p
	return jf, nil
}

// finish numbers the fields and builds the stop-word set.
func (d *Def) finish() {
	var count [Vector + 1]int
	for i, f := range d.Fields {
		f.pos = i
		f.slot = count[f.Type]
		count[f.Type]++
	}
	d.numText, d.numTag, d.numNum, d.numGeo, d.numVec = count[Text], count[Tag], count[Numeric], count[Geo], count[Vector]
	for i, path := range []string{d.ScoreField, d.LanguageField} {
		if path != "" {
			d.options[i] = &Field{Path: path, Name: path, json: optionPath(d, path), pos: len(d.Fields) + i}
		}
	}
	d.weights = make([]float64, d.numText)
	for _, f := range d.Fields {
		if f.Type == Text {
			d.weights[f.slot] = f.Weight
			d.phonetic = d.phonetic || f.Phonetic != ""
		}
	}
	words := d.StopWords
	if words == nil {
		words = defaultStopWords
	}
	d.stopwords = make(map[string]bool, len(words))
	for _, w := range words {
		d.stopwords[w] = true
	}
}

// Flags lists the field's flags as FT.INFO shows them, in RediSearch's order.
func (f *Field) Flags() []string {
	var out []string
	for _, fl := range []struct {
		on   bool
		name string
	}{
		{f.CaseSensitive, "CASESENSITIVE"}, {f.Sortable, "SORTABLE"}, {f.UNF, "UNF"},
		{f.NoStem, "NOSTEM"}, {f.NoIndex, "NOINDEX"}, {f.WithSuffixTrie, "WITHSUFFIXTRIE"},
		{f.IndexEmpty, "INDEXEMPTY"}, {f.IndexMissing, "INDEXMISSING"},
	} {
		if fl.on {
			out = append(out, fl.name)
		}
	}
	return out
}

// Field returns the attribute called name, or nil.
func (d *Def) Field(name string) *Field { return d.byName[name] }

// IsStopWord reports whether the lower-cased word w is one of the index's stop words.
func (d *Def) IsStopWord(w string) bool { return d.stopwords[w] }

// matches reports whether key falls under the index's prefixes.
func (d *Def) matches(key string) bool {
	if len(d.Prefixes) == 0 {
		return true
	}
	for _, p := range d.Prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// defaultStopWords is RediSearch's default stop-word list.
var defaultStopWords = []string{
	"a", "is", "the", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in",
	"into", "it", "no", "not", "of", "on", "or", "such", "that", "their", "then", "there",
	"these", "they", "this", "to", "was", "will", "with",
}
