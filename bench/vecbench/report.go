package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// record is one output line: its type and fields.
type record struct {
	kind string
	f    map[string]string
}

func (r record) num(k string) float64 {
	v, err := strconv.ParseFloat(r.f[k], 64)
	if err != nil {
		return -1
	}
	return v
}

func (r record) has(k string) bool { _, ok := r.f[k]; return ok }

func readRecords(paths []string) ([]record, error) {
	var out []record
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
				continue
			}
			r := record{kind: fields[0], f: map[string]string{}}
			for _, kv := range fields[1:] {
				if k, v, ok := strings.Cut(kv, "="); ok {
					r.f[k] = v
				}
			}
			out = append(out, r)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// find is the last record of kind matching every key=value given.
func find(rs []record, kind string, kv ...string) (record, bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		r := rs[i]
		if r.kind != kind {
			continue
		}
		ok := true
		for j := 0; j < len(kv); j += 2 {
			if r.f[kv[j]] != kv[j+1] {
				ok = false
				break
			}
		}
		if ok {
			return r, true
		}
	}
	return record{}, false
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func num(v float64, format string) string {
	if v < 0 {
		return "—"
	}
	return fmt.Sprintf(format, v)
}

// sweep is one side's search points of one data set: ef → threads → record.
type sweep map[int]map[string]record

func sweepOf(rs []record, side, dim string) (sweep, []int) {
	s := sweep{}
	for _, r := range rs {
		if r.kind != "search" || r.f["side"] != side || r.f["dim"] != dim {
			continue
		}
		ef, _ := strconv.Atoi(r.f["ef"])
		if s[ef] == nil {
			s[ef] = map[string]record{}
		}
		s[ef][r.f["threads"]] = r
	}
	var efs []int
	for ef := range s {
		efs = append(efs, ef)
	}
	slices.Sort(efs)
	return s, efs
}

// first is the smallest ef whose recall reaches target, or -1.
func (s sweep) first(efs []int, target float64) int {
	for _, ef := range efs {
		if r, ok := s[ef]["1"]; ok && r.num("recall") >= target-1e-9 {
			return ef
		}
	}
	return -1
}

func (s sweep) get(ef int, threads, key string) float64 {
	if r, ok := s[ef][threads]; ok {
		return r.num(key)
	}
	return -1
}

func report(w io.Writer, paths []string) error {
	rs, err := readRecords(paths)
	if err != nil {
		return err
	}
	var dims []string
	for _, r := range rs {
		if r.kind == "build" && !slices.Contains(dims, r.f["dim"]) {
			dims = append(dims, r.f["dim"])
		}
	}
	for _, dim := range dims {
		db, _ := find(rs, "build", "side", "darner", "dim", dim, "threads", "1")
		hb, _ := find(rs, "build", "side", "hnswlib", "dim", dim, "threads", "1")
		hb2, _ := find(rs, "build", "side", "hnswlib", "dim", dim, "threads", "2")
		dm, _ := find(rs, "mem", "side", "darner", "dim", dim)
		hm, _ := find(rs, "mem", "side", "hnswlib", "dim", dim)
		fmt.Fprintf(w, "\n### %s × %s float32, L2, M=16, EF_CONSTRUCTION=200\n\n", db.f["n"], dim)
		fmt.Fprintln(w, "| | darner | hnswlib | darner / hnswlib |")
		fmt.Fprintln(w, "|---|---|---|---|")
		fmt.Fprintf(w, "| build, 1 thread (vectors/s) | %s (%s s) | %s (%s s) | %s |\n",
			num(db.num("rate"), "%.0f"), num(db.num("secs"), "%.1f"), num(hb.num("rate"), "%.0f"), num(hb.num("secs"), "%.1f"),
			ratio(db.num("rate"), hb.num("rate")))
		if hb2.has("rate") {
			fmt.Fprintf(w, "| build, 2 threads (vectors/s) | — (Add is not concurrent) | %s (%s s) | %s (darner 1 thread / hnswlib 2) |\n",
				num(hb2.num("rate"), "%.0f"), num(hb2.num("secs"), "%.1f"), ratio(db.num("rate"), hb2.num("rate")))
		}
		fmt.Fprintf(w, "| memory, B/vector (darner: MemoryBytes; hnswlib: its structures, counted) | %s | %s | %s |\n",
			num(dm.num("per_vector"), "%.1f"), num(hm.num("per_vector"), "%.1f"), ratio(dm.num("per_vector"), hm.num("per_vector")))
		fmt.Fprintf(w, "| memory, B/vector measured (RSS Δ; darner's after a collection returning free heap) | %s | %s | %s |\n",
			num(dm.num("rss_delta_per_vector"), "%.1f"), num(hm.num("rss_delta_per_vector"), "%.1f"),
			ratio(dm.num("rss_delta_per_vector"), hm.num("rss_delta_per_vector")))
		base := dm.num("raw") + dm.num("links")
		fmt.Fprintf(w, "| raw vector (%s B) + links at capacity (%s B) | %.1f | %.1f | |\n",
			num(dm.num("raw"), "%.0f"), num(dm.num("links"), "%.1f"), base, base)
		fmt.Fprintf(w, "| memory / (raw + links), counted | %s | %s | |\n",
			ratio(dm.num("per_vector"), base), ratio(hm.num("per_vector"), base))

		ds, defs := sweepOf(rs, "darner", dim)
		hs, hefs := sweepOf(rs, "hnswlib", dim)
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| recall@10 target | darner ef (recall) | hnswlib ef (recall) | QPS 1 thread darner / hnswlib (ratio) | QPS 2 threads darner / hnswlib (ratio) |")
		fmt.Fprintln(w, "|---|---|---|---|---|")
		for _, target := range []float64{0.90, 0.95, 0.99} {
			de, he := ds.first(defs, target), hs.first(hefs, target)
			cell := func(s sweep, ef int) string {
				if ef < 0 {
					return "not reached"
				}
				return fmt.Sprintf("%d (%.4f)", ef, s.get(ef, "1", "recall"))
			}
			qps := func(th string) string {
				d, h := -1.0, -1.0
				if de >= 0 {
					d = ds.get(de, th, "qps")
				}
				if he >= 0 {
					h = hs.get(he, th, "qps")
				}
				return fmt.Sprintf("%s / %s (%s)", num(d, "%.0f"), num(h, "%.0f"), ratio(d, h))
			}
			fmt.Fprintf(w, "| %.2f | %s | %s | %s | %s |\n", target, cell(ds, de), cell(hs, he), qps("1"), qps("2"))
		}

		all := slices.Clone(defs)
		for _, ef := range hefs {
			if !slices.Contains(all, ef) {
				all = append(all, ef)
			}
		}
		slices.Sort(all)
		fmt.Fprintln(w)
		fmt.Fprintln(w, "<details><summary>the whole ef sweep</summary>")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| ef | recall darner | recall hnswlib | QPS 1 thread darner | hnswlib | ratio | QPS 2 threads darner | hnswlib | ratio |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
		for _, ef := range all {
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", ef,
				num(ds.get(ef, "1", "recall"), "%.4f"), num(hs.get(ef, "1", "recall"), "%.4f"),
				num(ds.get(ef, "1", "qps"), "%.0f"), num(hs.get(ef, "1", "qps"), "%.0f"), ratio(ds.get(ef, "1", "qps"), hs.get(ef, "1", "qps")),
				num(ds.get(ef, "2", "qps"), "%.0f"), num(hs.get(ef, "2", "qps"), "%.0f"), ratio(ds.get(ef, "2", "qps"), hs.get(ef, "2", "qps")))
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, "</details>")
	}

	var flats []record
	for _, r := range rs {
		if r.kind == "flat" {
			flats = append(flats, r)
		}
	}
	if len(flats) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "### FLAT: one exact k=10 query, single thread, against the read bandwidth")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| data set | median scan (p90) | bytes scanned | scan rate | read bandwidth, same-size array | bound | scan / bound | read bandwidth, 2 GiB array | scan / that bound |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
		for _, r := range flats {
			bytes := r.num("bytes")
			fmt.Fprintf(w, "| %s × %s | %.3f ms (%.3f) | %.1f MB | %.2f GB/s | %.2f GB/s | %.3f ms | %.2f | %.2f GB/s | %.2f |\n",
				r.f["n"], r.f["dim"], r.num("median_ms"), r.num("p90_ms"), bytes/1e6, r.num("scan_gbs"),
				r.num("bw_same_gbs"), bytes/r.num("bw_same_gbs")/1e6, r.num("ratio_same"), r.num("bw_2g_gbs"), r.num("ratio_2g"))
		}
	}
	return nil
}
