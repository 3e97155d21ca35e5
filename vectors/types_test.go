package vectors

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseTypeAndMetric(t *testing.T) {
	for _, c := range []struct {
		s     string
		t     Type
		width int
	}{{"float32", Float32, 4}, {"FLOAT64", Float64, 8}, {"Float16", Float16, 2}, {"BFLOAT16", BFloat16, 2}} {
		got, ok := ParseType(c.s)
		require.True(t, ok, c.s)
		require.Equal(t, c.t, got)
		require.Equal(t, c.width, got.Width())
	}
	_, ok := ParseType("INT8")
	require.False(t, ok)
	m, ok := ParseMetric("cosine")
	require.True(t, ok)
	require.Equal(t, Cosine, m)
	require.Equal(t, "COSINE", m.String())
	_, ok = ParseMetric("HAMMING")
	require.False(t, ok)
}

func TestDecode(t *testing.T) {
	want := []float32{1.5, -2, 0, 65504, 0.000061035156} // all exact in half precision
	blobs := map[Type][]byte{}
	for _, ty := range []Type{Float32, Float64, Float16, BFloat16} {
		var b []byte
		for _, x := range want {
			switch ty {
			case Float32:
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
			case Float64:
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(x)))
			case Float16:
				b = binary.LittleEndian.AppendUint16(b, float32ToHalf(x))
			case BFloat16:
				b = binary.LittleEndian.AppendUint16(b, uint16(float32ToBFloat(x)>>16))
			}
		}
		blobs[ty] = b
		got, err := Decode(ty, b, len(want), nil)
		require.NoError(t, err, ty)
		if ty == BFloat16 {
			// 8 bits of mantissa: 65504 and 2^-14 round.
			for i, x := range want {
				require.InEpsilon(t, float64(x)+1e-30, float64(got[i])+1e-30, 1.0/128, "%s %d", ty, i)
			}
			continue
		}
		require.Equal(t, want, got, ty)
	}
	_, err := Decode(Float32, blobs[Float32][:7], len(want), nil)
	require.ErrorIs(t, err, ErrLength)
	_, err = Decode(Float32, blobs[Float32], len(want)+1, nil)
	require.ErrorIs(t, err, ErrLength)
	nan := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(math.NaN())))
	_, err = Decode(Float32, nan, 1, nil)
	require.ErrorIs(t, err, ErrNotFinite)
	inf := binary.LittleEndian.AppendUint16(nil, 0x7c00)
	_, err = Decode(Float16, inf, 1, nil)
	require.ErrorIs(t, err, ErrNotFinite)
	big := binary.LittleEndian.AppendUint64(nil, math.Float64bits(1e300)) // beyond float32
	_, err = Decode(Float64, big, 1, nil)
	require.ErrorIs(t, err, ErrNotFinite)

	got, err := FromFloat64s(Float32, []float64{1, 2.5}, 2, nil)
	require.NoError(t, err)
	require.Equal(t, []float32{1, 2.5}, got)
	_, err = FromFloat64s(Float32, []float64{1}, 2, nil)
	require.ErrorIs(t, err, ErrLength)
	_, err = FromFloat64s(Float16, []float64{70000}, 1, nil) // past half's range
	require.ErrorIs(t, err, ErrNotFinite)
}

// Every half-precision number widens and narrows back to itself, and narrowing a float32
// gives the nearest half (ties to even), checked against a search over all halves.
func TestHalfConversions(t *testing.T) {
	for h := range 1 << 16 {
		f := halfToFloat32(uint16(h))
		if math.IsNaN(float64(f)) {
			continue
		}
		require.Equal(t, uint16(h), float32ToHalf(f), "half %#04x = %v", h, f)
	}
	// The finite non-negative halves in order, to find the nearest by search.
	var halves []float64
	for h := range 0x7c00 {
		halves = append(halves, float64(halfToFloat32(uint16(h))))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		x := float32(math.Ldexp(r.Float64(), r.IntN(30)-24)) // subnormal to near the top
		if x > 65504 {
			continue
		}
		got := float64(halfToFloat32(float32ToHalf(x)))
		i := 0
		for i+1 < len(halves) && halves[i+1] <= float64(x) {
			i++
		}
		lo, hi := halves[i], halves[min(i+1, len(halves)-1)]
		want := lo
		if d1, d2 := float64(x)-lo, hi-float64(x); d2 < d1 || (d1 == d2 && (i+1)%2 == 0) {
			want = hi
		}
		require.Equal(t, want, got, "x = %v", x)
	}
}

// FuzzDecode: any blob, of any type and dimension, decodes to exactly dim finite numbers or
// is refused; nothing panics.
func FuzzDecode(f *testing.F) {
	f.Add(uint8(0), []byte{0, 0, 128, 63}, 1)
	f.Add(uint8(2), []byte{0, 60, 0, 124}, 2)
	f.Add(uint8(3), []byte{0x80, 0x3f}, 1)
	f.Add(uint8(1), make([]byte, 16), 2)
	f.Fuzz(func(t *testing.T, ty uint8, blob []byte, dim int) {
		if dim < 0 || dim > 1<<16 {
			return
		}
		v, err := Decode(Type(ty%4), blob, dim, nil)
		if err != nil {
			return
		}
		require.Len(t, v, dim)
		for _, x := range v {
			require.False(t, math.IsNaN(float64(x)) || math.IsInf(float64(x), 0))
		}
	})
}
