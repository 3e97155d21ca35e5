package search

import (
	"fmt"
	"strings"

	"darner/engine"
	"darner/search/query"
)

// ScoreExplanation is EXPLAINSCORE's account of one hit's score, in RediSearch's words: a
// final line and one line per query term the document holds.
type ScoreExplanation struct {
	Final string
	Terms []string
}

// explainScores explains the scores of the page's hits, each on the part that found it,
// with the index-wide statistics the search scored with.
func explainScores(tx *engine.Tx, idx *Index, req *Request, ast query.Node, g *scoring, hits []Hit) []ScoreExplanation {
	out := make([]ScoreExplanation, len(hits))
	for i := range hits {
		h := &hits[i]
		p := idx.parts[h.part]
		e := newEvaluator(tx.ShardView(0, int(h.part)), p, req)
		root := ast
		if k, ok := ast.(*query.KNN); ok {
			root = k.Filter
		}
		e.eval(root) // numbers the leaves as the search did
		out[i] = e.explain(h, newScorer(req, g, e.leaves))
	}
	return out
}

// explain is one document's explanation.
func (e *evaluator) explain(h *Hit, sc *scorer) ScoreExplanation {
	d := e.p.doc(h.doc)
	docScore := e.p.def.Score
	if e.p.def.ScoreField != "" {
		docScore = d.score
	}
	name := sc.kind
	if name == "" {
		name = "BM25STD"
	}
	switch sc.kind {
	case "DOCSCORE":
		return ScoreExplanation{Final: fmt.Sprintf("Document's score is %.2f", docScore)}
	case "HAMMING":
		return ScoreExplanation{Final: "Hamming distance: the document has no payload, score 0"}
	}
	var lines []string
	raw := 0.0
	dl := float64(max(e.p.lens[h.doc], 1))
	for i, l := range e.leaves {
		if l.negated || l.terms.len() == 0 {
			continue
		}
		tf := e.p.termFreq(d, l)
		if tf == 0 {
			continue
		}
		var v float64
		switch sc.kind {
		case "TFIDF", "TFIDF.DOCNORM":
			v = l.weight * tf * sc.idf[i]
			lines = append(lines, fmt.Sprintf("(TFIDF %.2f = Weight %.2f * TF %g * IDF %.2f)", v, l.weight, tf, sc.idf[i]))
		case "DISMAX":
			v = l.weight * tf
			lines = append(lines, fmt.Sprintf("(DISMAX %.2f = Weight %.2f * Frequency %g)", v, l.weight, tf))
		default:
			v = l.weight * sc.bm25(i, tf, e.p.lens[h.doc])
			lines = append(lines, fmt.Sprintf("(%.2f = Weight %.2f * IDF %.2f * F %g * (k1 1.2 + 1) / (F %g + k1 1.2 * "+
				"(1 - b 0.75 + b 0.75 * Doc Len %g / Average Doc Len %.2f)))", v, l.weight, sc.idf[i], tf, tf, dl, sc.avgLen))
		}
		raw += v
	}
	var final string
	switch sc.kind {
	case "TFIDF":
		final = fmt.Sprintf("Final TFIDF : words TFIDF %.2f * document score %.2f / norm %d / slop 1",
			raw, docScore, max(e.p.maxFreq(d), 1))
	case "TFIDF.DOCNORM":
		final = fmt.Sprintf("Final TFIDF : words TFIDF %.2f * document score %.2f / norm %g / slop 1", raw, docScore, dl)
	case "DISMAX":
		final = fmt.Sprintf("Final DISMAX : words DISMAX %.2f", raw)
	default:
		final = fmt.Sprintf("Final %s : words %s %.2f * document score %.2f", name, strings.TrimSuffix(name, ".NORM"), raw, docScore)
		switch sc.kind {
		case "BM25STD.NORM":
			final += fmt.Sprintf(", normalized to %.2f", h.Score)
		case "BM25STD.TANH":
			final += fmt.Sprintf(", tanh(score / factor) %.2f", h.Score)
		}
	}
	return ScoreExplanation{Final: final, Terms: lines}
}
