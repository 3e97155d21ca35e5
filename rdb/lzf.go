package rdb

import "errors"

// LZF, the compression Redis applies to RDB strings longer than 20 bytes. A compressed
// stream is a sequence of items, each led by a control byte:
//
//	000LLLLL <L+1 literal bytes>                   a run of 1 to 32 literals
//	NNNOOOOO [extra] OOOOOOOO                      a copy of N+2 bytes from D bytes back,
//	                                               D = O+1 (13 bits: up to 8192); when
//	                                               N is 7 an extra byte adds to it (≤ 264)
//
// A copy may overlap what it produces (D < length repeats a pattern), so it goes a byte at
// a time.
const (
	lzfMaxLit  = 32
	lzfMaxOff  = 1 << 13
	lzfMaxLen  = 7 + 255 + 2
	lzfMaxGain = lzfMaxLen / 3 // the most one input byte can expand to
	lzfHashLog = 14
)

var errLZF = errors.New("invalid LZF data")

// lzfDecompress fills out from in, which must produce exactly len(out) bytes.
func lzfDecompress(in, out []byte) error {
	ip, op := 0, 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 {
			n := ctrl + 1
			if ip+n > len(in) || op+n > len(out) {
				return errLZF
			}
			copy(out[op:], in[ip:ip+n])
			ip, op = ip+n, op+n
			continue
		}
		n := ctrl >> 5
		if n == 7 {
			if ip >= len(in) {
				return errLZF
			}
			n += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return errLZF
		}
		ref := op - (ctrl&0x1f)<<8 - int(in[ip]) - 1
		ip++
		n += 2
		if ref < 0 || op+n > len(out) {
			return errLZF
		}
		for i := range n {
			out[op+i] = out[ref+i]
		}
		op += n
	}
	if op != len(out) {
		return errLZF
	}
	return nil
}

// lzfCompress compresses in into out and returns the length used, or 0 when the result
// does not fit in out (the caller then stores in as it is).
func lzfCompress(in, out []byte, table *[1 << lzfHashLog]int32) int {
	// The table is not cleared between calls (64 KiB each, more than compressing a short
	// string costs): an entry left by an earlier input is only a candidate, used when it
	// lies before i and its three bytes match, which makes it as good a reference as any.
	op, lit := 0, 0 // lit: start of the literals not yet written
	for i := 0; i+2 < len(in); {
		h := lzfHash(in[i:])
		ref := int(table[h]) - 1
		table[h] = int32(i + 1)
		if ref < 0 || ref >= i || i-ref > lzfMaxOff || in[ref] != in[i] || in[ref+1] != in[i+1] || in[ref+2] != in[i+2] {
			i++
			continue
		}
		n, limit := 3, min(lzfMaxLen, len(in)-i)
		for n < limit && in[ref+n] == in[i+n] {
			n++
		}
		if op = lzfLiterals(out, op, in[lit:i]); op < 0 {
			return 0
		}
		if op+3 > len(out) {
			return 0
		}
		off, l := i-ref-1, n-2
		if l < 7 {
			out[op] = byte(l<<5 | off>>8)
			op++
		} else {
			out[op], out[op+1] = byte(7<<5|off>>8), byte(l-7)
			op += 2
		}
		out[op] = byte(off)
		op++
		// Remember the positions inside the match too, so that later repeats find them.
		for j := i + 1; j < i+n && j+2 < len(in); j++ {
			table[lzfHash(in[j:])] = int32(j + 1)
		}
		i += n
		lit = i
	}
	if op = lzfLiterals(out, op, in[lit:]); op < 0 {
		return 0
	}
	return op
}

func lzfHash(p []byte) uint32 {
	v := uint32(p[0])<<16 | uint32(p[1])<<8 | uint32(p[2])
	return v * 2654435761 >> (32 - lzfHashLog)
}

// lzfLiterals writes lits as literal runs at out[op:] and returns the new end, or -1 when
// they do not fit.
func lzfLiterals(out []byte, op int, lits []byte) int {
	for len(lits) > 0 {
		n := min(len(lits), lzfMaxLit)
		if op+1+n > len(out) {
			return -1
		}
		out[op] = byte(n - 1)
		copy(out[op+1:], lits[:n])
		op += 1 + n
		lits = lits[n:]
	}
	return op
}
