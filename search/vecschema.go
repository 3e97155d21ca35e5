package search

import (
	"strconv"
	"strings"

	"darner/vectors"
)

// VectorSpec is a VECTOR field's algorithm and parameters, with RediSearch's defaults.
type VectorSpec struct {
	Algorithm      string // "FLAT" or "HNSW"
	Type           vectors.Type
	Dim            int
	Metric         vectors.Metric
	InitialCap     int
	BlockSize      int     // FLAT
	M              int     // HNSW
	EFConstruction int     // HNSW
	EFRuntime      int     // HNSW
	Epsilon        float64 // HNSW: the range queries' margin
}

// RediSearch's defaults for the optional parameters.
const (
	defaultBlockSize      = 1024
	defaultM              = 16
	defaultEFConstruction = 200
	defaultEFRuntime      = 10
	defaultEpsilon        = 0.01
)

// vectorSpec parses `{FLAT|HNSW} nargs name value …` after VECTOR, with RediSearch's errors.
func vectorSpec(a *args) (*VectorSpec, error) {
	alg, ok := a.next()
	alg = strings.ToUpper(alg)
	if !ok || (alg != "FLAT" && alg != "HNSW") {
		return nil, ArgError("Bad arguments for vector similarity algorithm")
	}
	s, ok := a.next()
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 0 {
		return nil, ArgError("Bad arguments for vector similarity number of parameters")
	}
	if rest := len(a.a) - a.i; rest < n {
		return nil, argErrorf("Expected %d parameters but got %d", n, rest)
	}
	if n%2 != 0 {
		return nil, argErrorf("Bad number of arguments for vector similarity index: got %d but expected even number", n)
	}
	v := &VectorSpec{Algorithm: alg, BlockSize: defaultBlockSize, M: defaultM,
		EFConstruction: defaultEFConstruction, EFRuntime: defaultEFRuntime, Epsilon: defaultEpsilon}
	var hasType, hasDim, hasMetric bool
	bad := func(what string) error {
		return argErrorf("Bad arguments for vector similarity %s index %s", alg, what)
	}
	positive := func(val, what string, dst *int) error {
		x, err := strconv.Atoi(val)
		if err != nil || x <= 0 {
			return bad(what)
		}
		*dst = x
		return nil
	}
	for range n / 2 {
		name, _ := a.next()
		val, _ := a.next()
		var err error
		switch up := strings.ToUpper(name); {
		case up == "TYPE":
			if v.Type, hasType = vectors.ParseType(val); !hasType {
				err = bad("type")
			}
		case up == "DIM":
			err, hasDim = positive(val, "dim", &v.Dim), true
		case up == "DISTANCE_METRIC":
			if v.Metric, hasMetric = vectors.ParseMetric(val); !hasMetric {
				err = bad("metric")
			}
		case up == "INITIAL_CAP":
			if x, e := strconv.Atoi(val); e != nil || x < 0 {
				err = bad("initial cap")
			} else {
				v.InitialCap = x
			}
		case up == "BLOCK_SIZE" && alg == "FLAT":
			err = positive(val, "blocksize", &v.BlockSize)
		case up == "M" && alg == "HNSW":
			err = positive(val, "m", &v.M)
		case up == "EF_CONSTRUCTION" && alg == "HNSW":
			err = positive(val, "efConstruction", &v.EFConstruction)
		case up == "EF_RUNTIME" && alg == "HNSW":
			err = positive(val, "efRuntime", &v.EFRuntime)
		case up == "EPSILON" && alg == "HNSW":
			if x, e := strconv.ParseFloat(val, 64); e != nil || !(x > 0) {
				err = bad("epsilon")
			} else {
				v.Epsilon = x
			}
		default:
			err = argErrorf("Bad arguments for algorithm %s: %s", alg, name)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, m := range []struct {
		ok   bool
		name string
	}{{hasType, "TYPE"}, {hasDim, "DIM"}, {hasMetric, "DISTANCE_METRIC"}} {
		if !m.ok {
			return nil, argErrorf("Missing mandatory parameter: cannot create %s index without specifying %s argument", alg, m.name)
		}
	}
	if v.M > 512 {
		return nil, bad("m") // links are counted in 16 bits; RediSearch's own limit is far above use
	}
	return v, nil
}
