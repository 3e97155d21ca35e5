package server

import (
	"math"

	"darner/search"
)

// FT.INFO index
//
// The reply lists RediSearch 8's keys in its order (node-redis v4 and go-redis read some by
// position). The memory sizes RediSearch reports for its own structures are reported as 0:
// darner's structures differ and are not measured one by one.
func cmdFTInfo(c *Ctx) {
	idx := c.srv.search.Get(string(c.Args[1]))
	if idx == nil {
		c.Err("Unknown index name")
		return
	}
	def := idx.Def
	st := idx.Stats(c.tx)
	indexing, pct := idx.Indexing()
	w := c.W
	custom := def.StopWords != nil
	pairs := 34
	if custom {
		pairs++
	}
	w.Map(pairs)
	w.BulkString("index_name")
	w.BulkString(def.Name)
	w.BulkString("index_options")
	writeIndexOptions(w, def)
	w.BulkString("index_definition")
	writeIndexDefinition(w, def)
	w.BulkString("attributes")
	w.Array(len(def.Fields))
	for _, f := range def.Fields {
		writeAttribute(w, f)
	}
	kvInt(w, "num_docs", st.Docs)
	kvInt(w, "max_doc_id", st.MaxDocID)
	kvInt(w, "num_terms", st.Terms)
	kvInt(w, "num_records", st.Records)
	kvDouble(w, "inverted_sz_mb", 0)
	kvDouble(w, "vector_index_sz_mb", float64(st.VectorBytes)/(1<<20))
	kvInt(w, "total_inverted_index_blocks", 0)
	for _, k := range []string{"offset_vectors_sz_mb", "doc_table_size_mb", "sortable_values_size_mb",
		"key_table_size_mb", "tag_overhead_sz_mb", "text_overhead_sz_mb", "total_index_memory_sz_mb",
		"geoshapes_sz_mb"} {
		kvDouble(w, k, 0)
	}
	perDoc := math.NaN()
	if st.Docs > 0 {
		perDoc = float64(st.Records) / float64(st.Docs)
	}
	kvDouble(w, "records_per_doc_avg", perDoc)
	kvDouble(w, "bytes_per_record_avg", math.NaN())
	kvDouble(w, "offsets_per_term_avg", math.NaN())
	kvDouble(w, "offset_bits_per_record_avg", math.NaN())
	kvInt(w, "hash_indexing_failures", st.Failures)
	kvDouble(w, "total_indexing_time", 0)
	kvInt(w, "indexing", b2i(indexing))
	kvDouble(w, "percent_indexed", pct)
	kvInt(w, "number_of_uses", st.Uses)
	kvInt(w, "cleaning", 0)
	w.BulkString("gc_stats")
	w.Map(7)
	for _, k := range []string{"bytes_collected", "total_ms_run", "total_cycles", "average_cycle_time_ms",
		"last_run_time_ms", "gc_numeric_trees_missed", "gc_blocks_denied"} {
		kvInt(w, k, 0)
	}
	w.BulkString("cursor_stats")
	w.Map(4)
	// Between reads every cursor is idle: none runs a query while parked.
	total, own := c.srv.cursors.Stats(def.Name)
	kvInt(w, "global_idle", int64(total))
	kvInt(w, "global_total", int64(total))
	kvInt(w, "index_capacity", 128)
	kvInt(w, "index_total", int64(own))
	if custom {
		w.BulkString("stopwords_list")
		w.Array(len(def.StopWords))
		for _, s := range def.StopWords {
			w.BulkString(s)
		}
	}
	w.BulkString("dialect_stats")
	w.Map(4)
	for d, n := range st.Dialects {
		kvInt(w, "dialect_"+string(rune('1'+d)), n)
	}
	w.BulkString("Index Errors")
	writeIndexErrors(w, st.Failures)
	w.BulkString("field statistics")
	w.Array(len(def.Fields))
	for _, f := range def.Fields {
		w.Map(3)
		w.BulkString("identifier")
		w.BulkString(f.Path)
		w.BulkString("attribute")
		w.BulkString(f.Name)
		w.BulkString("Index Errors")
		writeIndexErrors(w, 0)
	}
}

func writeIndexOptions(w *Writer, def *search.Def) {
	var opts []string
	if def.NoFreqs {
		opts = append(opts, "NOFREQS")
	}
	if def.NoFields {
		opts = append(opts, "NOFIELDS")
	}
	if def.NoOffsets {
		opts = append(opts, "NOOFFSETS")
	}
	if def.NoHL || def.NoOffsets {
		opts = append(opts, "NOHL")
	}
	w.Array(len(opts))
	for _, o := range opts {
		w.Simple(o)
	}
}

func writeIndexDefinition(w *Writer, def *search.Def) {
	n := 4 // key_type, prefixes, default_score, indexes_all
	if def.Filter != "" {
		n++
	}
	if def.Language != "english" {
		n++
	}
	if def.LanguageField != "" {
		n++
	}
	if def.ScoreField != "" {
		n++
	}
	w.Map(n)
	w.BulkString("key_type")
	w.BulkString(def.On.String())
	w.BulkString("prefixes")
	prefixes := def.Prefixes
	if len(prefixes) == 0 {
		prefixes = []string{""}
	}
	w.Array(len(prefixes))
	for _, p := range prefixes {
		w.BulkString(p)
	}
	if def.Filter != "" {
		w.BulkString("filter")
		w.BulkString(def.Filter)
	}
	if def.Language != "english" {
		w.BulkString("default_language")
		w.BulkString(def.Language)
	}
	if def.LanguageField != "" {
		w.BulkString("language_field")
		w.BulkString(def.LanguageField)
	}
	kvDouble(w, "default_score", def.Score)
	if def.ScoreField != "" {
		w.BulkString("score_field")
		w.BulkString(def.ScoreField)
	}
	w.BulkString("indexes_all")
	w.BulkString("false")
}

// writeAttribute writes one schema field as RediSearch does: identifier, attribute, type,
// the type's parameters, then its flags (bare in RESP2, under "flags" in RESP3).
func writeAttribute(w *Writer, f *search.Field) {
	flags := f.Flags()
	pairs := 3
	switch {
	case f.Type == search.Text || f.Type == search.Tag:
		pairs++
	case f.Type == search.Vector && f.Vector.Algorithm == "HNSW":
		pairs += 6
	case f.Type == search.Vector:
		pairs += 4
	}
	if w.RESP3() {
		w.Map(pairs + 1)
	} else {
		w.Array(2*pairs + len(flags))
	}
	w.BulkString("identifier")
	w.BulkString(f.Path)
	w.BulkString("attribute")
	w.BulkString(f.Name)
	w.BulkString("type")
	w.BulkString(f.Type.String())
	switch f.Type {
	case search.Text:
		kvDouble(w, "WEIGHT", f.Weight)
	case search.Tag:
		w.BulkString("SEPARATOR")
		w.BulkString(string(f.Separator))
	case search.Vector:
		v := f.Vector
		w.BulkString("algorithm")
		w.BulkString(v.Algorithm)
		w.BulkString("data_type")
		w.BulkString(v.Type.String())
		kvInt(w, "dim", int64(v.Dim))
		w.BulkString("distance_metric")
		w.BulkString(v.Metric.String())
		if v.Algorithm == "HNSW" {
			kvInt(w, "M", int64(v.M))
			kvInt(w, "ef_construction", int64(v.EFConstruction))
		}
	}
	if w.RESP3() {
		w.BulkString("flags")
		w.Array(len(flags))
	}
	for _, fl := range flags {
		w.Simple(fl)
	}
}

func writeIndexErrors(w *Writer, failures int64) {
	w.Map(3)
	kvInt(w, "indexing failures", failures)
	w.BulkString("last indexing error")
	w.BulkString("N/A")
	w.BulkString("last indexing error key")
	w.BulkString("N/A")
}

func kvInt(w *Writer, k string, v int64) {
	w.BulkString(k)
	w.Int(v)
}

func kvDouble(w *Writer, k string, v float64) {
	w.BulkString(k)
	w.Double(v)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
