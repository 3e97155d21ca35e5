package query

import (
	"fmt"
	"strconv"
	"strings"
)

// dump writes a tree in a compact form the test table compares against, in the spirit of
// FT.EXPLAIN: AND(…), OR(…), NOT(…), OPT(…), @f:(…), words bare, "phrases", PREFIX(…),
// TAG(@t …), NUM(@n [lo hi]), GEO(@g …), KNN(…), RANGE(…), attributes as =>{…}.
func dump(n Node) string {
	switch n := n.(type) {
	case nil:
		return "<nil>"
	case *Intersect:
		return "AND(" + dumpAll(n.Children) + ")" + dumpAttrs(n.Attrs)
	case *Union:
		return "OR(" + dumpAll(n.Children) + ")" + dumpAttrs(n.Attrs)
	case *Not:
		return "NOT(" + dump(n.Child) + ")" + dumpAttrs(n.Attrs)
	case *Optional:
		return "OPT(" + dump(n.Child) + ")" + dumpAttrs(n.Attrs)
	case *Fields:
		return "@" + strings.Join(n.Names, "|") + ":(" + dump(n.Child) + ")"
	case *Term:
		return dumpWord(n.Text) + dumpAttrs(n.Attrs)
	case *Phrase:
		return strconv.Quote(strings.Join(n.Terms, " ")) + dumpAttrs(n.Attrs)
	case *Affix:
		return [...]string{Prefix: "PREFIX", Suffix: "SUFFIX", Infix: "INFIX"}[n.Kind] +
			"(" + dumpWord(n.Text) + ")" + dumpAttrs(n.Attrs)
	case *Wildcard:
		return "WILDCARD(" + n.Pattern + ")" + dumpAttrs(n.Attrs)
	case *Fuzzy:
		return fmt.Sprintf("FUZZY%d(%s)%s", n.Distance, dumpWord(n.Text), dumpAttrs(n.Attrs))
	case *Tag:
		return "TAG(@" + n.Field + " " + dumpTags(n.Values) + ")" + dumpAttrs(n.Attrs)
	case *Numeric:
		lo, hi := "", ""
		if n.MinExclusive {
			lo = "("
		}
		if n.MaxExclusive {
			hi = "("
		}
		return fmt.Sprintf("NUM(@%s [%s%g %s%g])%s", n.Field, lo, n.Min, hi, n.Max, dumpAttrs(n.Attrs))
	case *Geo:
		return fmt.Sprintf("GEO(@%s %g %g %g %s)%s", n.Field, n.Lon, n.Lat, n.Radius, n.Unit, dumpAttrs(n.Attrs))
	case *All:
		return "*"
	case *Empty:
		return "EMPTY"
	case *IsMissing:
		return "MISSING(@" + n.Field + ")"
	case *KNN:
		return dumpKNN(n)
	case *VectorRange:
		return fmt.Sprintf("RANGE(@%s %g $%s)%s", n.Field, n.Radius, n.BlobParam, dumpAttrs(n.Attrs))
	}
	return fmt.Sprintf("?%T", n)
}

func dumpAll(ns []Node) string {
	parts := make([]string, len(ns))
	for i, c := range ns {
		parts[i] = dump(c)
	}
	return strings.Join(parts, ", ")
}

func dumpWord(s string) string {
	if s == "" || strings.ContainsAny(s, " ,()\"") {
		return strconv.Quote(s)
	}
	return s
}

func dumpTags(vs []TagValue) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		switch v.Kind {
		case TagPrefix:
			parts[i] = "PREFIX(" + dumpWord(v.Text) + ")"
		case TagSuffix:
			parts[i] = "SUFFIX(" + dumpWord(v.Text) + ")"
		case TagInfix:
			parts[i] = "INFIX(" + dumpWord(v.Text) + ")"
		case TagWildcard:
			parts[i] = "WILDCARD(" + v.Text + ")"
		default:
			parts[i] = dumpWord(v.Text)
		}
	}
	return strings.Join(parts, " | ")
}

func dumpKNN(n *KNN) string {
	s := fmt.Sprintf("KNN(%d @%s $%s", n.K, n.Field, n.BlobParam)
	if n.EFRuntime != nil {
		s += fmt.Sprintf(" ef=%d", *n.EFRuntime)
	}
	if n.Epsilon != nil {
		s += fmt.Sprintf(" eps=%g", *n.Epsilon)
	}
	if n.HybridPolicy != "" {
		s += " policy=" + n.HybridPolicy
	}
	if n.BatchSize != nil {
		s += fmt.Sprintf(" batch=%d", *n.BatchSize)
	}
	if n.Alias != "" {
		s += " as=" + n.Alias
	}
	return s + " | " + dump(n.Filter) + ")" + dumpAttrs(n.Attrs)
}

func dumpAttrs(a Attrs) string {
	var parts []string
	if a.Weight != nil {
		parts = append(parts, fmt.Sprintf("weight=%g", *a.Weight))
	}
	if a.Slop != nil {
		parts = append(parts, fmt.Sprintf("slop=%d", *a.Slop))
	}
	if a.InOrder != nil {
		parts = append(parts, fmt.Sprintf("inorder=%t", *a.InOrder))
	}
	if a.Phonetic != nil {
		parts = append(parts, fmt.Sprintf("phonetic=%t", *a.Phonetic))
	}
	if a.YieldDistanceAs != "" {
		parts = append(parts, "yield="+a.YieldDistanceAs)
	}
	if a.EFRuntime != nil {
		parts = append(parts, fmt.Sprintf("ef=%d", *a.EFRuntime))
	}
	if a.Epsilon != nil {
		parts = append(parts, fmt.Sprintf("eps=%g", *a.Epsilon))
	}
	if len(parts) == 0 {
		return ""
	}
	return "=>{" + strings.Join(parts, ",") + "}"
}
