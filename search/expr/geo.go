package expr

import (
	"math"
	"strconv"
	"strings"
)

// geodistance(a, b) with a and b each a "lon,lat" string (or a 52-bit geohash number, as
// a sortable GEO field is kept), or geodistance(lon, lat, b), geodistance(a, lon, lat),
// geodistance(lon1, lat1, lon2, lat2): the haversine distance in metres on Redis' sphere
// (radius 6372797.560856 m), rounded to centimetres. Arguments that do not parse give
// NaN; a malformed "lon,lat" string also fails the query ("Invalid geo string").
func geodistance(args []Value) (Value, *Error) {
	var p [2][2]float64
	var err *Error
	ok := true
	switch len(args) {
	case 2:
		p[0], err, ok = geoField(args[0])
		if ok {
			p[1], err, ok = geoField(args[1])
		}
	case 4:
		p[0], ok = lonLat(args[0], args[1])
		if ok {
			p[1], ok = lonLat(args[2], args[3])
		}
	case 3:
		if _, num := args[0].ToNumber(); num {
			p[0], ok = lonLat(args[0], args[1])
			if ok {
				p[1], err, ok = geoField(args[2])
			}
		} else {
			p[0], err, ok = geoField(args[0])
			if ok {
				p[1], ok = lonLat(args[1], args[2])
			}
		}
	}
	if !ok {
		return Num(math.NaN()), err
	}
	d := haversine(p[0][0], p[0][1], p[1][0], p[1][1])
	return Num(math.Round(d*100) / 100), nil
}

func lonLat(lon, lat Value) ([2]float64, bool) {
	x, ok := lon.ToNumber()
	y, ok2 := lat.ToNumber()
	return [2]float64{x, y}, ok && ok2
}

// geoField reads a point: "lon,lat" (or "lon lat") or a geohash number.
func geoField(v Value) ([2]float64, *Error, bool) {
	switch v.Kind {
	case Number:
		return decodeGeohash(v.Num), nil, true
	case String:
		s := v.Str
		if len(s) > 128 {
			return [2]float64{}, evalError("Geo string cannot be longer than 128 bytes"), false
		}
		s = cString(s)
		i := strings.IndexAny(s, " ,")
		if i < 0 {
			return [2]float64{}, evalError("Invalid geo string"), false
		}
		lon, ok := geoCoord(s[:i])
		lat, ok2 := geoCoord(s[i+1:])
		if !ok || !ok2 {
			return [2]float64{}, evalError("Invalid geo string"), false
		}
		return [2]float64{lon, lat}, nil, true
	}
	return [2]float64{}, nil, false
}

// geoCoord is strtod that must reach the end of s, without range checks; white space
// alone (or nothing) reads as 0, as strtod leaves the end there.
func geoCoord(s string) (float64, bool) {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	if s == "" {
		return 0, true
	}
	if f, n, ok := parseInfNaN(s); ok {
		return f, n == len(s)
	}
	if n, _ := scanDecimal(s); n != len(s) {
		return 0, false
	}
	f, _ := strconv.ParseFloat(s, 64) // out of range: ±Inf or 0, as strtod gives them
	return f, true
}

// Redis' geohash parameters (deps/geohash).
const (
	geoStep      = 26
	geoLatMin    = -85.05112878
	geoLatMax    = 85.05112878
	geoLonMin    = -180.0
	geoLonMax    = 180.0
	earthRadiusM = 6372797.560856
)

// decodeGeohash is RediSearch's decodeGeo: the centre of the 52-bit geohash cell,
// latitude in the even bits and longitude in the odd ones.
func decodeGeohash(d float64) [2]float64 {
	var bits uint64
	if d >= 0 && d < 18446744073709551616.0 {
		bits = uint64(d)
	}
	lat, lon := uint32(compactBits(bits)), uint32(compactBits(bits>>1))
	cell := 1 / float64(uint64(1)<<geoStep)
	latMin := geoLatMin + float64(lat)*cell*(geoLatMax-geoLatMin)
	latMax := geoLatMin + float64(uint64(lat)+1)*cell*(geoLatMax-geoLatMin)
	lonMin := geoLonMin + float64(lon)*cell*(geoLonMax-geoLonMin)
	lonMax := geoLonMin + float64(uint64(lon)+1)*cell*(geoLonMax-geoLonMin)
	x := math.Min(math.Max((lonMin+lonMax)/2, geoLonMin), geoLonMax)
	y := math.Min(math.Max((latMin+latMax)/2, geoLatMin), geoLatMax)
	return [2]float64{x, y}
}

// compactBits gathers the even bits of x into its low 32 bits.
func compactBits(x uint64) uint64 {
	x &= 0x5555555555555555
	x = (x | x>>1) & 0x3333333333333333
	x = (x | x>>2) & 0x0f0f0f0f0f0f0f0f
	x = (x | x>>4) & 0x00ff00ff00ff00ff
	x = (x | x>>8) & 0x0000ffff0000ffff
	return (x | x>>16) & 0x00000000ffffffff
}

// haversine is Redis' geohashGetDistance, in metres.
func haversine(lon1, lat1, lon2, lat2 float64) float64 {
	const rad = math.Pi / 180
	la1, lo1, la2, lo2 := lat1*rad, lon1*rad, lat2*rad, lon2*rad
	u := math.Sin((la2 - la1) / 2)
	v := math.Sin((lo2 - lo1) / 2)
	return 2 * earthRadiusM * math.Asin(math.Sqrt(u*u+math.Cos(la1)*math.Cos(la2)*v*v))
}
