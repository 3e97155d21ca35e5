package server

import (
	"strconv"

	"darner/engine"
	"darner/jsonpath"
	"darner/search"
)

// writeSearchReply writes FT.SEARCH's answer: in RESP2 an array of the total, then per hit
// its key, score, sort key and fields as asked; in RESP3 Redis 8's map (attributes, format,
// results, total_results, warning), one map per hit.
func writeSearchReply(c *Ctx, idx *search.Index, sa *search.SearchArgs, res *search.Result) {
	w := c.W
	withFields := !sa.NoContent && (sa.Returns == nil || len(sa.Returns) > 0)
	if w.RESP3() {
		w.Map(5)
		w.BulkString("attributes")
		w.Array(0)
		w.BulkString("format")
		w.Simple("STRING")
		w.BulkString("results")
		w.Array(len(res.Hits))
		for i, h := range res.Hits {
			n := 2 // id, values
			if sa.WithScores {
				n++
			}
			if sa.WithPayloads {
				n++
			}
			if sa.SortKeys {
				n++
			}
			if withFields {
				n++
			}
			w.Map(n)
			w.BulkString("id")
			w.BulkString(h.Key)
			if sa.WithScores {
				w.BulkString("score")
				writeScore(w, h.Score, res, i)
			}
			if sa.WithPayloads {
				w.BulkString("payload")
				w.Null() // documents have no payloads (deprecated since RediSearch 2.0)
			}
			if sa.SortKeys {
				w.BulkString("sortkey")
				writeSortKey(w, h.Sort)
			}
			if withFields {
				w.BulkString("extra_attributes")
				fields := loadFields(c, idx, sa, h, res)
				w.Map(len(fields) / 2)
				for _, f := range fields {
					w.BulkString(f)
				}
			}
			w.BulkString("values")
			w.Array(0)
		}
		w.BulkString("total_results")
		w.Int(res.Total)
		w.BulkString("warning")
		w.Array(0)
		return
	}
	per := 1
	if sa.WithScores {
		per++
	}
	if sa.WithPayloads {
		per++
	}
	if sa.SortKeys {
		per++
	}
	if withFields {
		per++
	}
	w.Array(1 + per*len(res.Hits))
	w.Int(res.Total)
	for i, h := range res.Hits {
		w.BulkString(h.Key)
		if sa.WithScores {
			writeScore(w, h.Score, res, i)
		}
		if sa.WithPayloads {
			w.Null()
		}
		if sa.SortKeys {
			writeSortKey(w, h.Sort)
		}
		if withFields {
			fields := loadFields(c, idx, sa, h, res)
			w.Array(len(fields))
			for _, f := range fields {
				w.BulkString(f)
			}
		}
	}
}

// writeSortKey writes a hit's sort key as RediSearch does: "#" and the number, or "$" and
// the string, or null.
func writeSortKey(w *Writer, v search.SortValue) {
	switch {
	case v.Missing:
		w.Null()
	case v.IsNum:
		w.BulkString("#" + strconv.FormatFloat(v.Num, 'g', 17, 64))
	default:
		w.BulkString("$" + v.Str)
	}
}

// loadFields reads what the reply shows of a document, as name, value pairs: the RETURN
// list, or the whole document (a hash's fields; a JSON document as its "$") after the
// hit's distance to a KNN vector (under yield). The SORTBY field comes first, as RediSearch
// lists it.
func loadFields(c *Ctx, idx *search.Index, sa *search.SearchArgs, h search.Hit, res *search.Result) []string {
	yield := res.Yield
	key := h.Key
	o := c.tx.View(0, []byte(key)).Get(key)
	if o == nil {
		return nil
	}
	def := idx.Def
	var out []string
	if sa.Returns == nil {
		if h.HasDist {
			out = append(out, yield, search.DistanceValue(h.Dist))
		}
		switch v := o.Value.(type) {
		case *engine.Hash:
			v.Range(func(f string, val []byte) bool {
				out = append(out, f, sa.Decorate(def, res.Terms, f, string(val)))
				return true
			})
		case *engine.JSON:
			root := v.Root
			if sa.Dialect >= 3 {
				root = jsonpath.NewArray(root) // dialect 3 returns every path's matches as an array
			}
			out = append(out, "$", string(jsonpath.Serialize(root)))
		}
	} else {
		for _, rf := range sa.Returns {
			if h.HasDist && rf.ID == yield {
				out = append(out, rf.As, search.DistanceValue(h.Dist))
				continue
			}
			if val, ok := def.DocValue(o, rf.ID, sa.Dialect); ok {
				out = append(out, rf.As, sa.Decorate(def, res.Terms, rf.ID, val))
			}
		}
	}
	return sortFieldFirst(out, sortFieldName(def, sa))
}

// sortFieldName is the name the SORTBY field has in the reply's field list.
func sortFieldName(def *search.Def, sa *search.SearchArgs) string {
	name := sa.SortBy
	if name == "" {
		return ""
	}
	for _, rf := range sa.Returns {
		if rf.ID == name {
			return rf.As
		}
	}
	if sa.Returns == nil && def.On == search.OnHash {
		if f := def.Field(name); f != nil {
			return f.Path
		}
	}
	return name
}

func sortFieldFirst(pairs []string, name string) []string {
	if name == "" {
		return pairs
	}
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i] == name {
			if i > 0 {
				k, v := pairs[i], pairs[i+1]
				copy(pairs[2:i+2], pairs[:i])
				pairs[0], pairs[1] = k, v
			}
			break
		}
	}
	return pairs
}

// writeScore writes hit i's score, with EXPLAINSCORE as RediSearch does: [score, [final
// line, [one line per term]]].
func writeScore(w *Writer, score float64, res *search.Result, i int) {
	if res.Explain == nil {
		w.Double(score)
		return
	}
	ex := res.Explain[i]
	w.Array(2)
	w.Double(score)
	w.Array(2)
	w.BulkString(ex.Final)
	w.Array(len(ex.Terms))
	for _, t := range ex.Terms {
		w.BulkString(t)
	}
}
