package vectors

import (
	"strings"

	"github.com/viterin/vek/vek32"
)

// Metric is a vector field's DISTANCE_METRIC.
type Metric uint8

// The metrics, with the distances RediSearch reports for them.
const (
	L2     Metric = iota // squared Euclidean distance
	IP                   // 1 − a·b
	Cosine               // 1 − cos(a, b): vectors are normalized when stored and queried
)

var metricNames = [...]string{L2: "L2", IP: "IP", Cosine: "COSINE"}

// ParseMetric reads a DISTANCE_METRIC argument, in any case.
func ParseMetric(s string) (Metric, bool) {
	for m, n := range metricNames {
		if strings.EqualFold(s, n) {
			return Metric(m), true
		}
	}
	return 0, false
}

func (m Metric) String() string { return metricNames[m] }

// Prepare puts a vector in the form the metric compares: unit length for COSINE (a zero
// vector stays zero), unchanged otherwise.
func (m Metric) Prepare(v []float32) {
	if m != Cosine {
		return
	}
	if n := vek32.Norm(v); n > 0 {
		vek32.DivNumber_Inplace(v, n)
	}
}

// Distance compares two prepared vectors of equal length. L2 is the sum of squared
// differences computed as such, by our own kernel (l2sq): vek's Distance takes a square root
// that is not exact, and squaring it back made 1 come out as 0.99999988.
func (m Metric) Distance(a, b []float32) float32 {
	if m == L2 {
		return l2sq(a, b)
	}
	return 1 - vek32.Dot(a, b)
}
