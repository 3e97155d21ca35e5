package query

// Node is one node of a parsed query. Every node knows the byte offset in the query text
// where it starts, and String returns query text that parses (with the same Options) back
// to an equal tree.
type Node interface {
	Pos() int
	String() string
}

// Attrs are the attributes a node may carry: `=>{$weight: 2; $slop: 1; $inorder: true}`
// and, on vector clauses, `$YIELD_DISTANCE_AS`, `$EF_RUNTIME`, `$EPSILON`. A nil pointer or
// empty string is an attribute that was not given.
type Attrs struct {
	Weight          *float64
	Slop            *int
	InOrder         *bool
	Phonetic        *bool
	YieldDistanceAs string
	EFRuntime       *int
	Epsilon         *float64
}

// Intersect matches documents that match every child (juxtaposition: `a b`).
type Intersect struct {
	P        int
	Children []Node
	Attrs    Attrs
}

// Union matches documents that match any child (`a | b`).
type Union struct {
	P        int
	Children []Node
	Attrs    Attrs
}

// Not matches documents that do not match Child (`-a`).
type Not struct {
	P     int
	Child Node
	Attrs Attrs // `(-a)=>{…}`: RediSearch keeps attributes on the negation itself
}

// Optional matches what Intersect's other children match; Child only adds to the score
// (`~a`).
type Optional struct {
	P     int
	Child Node
	Attrs Attrs // `(~a)=>{$weight: 2}` weighs the optional clause's score
}

// Fields restricts the text clauses under Child to the named fields (`@a:…`, `@a|b:…`).
type Fields struct {
	P     int
	Names []string
	Child Node
}

// Term is one word of text, unescaped, as written (analysis happens at execution).
type Term struct {
	P     int
	Text  string
	Attrs Attrs
}

// Phrase is an exact phrase (`"a b c"`): its words in order, adjacent unless the attributes
// say otherwise.
type Phrase struct {
	P     int
	Terms []string
	Attrs Attrs
}

// AffixKind says which part of a term an Affix fixes.
type AffixKind uint8

// Affix kinds.
const (
	Prefix AffixKind = iota + 1 // `pre*`
	Suffix                      // `*suf`
	Infix                       // `*in*`
)

// Affix matches terms by prefix, suffix or infix.
type Affix struct {
	P     int
	Kind  AffixKind
	Text  string
	Attrs Attrs
}

// Wildcard matches terms against a pattern with `*` and `?` (`w'foo*ba?'`).
type Wildcard struct {
	P       int
	Pattern string
	Attrs   Attrs
}

// Fuzzy matches terms within Distance (1–3) edits of Text (`%a%`, `%%a%%`, `%%%a%%%`).
type Fuzzy struct {
	P        int
	Text     string
	Distance int
	Attrs    Attrs
}

// TagKind says how a tag value matches.
type TagKind uint8

// Tag value kinds.
const (
	TagExact    TagKind = iota + 1 // `a`, `b\ c`
	TagPrefix                      // `pre*`
	TagSuffix                      // `*suf`
	TagInfix                       // `*in*`
	TagWildcard                    // `w'pat?ern*'`
)

// TagValue is one alternative of a tag clause, unescaped.
type TagValue struct {
	Text string
	Kind TagKind
}

// Tag matches documents whose tag field Field holds any of Values (`@t:{a | b}`).
type Tag struct {
	P      int
	Field  string
	Values []TagValue
	Attrs  Attrs
}

// Numeric matches documents whose numeric field holds a value in the range
// (`@n:[lo hi]`, `(` for an exclusive bound, `-inf`/`+inf`/`inf`).
type Numeric struct {
	P            int
	Field        string
	Min, Max     float64
	MinExclusive bool
	MaxExclusive bool
	Attrs        Attrs
}

// Geo matches documents whose geo field lies within Radius of (Lon, Lat)
// (`@g:[lon lat radius unit]`, unit m, km, mi or ft).
type Geo struct {
	P        int
	Field    string
	Lon, Lat float64
	Radius   float64
	Unit     string
	Attrs    Attrs
}

// All matches every document of the index (`*`).
type All struct {
	P int
}

// Empty matches no document: what remains of a clause made only of stop words.
type Empty struct {
	P int
}

// IsMissing matches documents that lack Field (`ismissing(@f)`).
type IsMissing struct {
	P     int
	Field string
}

// KNN asks for the K documents nearest to a vector among those Filter matches
// (`filter=>[KNN k @v $blob AS d]`). The vector stays a parameter name: blobs are binary and
// are looked up at execution.
type KNN struct {
	P         int
	Filter    Node
	K         int
	Field     string
	BlobParam string
	Alias     string // AS name; "" means the default `__<field>_score`
	EFRuntime *int
	Epsilon   *float64
	// HybridPolicy ("ADHOC_BF" or "BATCHES") and BatchSize steer how a filtered KNN runs
	// (`HYBRID_POLICY p BATCH_SIZE n` in the brackets, or `$HYBRID_POLICY`/`$BATCH_SIZE`).
	HybridPolicy string
	BatchSize    *int
	Attrs        Attrs
}

// VectorRange matches documents whose vector lies within Radius of a vector
// (`@v:[VECTOR_RANGE r $blob]`).
type VectorRange struct {
	P         int
	Field     string
	Radius    float64
	BlobParam string
	Attrs     Attrs
}

func (n *Intersect) Pos() int   { return n.P }
func (n *Union) Pos() int       { return n.P }
func (n *Not) Pos() int         { return n.P }
func (n *Optional) Pos() int    { return n.P }
func (n *Fields) Pos() int      { return n.P }
func (n *Term) Pos() int        { return n.P }
func (n *Phrase) Pos() int      { return n.P }
func (n *Affix) Pos() int       { return n.P }
func (n *Wildcard) Pos() int    { return n.P }
func (n *Fuzzy) Pos() int       { return n.P }
func (n *Tag) Pos() int         { return n.P }
func (n *Numeric) Pos() int     { return n.P }
func (n *Geo) Pos() int         { return n.P }
func (n *All) Pos() int         { return n.P }
func (n *Empty) Pos() int       { return n.P }
func (n *IsMissing) Pos() int   { return n.P }
func (n *KNN) Pos() int         { return n.P }
func (n *VectorRange) Pos() int { return n.P }
