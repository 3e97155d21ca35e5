package server

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"darner/search"
)

// The FT.* commands: index definitions and queries over HASH and JSON documents. An FT
// command that reads or changes index contents declares every shard (FlagAllShards), so the
// dispatcher holds all their locks while it runs, and inside MULTI/EXEC it runs under EXEC's
// locks instead of taking its own.

func searchCommands() []*Command {
	const (
		ro  = FlagReadonly | FlagAllShards
		all = FlagWrite | FlagAllShards
	)
	cmd := func(name string, arity int, flags Flag, since, summary string, h func(*Ctx)) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, Group: "search", Since: since,
			Summary: summary, Handler: h}
	}
	return []*Command{
		cmd("ft.create", -2, FlagWrite|FlagDenyOOM, "1.0.0", "Creates an index over HASH or JSON keys.", cmdFTCreate),
		cmd("ft.search", -3, ro, "1.0.0", "Searches an index with a query, returning documents or their keys.", cmdFTSearch),
		cmd("ft.info", 2, ro, "1.0.0", "Returns an index's definition and statistics.", cmdFTInfo),
		cmd("ft.dropindex", -2, all, "2.0.0", "Deletes an index, and with DD the documents it indexed.", cmdFTDropIndex),
		cmd("ft._list", 1, FlagReadonly, "2.0.0", "Returns the names of all indexes.", cmdFTList),
		{Name: "ft.config", Arity: -2, Group: "search", Since: "1.0.0",
			Summary: "A container for the search settings commands.", Handler: cmdContainer,
			Subcommands: []*Command{
				cmd("get", 3, FlagAdmin, "1.0.0", "Returns search settings.", cmdFTConfigGet),
				cmd("set", 4, FlagAdmin, "1.0.0", "Changes a search setting.", cmdFTConfigSet),
				cmd("help", 2, 0, "1.0.0", "Describes the FT.CONFIG subcommands.", cmdFTConfigHelp),
			}},
		cmd("ft.drop", -2, all, "1.0.0", "Deletes an index and its documents unless KEEPDOCS (deprecated: FT.DROPINDEX).", cmdFTDrop),
	}
}

// searchError turns a search package error into its reply: RediSearch's texts carry no
// "ERR" prefix for the index errors clients match on, and do for the others.
func searchError(err error) Error {
	msg := err.Error()
	if strings.HasPrefix(msg, "ERR ") || strings.HasPrefix(msg, "Unknown index") ||
		strings.HasPrefix(msg, "Index already") {
		return Error(msg)
	}
	return Error("ERR " + msg)
}

// FT.CREATE index [ON HASH|JSON] [PREFIX n p…] [LANGUAGE l] [LANGUAGE_FIELD f] [SCORE s]
// [SCORE_FIELD f] [NOOFFSETS] [NOHL] [NOFIELDS] [NOFREQS] [STOPWORDS n w…]
// [SKIPINITIALSCAN] SCHEMA field [AS alias] TEXT|TAG|NUMERIC|GEO [options] …
func cmdFTCreate(c *Ctx) {
	if c.cl.db() != 0 {
		c.Err("ERR Cannot create index on db != 0")
		return
	}
	name := string(c.Args[1])
	argv := make([]string, len(c.Args)-2)
	for i, a := range c.Args[2:] {
		argv[i] = string(a)
	}
	def, err := search.ParseCreate(name, argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	if err := c.srv.search.Create(def); err != nil {
		c.Err(searchError(err))
		return
	}
	c.W.OK()
}

// FT.DROPINDEX index [DD]
func cmdFTDropIndex(c *Ctx) {
	dd := false
	if len(c.Args) == 3 && strings.EqualFold(string(c.Args[2]), "DD") {
		dd = true
	} else if len(c.Args) > 2 {
		c.Err(errSyntax)
		return
	}
	if err := c.srv.search.Drop(c.tx, string(c.Args[1]), dd); err != nil {
		if errors.Is(err, search.ErrNotFound) {
			c.Err("Unknown Index name") // RediSearch's spelling here, which redis-om matches
			return
		}
		c.Err(searchError(err))
		return
	}
	c.W.OK()
}

// FT.DROP index [KEEPDOCS]
//
// RediSearch 1's form, which redis-py 4.3 still sends (with an empty argument when the
// documents are to go): the documents are deleted unless KEEPDOCS.
func cmdFTDrop(c *Ctx) {
	if len(c.Args) > 3 {
		c.Err(errSyntax)
		return
	}
	keep := len(c.Args) == 3 && strings.EqualFold(string(c.Args[2]), "KEEPDOCS")
	if err := c.srv.search.Drop(c.tx, string(c.Args[1]), !keep); err != nil {
		c.Err(searchError(err))
		return
	}
	c.W.OK()
}

// FT._LIST
func cmdFTList(c *Ctx) {
	names := c.srv.search.Names()
	c.W.Set(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// searchArgs is FT.SEARCH's parsed request plus what shapes the reply.
type searchArgs struct {
	req        search.Request
	noContent  bool
	withScores bool
	sortKeys   bool
	returns    []returnField // nil: whole documents; empty (RETURN 0): none
}

// returnField is one RETURN entry: a hash field, attribute or JSONPath, and its name in the
// reply.
type returnField struct {
	id, as string
}

// argReader walks a command's arguments.
type argReader struct {
	a []string
	i int
}

func (r *argReader) more() bool { return r.i < len(r.a) }
func (r *argReader) next() (string, bool) {
	if r.i >= len(r.a) {
		return "", false
	}
	r.i++
	return r.a[r.i-1], true
}

// count reads a counted list's count and checks that many arguments follow.
func (r *argReader) count(opt string) (int, error) {
	s, ok := r.next()
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 {
		return 0, fmt.Errorf("Bad arguments for %s: Could not parse argument count", opt)
	}
	if len(r.a)-r.i < n {
		return 0, fmt.Errorf("Bad arguments for %s: Not enough arguments", opt)
	}
	return n, nil
}

func (r *argReader) int(opt string) (int, error) {
	s, _ := r.next()
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("Bad arguments for %s: Value is not an integer or out of range", opt)
	}
	return n, nil
}

// parseSearch parses FT.SEARCH's options, which may come in any order.
func parseSearch(argv []string) (*searchArgs, error) {
	sa := &searchArgs{req: search.Request{Limit: 10}}
	sa.req.Query = argv[0]
	r := &argReader{a: argv[1:]}
	for r.more() {
		w, _ := r.next()
		if err := sa.option(strings.ToUpper(w), r); err != nil {
			return nil, err
		}
	}
	return sa, nil
}

func (sa *searchArgs) option(w string, r *argReader) error {
	req := &sa.req
	var err error
	switch w {
	case "NOCONTENT":
		sa.noContent = true
	case "VERBATIM":
		req.Verbatim = true
	case "NOSTOPWORDS":
		req.NoStopWords = true
	case "WITHSCORES":
		sa.withScores = true
	case "WITHSORTKEYS":
		sa.sortKeys = true
	case "INORDER":
		req.InOrder = true
	case "LIMIT":
		if req.Offset, err = r.int("LIMIT"); err == nil {
			req.Limit, err = r.int("LIMIT")
		}
	case "SLOP":
		var n int
		if n, err = r.int("SLOP"); err == nil {
			req.Slop = &n
		}
	case "TIMEOUT":
		_, err = r.int("TIMEOUT")
	case "LANGUAGE":
		req.Language, _ = r.next()
	case "SCORER":
		s, _ := r.next()
		switch strings.ToUpper(s) {
		case "BM25STD", "TFIDF":
			req.Scorer = strings.ToUpper(s)
		default:
			return fmt.Errorf("Scorer %s is not supported by darner yet (BM25STD and TFIDF are)", s)
		}
	case "DIALECT":
		s, _ := r.next()
		d, perr := strconv.Atoi(s)
		if perr != nil || d < 1 || d > 4 {
			return errors.New("DIALECT requires a non negative integer >=1 and <= 4")
		}
		req.Dialect = d
	case "FORMAT":
		f, _ := r.next()
		if !strings.EqualFold(f, "STRING") {
			return fmt.Errorf("FORMAT %s is not supported by darner", f)
		}
	case "SORTBY":
		err = sa.sortBy(r)
	case "PARAMS":
		err = sa.params(r)
	case "RETURN":
		err = sa.returnFields(r)
	case "INKEYS", "INFIELDS":
		var n int
		if n, err = r.count(w); err == nil {
			list := make([]string, n)
			for i := range list {
				list[i], _ = r.next()
			}
			if w == "INKEYS" {
				req.InKeys = list
			} else {
				req.InFields = list
			}
		}
	case "FILTER":
		err = sa.filter(r)
	case "GEOFILTER":
		err = sa.geoFilter(r)
	case "SUMMARIZE", "HIGHLIGHT", "EXPANDER", "EXPLAINSCORE", "PAYLOAD", "WITHPAYLOADS":
		return fmt.Errorf("FT.SEARCH option %s is not supported by darner yet", w)
	default:
		return fmt.Errorf("Unknown argument `%s`", w)
	}
	return err
}

func (sa *searchArgs) sortBy(r *argReader) error {
	f, ok := r.next()
	if !ok {
		return errors.New("Bad arguments for SORTBY: Not enough arguments")
	}
	sa.req.SortBy = strings.TrimPrefix(f, "@")
	for r.more() {
		switch strings.ToUpper(r.a[r.i]) {
		case "ASC":
			sa.req.SortDesc = false
		case "DESC":
			sa.req.SortDesc = true
		case "WITHCOUNT":
		default:
			return nil
		}
		r.i++
	}
	return nil
}

func (sa *searchArgs) params(r *argReader) error {
	n, err := r.count("PARAMS")
	if err != nil {
		return err
	}
	if n%2 != 0 {
		return errors.New("Bad arguments for PARAMS: Expected an even number of arguments")
	}
	sa.req.Params = make(map[string]string, n/2)
	for range n / 2 {
		k, _ := r.next()
		v, _ := r.next()
		sa.req.Params[k] = v
	}
	return nil
}

func (sa *searchArgs) returnFields(r *argReader) error {
	n, err := r.count("RETURN")
	if err != nil {
		return err
	}
	sa.returns = make([]returnField, 0, n)
	for end := r.i + n; r.i < end; {
		id, _ := r.next()
		rf := returnField{id: id, as: id}
		if r.i+1 < end && strings.EqualFold(r.a[r.i], "AS") {
			r.i++
			rf.as, _ = r.next()
		}
		sa.returns = append(sa.returns, rf)
	}
	return nil
}

func (sa *searchArgs) filter(r *argReader) error {
	f, _ := r.next()
	lo, _ := r.next()
	hi, _ := r.next()
	nf := search.NumericFilter{Field: strings.TrimPrefix(f, "@")}
	var ok1, ok2 bool
	nf.Min, nf.MinExclusive, ok1 = parseBound(lo)
	nf.Max, nf.MaxExclusive, ok2 = parseBound(hi)
	if !ok1 || !ok2 {
		return errors.New("Bad upper range: " + hi)
	}
	sa.req.Filters = append(sa.req.Filters, nf)
	return nil
}

// parseBound reads a numeric range bound: a number, inf/+inf/-inf, "(" for exclusive.
func parseBound(s string) (float64, bool, bool) {
	ex := strings.HasPrefix(s, "(")
	s = strings.TrimPrefix(s, "(")
	switch strings.ToLower(s) {
	case "inf", "+inf":
		return math.Inf(1), ex, true
	case "-inf":
		return math.Inf(-1), ex, true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, ex, err == nil && !math.IsNaN(f)
}

func (sa *searchArgs) geoFilter(r *argReader) error {
	f, _ := r.next()
	var nums [3]float64
	for i := range nums {
		s, _ := r.next()
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errors.New("Bad arguments for GEOFILTER: Could not parse " + s)
		}
		nums[i] = v
	}
	unit, _ := r.next()
	m, ok := geoUnits[strings.ToLower(unit)]
	if !ok {
		return errors.New("Bad arguments for GEOFILTER: Unknown distance unit " + unit)
	}
	sa.req.GeoFilters = append(sa.req.GeoFilters, search.GeoFilter{
		Field: strings.TrimPrefix(f, "@"), Lon: nums[0], Lat: nums[1], Radius: nums[2] * m})
	return nil
}

var geoUnits = map[string]float64{"m": 1, "km": 1000, "mi": 1609.34, "ft": 0.3048}

// FT.SEARCH index query [NOCONTENT] [VERBATIM] [NOSTOPWORDS] [WITHSCORES] [WITHSORTKEYS]
// [FILTER f min max]… [GEOFILTER f lon lat r unit]… [INKEYS n k…] [INFIELDS n f…]
// [RETURN n f [AS a]…] [SLOP n] [TIMEOUT ms] [INORDER] [LANGUAGE l] [SCORER s]
// [SORTBY f [ASC|DESC] [WITHCOUNT]] [LIMIT offset num] [PARAMS n k v…] [DIALECT d]
func cmdFTSearch(c *Ctx) {
	idx := c.srv.search.Get(string(c.Args[1]))
	if idx == nil {
		c.Err(Error(string(c.Args[1]) + ": no such index"))
		return
	}
	argv := make([]string, len(c.Args)-2)
	for i, a := range c.Args[2:] {
		argv[i] = string(a)
	}
	sa, err := parseSearch(argv)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	res, err := c.srv.search.Search(c.tx, idx, &sa.req)
	if err != nil {
		c.Err(searchError(err))
		return
	}
	writeSearchReply(c, idx, sa, res)
}
