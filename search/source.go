package search

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"darner/engine"
	"darner/jsonpath"
	"darner/vectors"
)

// source reads field values out of one stored document.
type source interface {
	// values returns f's values as strings (numbers formatted), or nil when the document
	// lacks the field. A JSON array yields one value per element. err marks a value that
	// no field type can index (a JSON object where a scalar belongs).
	values(f *Field) []string
	// vectors decodes a VECTOR field's vectors into dst: a hash field's blob, or each JSON
	// array of numbers the path matches. ok is false when a value is not a vector of the
	// field's dimension (the document then fails); none found is (nil, true).
	vectors(f *Field, dst [][]float32) (vs [][]float32, ok bool)
}

// source returns a reader of o's fields when o is of the index's document type, else nil.
func (d *Def) source(o *engine.Object) source {
	if o == nil {
		return nil
	}
	switch v := o.Value.(type) {
	case *engine.Hash:
		if d.On == OnHash {
			return &hashSource{h: v}
		}
	case *engine.JSON:
		if d.On == OnJSON {
			return jsonSource{v.Root}
		}
	}
	return nil
}

// hashSource reads a hash's fields. The value it returns aliases the hash's own bytes, which
// a later HSET may overwrite in place: it is valid during the analysis of this write only,
// and whatever the index keeps of it is copied (terms and tags are cloned when stored).
type hashSource struct {
	h   *engine.Hash
	buf [1]string
}

func (s *hashSource) values(f *Field) []string {
	b, ok := s.h.Get(f.Path)
	if !ok {
		return nil
	}
	s.buf[0] = unsafe.String(unsafe.SliceData(b), len(b))
	return s.buf[:]
}

func (s *hashSource) vectors(f *Field, dst [][]float32) ([][]float32, bool) {
	b, ok := s.h.Get(f.Path)
	if !ok {
		return dst[:0], true
	}
	dst = growVecs(dst, 1)
	v, err := vectors.Decode(f.Vector.Type, b, f.Vector.Dim, dst[0])
	dst[0] = v
	return dst, err == nil
}

// growVecs returns dst with n vectors, reusing the buffers it had (those past its length
// too, up to its capacity).
func growVecs(dst [][]float32, n int) [][]float32 {
	if n <= cap(dst) {
		return dst[:n]
	}
	return append(dst[:cap(dst)], make([][]float32, n-cap(dst))...)
}

type jsonSource struct{ root any }

func (s jsonSource) vectors(f *Field, dst [][]float32) ([][]float32, bool) {
	if f.json == nil || f.json.fn != "" {
		return dst[:0], true
	}
	matches := f.json.path.Get(s.root)
	dst = dst[:0]
	var nums []float64
	for _, m := range matches {
		arr, ok := m.(*jsonpath.Array)
		if !ok {
			if m == nil {
				continue
			}
			return dst, false
		}
		nums = nums[:0]
		for i := range arr.Len() {
			x, ok := jsonNumber(arr.At(i))
			if !ok {
				return dst, false
			}
			nums = append(nums, x)
		}
		dst = growVecs(dst, len(dst)+1)
		v, err := vectors.FromFloat64s(f.Vector.Type, nums, f.Vector.Dim, dst[len(dst)-1])
		dst[len(dst)-1] = v
		if err != nil {
			return dst, false
		}
	}
	return dst, true
}

// unindexable stands for a JSON value no field can index; analyseField fails the document.
const unindexable = "\x00unindexable"

func (s jsonSource) values(f *Field) []string {
	jf := f.json
	if jf == nil {
		return nil
	}
	matches := jf.path.Get(s.root)
	switch jf.fn {
	case "length":
		if len(matches) == 0 {
			return nil
		}
		switch v := matches[0].(type) {
		case *jsonpath.Array:
			return []string{strconv.Itoa(v.Len())}
		case *jsonpath.Object:
			return []string{strconv.Itoa(v.Len())}
		case string:
			return []string{strconv.Itoa(len(v))}
		}
		return nil
	case "max":
		best, found := math.Inf(-1), false
		for _, m := range matches {
			if x, ok := jsonNumber(m); ok && x > best {
				best, found = x, true
			}
		}
		if !found {
			return nil
		}
		return []string{formatNumber(best)}
	}
	var out []string
	for _, m := range matches {
		if f.Type == Numeric && holdsString(m) {
			// RediSearch indexes only JSON numbers in a NUMERIC field; a string there fails
			// the document.
			return []string{unindexable}
		}
		out = appendJSONValue(out, m)
	}
	return out
}

// holdsString reports whether v is a string or an array holding one.
func holdsString(v any) bool {
	switch x := v.(type) {
	case string:
		return true
	case *jsonpath.Array:
		for i := range x.Len() {
			if _, ok := x.At(i).(string); ok {
				return true
			}
		}
	}
	return false
}

// appendJSONValue appends a match's scalar values: an array contributes its elements.
func appendJSONValue(out []string, v any) []string {
	switch x := v.(type) {
	case nil:
		return out
	case string:
		return append(out, x)
	case bool:
		return append(out, strconv.FormatBool(x))
	case int64, float64:
		n, _ := jsonNumber(x)
		return append(out, formatNumber(n))
	case *jsonpath.Array:
		if out == nil {
			out = make([]string, 0, x.Len())
		}
		for i := range x.Len() {
			switch e := x.At(i).(type) {
			case *jsonpath.Array, *jsonpath.Object:
				out = append(out, unindexable)
			default:
				out = appendJSONValue(out, e)
			}
		}
		return out
	}
	return append(out, unindexable)
}

func jsonNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// parseFloat reads a number as RediSearch accepts it in a NUMERIC field.
func parseFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "inf", "+inf":
		return math.Inf(1), true
	case "-inf":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// optionPath compiles SCORE_FIELD or LANGUAGE_FIELD for a JSON index, where they name a
// path.
func optionPath(d *Def, p string) *jsonField {
	if d.On != OnJSON {
		return nil
	}
	jf, err := compileJSONField(p)
	if err != nil {
		return nil
	}
	return jf
}

// IsFunction reports whether f is a JSON attribute defined by a path function (length(),
// max()) rather than a path.
func (f *Field) IsFunction() bool { return f.json != nil && f.json.fn != "" }

// FunctionValue is the value of such an attribute in the JSON document root, formatted as
// the index reads it; ok is false when the document gives it none.
func (f *Field) FunctionValue(root any) (string, bool) {
	if !f.IsFunction() {
		return "", false
	}
	vs := jsonSource{root}.values(f)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// DocValue reads one RETURN entry of a document: an attribute (through its path), a hash
// field, or a JSONPath. From a JSON document dialects 1 and 2 return the first match (a
// string as is, anything else as JSON text); dialect 3 returns every match as a JSON array.
func (def *Def) DocValue(o *engine.Object, id string, dialect int) (string, bool) {
	path := id
	if f := def.Field(id); f != nil {
		path = f.Path
		if j, ok := o.Value.(*engine.JSON); ok && f.IsFunction() {
			return f.FunctionValue(j.Root)
		}
	}
	switch v := o.Value.(type) {
	case *engine.Hash:
		b, ok := v.Get(path)
		return string(b), ok
	case *engine.JSON:
		p, err := jsonpath.Compile(path)
		if err != nil {
			return "", false
		}
		matches := p.Get(v.Root)
		if len(matches) == 0 {
			return "", false
		}
		if dialect >= 3 {
			return string(jsonpath.Serialize(jsonpath.NewArray(matches...))), true
		}
		if s, ok := matches[0].(string); ok {
			return s, true
		}
		return string(jsonpath.Serialize(matches[0])), true
	}
	return "", false
}
