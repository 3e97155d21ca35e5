package jsonpath_test

import (
	"fmt"
	"strings"

	"darner/jsonpath"
)

// JSON.SET k $ '{"a":2, "b": 3, "nested": {"a": 4, "b": null}}' followed by JSON.GET with
// a JSONPath (every match, as an array) and with a legacy path (the first match).
func ExamplePath_Get() {
	doc, _ := jsonpath.ParseString(`{"a":2, "b": 3, "nested": {"a": 4, "b": null}}`)

	p, _ := jsonpath.Compile("$..a")
	fmt.Println(string(jsonpath.Serialize(p.Get(doc))))

	legacy, _ := jsonpath.Compile(".nested.b")
	if v, ok := legacy.First(doc); ok {
		fmt.Println(string(jsonpath.Serialize(v)))
	}
	// Output:
	// [2,4]
	// null
}

// JSON.SET with a path that matches, one that creates a key, and one that cannot.
func ExampleSet() {
	doc, _ := jsonpath.ParseString(`{"b":1,"a":2}`)
	for _, path := range []string{"$.a", "$.c", "$.x.y", "$..z"} {
		v, _ := jsonpath.ParseString(`3.0`)
		var n int
		var err error
		doc, n, err = jsonpath.Set(doc, jsonpath.MustCompile(path), v, jsonpath.SetAlways)
		fmt.Println(path, n, err)
	}
	fmt.Println(string(jsonpath.Serialize(doc)))
	// Output:
	// $.a 1 <nil>
	// $.c 1 <nil>
	// $.x.y 0 <nil>
	// $..z 0 Err wrong static path
	// {"b":1,"a":3.0,"c":3.0}
}

// JSON.NUMINCRBY-style update through Refs: read each match, replace it in its parent.
func ExamplePath_Locate() {
	doc, _ := jsonpath.ParseString(`{"a":1,"l":[2,"x",3.5]}`)
	for _, r := range jsonpath.MustCompile("$..*").Locate(doc) {
		switch v := r.Value().(type) {
		case int64:
			doc = r.Replace(doc, v+10)
		case float64:
			doc = r.Replace(doc, v+10)
		}
	}
	fmt.Println(string(jsonpath.Serialize(doc)))
	// Output: {"a":11,"l":[12,"x",13.5]}
}

// JSON.ARRAPPEND changes the arrays a path finds in place.
func ExampleArray_Append() {
	doc, _ := jsonpath.ParseString(`{"a":[1],"b":{"a":[]},"c":{"a":"no"}}`)
	for _, v := range jsonpath.MustCompile("$..a").Get(doc) {
		if a, ok := v.(*jsonpath.Array); ok {
			a.Append(int64(9))
			fmt.Println(a.Len())
		} else {
			fmt.Println("not an array")
		}
	}
	fmt.Println(string(jsonpath.Serialize(doc)))
	// Output:
	// 2
	// 1
	// not an array
	// {"a":[1,9],"b":{"a":[9]},"c":{"a":"no"}}
}

// JSON.GET k INDENT "\t" NEWLINE "\n" SPACE " " $
func ExampleFormat() {
	doc, _ := jsonpath.ParseString(`{"a":[1,{}],"b":{"c":"d"}}`)
	f := jsonpath.Format{Indent: "\t", Newline: "\n", Space: " "}
	fmt.Println(strings.ReplaceAll(string(f.Serialize(doc)), "\t", "→"))
	// Output:
	// {
	// →"a": [
	// →→1,
	// →→{}
	// →],
	// →"b": {
	// →→"c": "d"
	// →}
	// }
}

// How JSON.RESP (or any other reply writer) walks a value: a type switch over the seven
// kinds of document value.
func Example_walk() {
	doc, _ := jsonpath.ParseString(`{"a":[1,2.5,"s",true,null],"o":{}}`)
	fmt.Println(resp(doc))
	// Output: [{ a [[ 1 2.5 s true <nil>] o [{]]
}

func resp(v any) any {
	switch t := v.(type) {
	case *jsonpath.Object:
		out := []any{"{"}
		for k, e := range t.All() {
			out = append(out, k, resp(e))
		}
		return out
	case *jsonpath.Array:
		out := []any{"["}
		for _, e := range t.Values() {
			out = append(out, resp(e))
		}
		return out
	default: // nil, bool, int64, float64, string
		return t
	}
}
