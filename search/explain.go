package search

import (
	"fmt"
	"strings"

	"darner/search/phonetic"
	"darner/search/query"
)

// Explain returns FT.EXPLAIN's text for req's query over idx: the tree a search of it
// would run, in RediSearch's layout (see query.Explain), its words expanded with the stems
// and phonetic codes the search looks for. Its errors are those a search meets before it
// reads any document: syntax and parameters, vector clauses, and from dialect 2 on
// RediSearch's parse-time errors for fields the schema lacks or has with another type. In
// dialect 1 a tag, numeric or geo clause on a field the schema lacks drops out of the
// tree, as RediSearch's parser drops it.
func (r *Registry) Explain(idx *Index, req *Request) (string, error) {
	dialect := req.Dialect
	if dialect == 0 {
		dialect = int(r.DefaultDialect.Load())
	}
	def := idx.Def
	opts := query.Options{Dialect: dialect, Params: req.Params}
	if !req.NoStopWords {
		opts.IsStopWord = def.IsStopWord
	}
	ast, err := query.Parse(req.Query, opts)
	if err != nil {
		return "", err
	}
	if dialect >= 2 {
		if err := checkFields(def, req.Query, ast); err != nil {
			return "", err
		}
	} else if ast = dropUnknownFields(def, ast); ast == nil {
		ast = &query.Empty{}
	}
	if knn, ok := ast.(*query.KNN); ok {
		if _, err := resolveKNN(def, knn, req.Params); err != nil {
			return "", err
		}
	}
	scratch := *req // resolveRanges records what it resolves; the caller's request stays as it was
	if err := resolveRanges(def, ast, &scratch); err != nil {
		return "", err
	}
	return query.Explain(ast, explainOptions(def, req, dialect)), nil
}

// explainOptions tells query.Explain what the evaluator knows: the TEXT fields, the
// stemmer of the query's language, the phonetic codes and which tag fields fold case.
func explainOptions(def *Def, req *Request, dialect int) query.ExplainOptions {
	o := query.ExplainOptions{
		Dialect:    dialect,
		Verbatim:   req.Verbatim,
		TextFields: make([]query.ExplainField, def.numText),
		Phonetic:   phoneticCodes,
		FoldTag: func(name string) bool {
			f := def.Field(name)
			return f != nil && f.Type == Tag && !f.CaseSensitive
		},
	}
	for _, f := range def.Fields {
		if f.Type == Text {
			o.TextFields[f.slot] = query.ExplainField{Name: f.Name, NoStem: f.NoStem, Phonetic: f.Phonetic != ""}
		}
	}
	if st := stemmerFor(req.language(def)); st != nil {
		o.Stem = func(w string) (string, bool) { return st.stem(w), true }
	}
	return o
}

// phoneticCodes are the codes a word matches in PHONETIC fields: the evaluator looks for
// both Double Metaphone codes (RediSearch's query expansion only for the primary; it
// indexes both).
func phoneticCodes(w string) []string {
	p, a := phonetic.DoubleMetaphone(w)
	var out []string
	if p != "" {
		out = append(out, p)
	}
	if a != "" && a != p {
		out = append(out, a)
	}
	return out
}

// checkFields finds the first clause, in query order, naming a field the schema lacks or
// has with another type than the clause needs: errors RediSearch's dialect 2 parser reports
// at the field's `@`.
func checkFields(def *Def, q string, n query.Node) error {
	var err error
	check := func(name string, pos int, want FieldType) {
		if err == nil {
			err = fieldError(def, name, pos, want)
		}
	}
	walkAST(n, func(c query.Node) {
		switch c := c.(type) {
		case *query.Fields:
			for i, name := range c.Names {
				check(name, modifierOffset(q, c.P, i), Text)
			}
		case *query.Tag:
			check(c.Field, c.P, Tag)
		case *query.Numeric:
			check(c.Field, c.P, Numeric)
		case *query.Geo:
			check(c.Field, c.P, Geo)
		case *query.IsMissing:
			pos := c.P // of `ismissing`; the error points at its `@f`
			if i := strings.IndexByte(q[min(pos, len(q)):], '@'); i >= 0 {
				pos += i
			}
			check(c.Field, pos, 0)
			if f := def.Field(c.Field); err == nil && !f.IndexMissing {
				err = QueryError(fmt.Sprintf("'ismissing' requires defining the field with 'INDEXMISSING' at offset %d near %s", pos, c.Field))
			}
		}
	})
	return err
}

// fieldError is the error for a clause at pos on field name that needs type want (0: any).
func fieldError(def *Def, name string, pos int, want FieldType) error {
	f := def.Field(name)
	switch {
	case f == nil:
		return QueryError(fmt.Sprintf("Unknown field at offset %d near %s", pos, name))
	case want != 0 && f.Type != want:
		return QueryError(fmt.Sprintf("Expected a %s field at offset %d near %s", want, pos, name))
	}
	return nil
}

// modifierOffset is where the i-th name of the field modifier at pos (`@a|b|c:`) starts:
// after its `@` for the first, after a `|` for the others.
func modifierOffset(q string, pos, i int) int {
	if i == 0 {
		return pos
	}
	for j := pos + 1; j < len(q); j++ {
		switch q[j] {
		case '\\':
			j++
		case '|':
			if i--; i == 0 {
				for j+1 < len(q) && q[j+1] == ' ' {
					j++
				}
				return j + 1
			}
		case ':':
			return pos
		}
	}
	return pos
}

// dropUnknownFields removes the tag, numeric and geo clauses on fields the schema lacks,
// as dialect 1's parser does: a clause left with nothing goes too, and an intersection or
// union of one is that one. It returns nil when nothing is left.
func dropUnknownFields(def *Def, n query.Node) query.Node {
	switch n := n.(type) {
	case *query.Tag:
		return keepIf(n, def.Field(n.Field) != nil)
	case *query.Numeric:
		return keepIf(n, def.Field(n.Field) != nil)
	case *query.Geo:
		return keepIf(n, def.Field(n.Field) != nil)
	case *query.Intersect:
		kids := dropUnknownAll(def, n.Children)
		if len(kids) == 1 && n.Attrs == (query.Attrs{}) {
			return kids[0]
		}
		return keepIf(&query.Intersect{P: n.P, Children: kids, Attrs: n.Attrs}, len(kids) > 0)
	case *query.Union:
		kids := dropUnknownAll(def, n.Children)
		if len(kids) == 1 && n.Attrs == (query.Attrs{}) {
			return kids[0]
		}
		return keepIf(&query.Union{P: n.P, Children: kids, Attrs: n.Attrs}, len(kids) > 0)
	case *query.Not:
		c := dropUnknownFields(def, n.Child)
		return keepIf(&query.Not{P: n.P, Child: c, Attrs: n.Attrs}, c != nil)
	case *query.Optional:
		c := dropUnknownFields(def, n.Child)
		return keepIf(&query.Optional{P: n.P, Child: c, Attrs: n.Attrs}, c != nil)
	case *query.Fields:
		c := dropUnknownFields(def, n.Child)
		return keepIf(&query.Fields{P: n.P, Names: n.Names, Child: c}, c != nil)
	}
	return n
}

func dropUnknownAll(def *Def, ns []query.Node) []query.Node {
	var out []query.Node
	for _, c := range ns {
		if c = dropUnknownFields(def, c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

func keepIf(n query.Node, keep bool) query.Node {
	if keep {
		return n
	}
	return nil
}
