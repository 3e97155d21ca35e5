package server

import (
	"errors"

	"darner/jsonpath"
)

// JSON.SET key path value [NX | XX] [FORMAT JSON|STRING]
func cmdJSONSet(c *Ctx) {
	mode, modeGiven := jsonpath.SetAlways, false
	for i := 4; i < len(c.Args); i++ {
		a := c.Args[i]
		switch {
		case asciiEqualFold(a, "nx") && !modeGiven:
			mode, modeGiven = jsonpath.SetNX, true
		case asciiEqualFold(a, "xx") && !modeGiven:
			mode, modeGiven = jsonpath.SetXX, true
		case asciiEqualFold(a, "format"):
			i++
			if !parseJSONFormat(c, i) {
				return
			}
		default:
			c.Err(errSyntax)
			return
		}
	}
	d, ok := openJSON(c, c.Args[1], false)
	if !ok {
		return
	}
	v, ok := parseJSONArg(c, c.Args[3], false)
	if !ok {
		return
	}
	text := string(c.Args[2])
	switch {
	case !d.exists() && mode == jsonpath.SetXX:
		c.W.Null()
	case !d.exists() && !isRootPath(text):
		c.Err(errJSONNewAtRoot)
	case isRootPath(text) && d.exists() && mode == jsonpath.SetNX:
		c.W.Null()
	case isRootPath(text):
		d.put(v)
		d.commit()
		c.W.OK()
	default:
		jsonSetAt(c, &d, text, v, mode)
	}
}

// parseJSONFormat checks the value of JSON.SET's and JSON.MERGE's FORMAT option, Args[i]
// (missing when i is past the end), answering the error itself (false).
func parseJSONFormat(c *Ctx, i int) bool {
	switch {
	case i == len(c.Args):
		c.ArityErr()
		return false
	case !jsonFormatOK(c.Args[i]):
		c.Err(errJSONFormat)
		return false
	}
	return true
}

// jsonSetAt is JSON.SET below the root of an existing document.
func jsonSetAt(c *Ctx, d *jsonDoc, text string, v any, mode jsonpath.SetMode) {
	p, ok := compilePath(c, text)
	if !ok {
		return
	}
	root, n, err := jsonpath.Set(d.root(), p, v, mode)
	switch {
	case errors.Is(err, jsonpath.ErrTooDeep):
		c.W.Null() // RedisJSON refuses the update without an error
	case err != nil:
		c.Err(Error(err.Error()))
	case n == 0:
		c.W.Null()
	default:
		d.json.Root = root
		d.touch()
		d.commit()
		c.W.OK()
	}
}

// JSON.MERGE key path value [FORMAT JSON|STRING]
func cmdJSONMerge(c *Ctx) {
	for i := 4; i < len(c.Args); i++ {
		if !asciiEqualFold(c.Args[i], "format") {
			c.Err(errSyntax)
			return
		}
		i++
		if !parseJSONFormat(c, i) {
			return
		}
	}
	d, ok := openJSON(c, c.Args[1], false)
	if !ok {
		return
	}
	patch, ok := parseJSONArg(c, c.Args[3], false)
	if !ok {
		return
	}
	text := string(c.Args[2])
	switch {
	case !d.exists() && !isRootPath(text):
		c.Err(errJSONNewAtRoot)
		return
	case !d.exists():
		// Nothing to merge into: the patch becomes the document as it is, nulls and all.
		d.put(patch)
	case isRootPath(text):
		d.json.Root = jsonpath.Merge(d.root(), patch)
		d.touch()
	default:
		p, ok := compilePath(c, text)
		if !ok {
			return
		}
		root, n, err := jsonpath.MergeAt(d.root(), p, patch)
		if err != nil {
			c.Err(Error(err.Error()))
			return
		}
		if n == 0 {
			c.W.Null()
			return
		}
		d.json.Root = root
		d.touch()
	}
	d.commit()
	c.W.OK()
}

// msetStep is one checked key-path-value triple of JSON.MSET.
type msetStep struct {
	doc   *jsonDoc
	path  *jsonpath.Path // nil for the root
	value any
}

// JSON.MSET key path value [key path value ...]
//
// Every triple is checked against the documents as they are before anything changes, as
// in RedisJSON, so one bad triple leaves every key alone; then the triples apply in
// order. The dispatcher holds every key's shard, so no client sees a partial MSET.
func cmdJSONMset(c *Ctx) {
	if (len(c.Args)-1)%3 != 0 {
		c.ArityErr()
		return
	}
	docs := make(map[string]*jsonDoc)
	steps := make([]msetStep, 0, (len(c.Args)-1)/3)
	for i := 1; i < len(c.Args); i += 3 {
		d := docs[string(c.Args[i])]
		if d == nil {
			opened, ok := openJSON(c, c.Args[i], false)
			if !ok {
				return
			}
			d = &opened
			docs[d.key] = d
		}
		s, ok := checkMsetTriple(c, d, string(c.Args[i+1]), c.Args[i+2])
		if !ok {
			return
		}
		steps = append(steps, s)
	}
	for _, s := range steps {
		if s.path == nil {
			s.doc.put(s.value)
			continue
		}
		// An earlier triple may have moved the place away; RedisJSON then skips it too.
		if root, n, err := jsonpath.Set(s.doc.root(), s.path, s.value, jsonpath.SetAlways); err == nil && n > 0 {
			s.doc.json.Root = root
			s.doc.touch()
		}
	}
	for _, d := range docs {
		d.commit()
	}
	c.W.OK()
}

// checkMsetTriple checks one JSON.MSET triple against d as it is now, answering the
// error itself (ok=false).
func checkMsetTriple(c *Ctx, d *jsonDoc, text string, value []byte) (s msetStep, ok bool) {
	s.doc = d
	if !isRootPath(text) {
		if !d.exists() {
			c.Err(errJSONNewAtRoot)
			return s, false
		}
		if s.path, ok = compilePath(c, text); !ok {
			return s, false
		}
		// With no match JSON.SET would add the path's last key, which is refused when
		// the path is not static or ends with an index. Trying it on an empty scratch
		// object finds the same error without touching the document.
		if len(s.path.Get(d.root())) == 0 {
			if _, _, err := jsonpath.Set(jsonpath.NewObject(0), s.path, nil, jsonpath.SetAlways); err != nil {
				c.Err(Error(err.Error()))
				return s, false
			}
		}
	}
	s.value, ok = parseJSONArg(c, value, false)
	return s, ok
}

// JSON.DEL key [path]
func cmdJSONDel(c *Ctx) {
	d, ok := openJSON(c, c.Args[1], false)
	if !ok {
		return
	}
	if !d.exists() {
		c.W.Int(0)
		return
	}
	text := pathArg(c, 2)
	if isRootPath(text) {
		d.view.Delete(d.key)
		c.W.Int(1)
		return
	}
	p, ok := compilePath(c, text)
	if !ok {
		return
	}
	n, dropKey := jsonpath.Delete(d.root(), p)
	switch {
	case dropKey:
		// The root, or the last members of the document: the key goes, as in RedisJSON.
		d.view.Delete(d.key)
	case n > 0:
		d.touch()
		d.commit()
	}
	c.W.Int(int64(n))
}

// JSON.CLEAR key [path ...]
//
// Only the first path counts, as in RedisJSON. Matches are cleared in match order; a
// match inside an array or object cleared before it is gone and not counted.
func cmdJSONClear(c *Ctx) {
	d, ok := openJSON(c, c.Args[1], false)
	if !ok {
		return
	}
	if !d.exists() {
		c.Err(errJSONNoKey)
		return
	}
	p, ok := compilePath(c, pathArg(c, 2))
	if !ok {
		return
	}
	refs := p.Locate(d.root())
	// Which matches to clear is decided up front, as RedisJSON does: non-empty arrays and
	// objects and non-zero numbers.
	want := make([]bool, len(refs))
	for i, r := range refs {
		want[i] = needsClear(r.Value())
	}
	cleared := make(map[string]bool)
	var n int64
	for i, r := range refs {
		if !want[i] {
			continue
		}
		where := r.Path()
		if insideCleared(where, cleared) {
			continue
		}
		switch v := r.Value().(type) {
		case *jsonpath.Object:
			v.Clear()
			cleared[where] = true
		case *jsonpath.Array:
			v.Clear()
			cleared[where] = true
		case int64, float64:
			d.json.Root = r.Replace(d.root(), int64(0))
		default:
			continue
		}
		n++
	}
	if n > 0 {
		d.touch()
		d.commit()
	}
	c.W.Int(n)
}

func needsClear(v any) bool {
	switch t := v.(type) {
	case *jsonpath.Object:
		return t.Len() > 0
	case *jsonpath.Array:
		return t.Len() > 0
	case int64:
		return t != 0
	case float64:
		return t != 0
	}
	return false
}

// insideCleared reports whether the normalized path where ($["a"][0]…) lies inside one
// of the cleared ones. Its ancestors are its prefixes that end just before a "[" which
// follows "$" or "]"; a "]" inside a quoted name can yield a false candidate, but never
// one that is the path of a real location.
func insideCleared(where string, cleared map[string]bool) bool {
	if len(cleared) == 0 {
		return false
	}
	for i := 1; i < len(where); i++ {
		if where[i] == '[' && (i == 1 || where[i-1] == ']') && cleared[where[:i]] {
			return true
		}
	}
	return false
}
