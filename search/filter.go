package search

import (
	"darner/engine"
	"darner/search/expr"
)

// docRow gives an FT.CREATE FILTER expression a document's fields: an attribute by its
// name (a NUMERIC one as a number), any other hash field or JSONPath as text, and __key.
type docRow struct {
	def *Def
	key string
	o   *engine.Object
}

func (r docRow) Get(name string) (expr.Value, bool) {
	if name == "__key" {
		return expr.Str(r.key), true
	}
	s, ok := r.def.DocValue(r.o, name, 2)
	if !ok {
		return expr.Value{}, false
	}
	if f := r.def.Field(name); f != nil && f.Type == Numeric {
		if x, ok := parseFloat(s); ok {
			return expr.Num(x), true
		}
	}
	return expr.Str(s), true
}

// admits reports whether the index holds key's document o: the key has one of its
// prefixes, and its FILTER, if any, holds for the document (an expression that fails, on
// a field the document lacks for instance, leaves it out, as in RediSearch).
func (d *Def) admits(key string, o *engine.Object) bool {
	if !d.matches(key) {
		return false
	}
	if d.filter == nil {
		return true
	}
	v, err := d.filter.Evaluate(docRow{d, key, o}, expr.Index)
	return err == nil && v.Truthy()
}
