package rdb

import (
	"encoding/binary"
	"math/bits"
)

// Redis checksums RDB files with the CRC-64 of the Jones polynomial, reflected, starting
// from 0 and with no final xor (its crc64.c; "123456789" sums to 0xe9c6d914c4b8d9ca). The
// sum covers every byte from the signature through the EOF opcode and is stored after it,
// little-endian; a stored 0 means the writer had checksums turned off.
//
// The table is the slicing-by-8 kind: crcTable[k][b] is the effect of byte b followed by k
// zero bytes, so eight input bytes cost eight lookups and no shifting loop.
const crcPoly = 0xad93d23594c935a9

var crcTable = makeCRCTable(bits.Reverse64(crcPoly))

func makeCRCTable(rpoly uint64) *[8][256]uint64 {
	t := new([8][256]uint64)
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ rpoly
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < 8; k++ {
		for i := range 256 {
			c := t[k-1][i]
			t[k][i] = c>>8 ^ t[0][byte(c)]
		}
	}
	return t
}

// crc64 extends crc over p.
func crc64(crc uint64, p []byte) uint64 {
	t := crcTable
	for len(p) >= 8 {
		crc ^= binary.LittleEndian.Uint64(p)
		crc = t[7][byte(crc)] ^ t[6][byte(crc>>8)] ^ t[5][byte(crc>>16)] ^ t[4][byte(crc>>24)] ^
			t[3][byte(crc>>32)] ^ t[2][byte(crc>>40)] ^ t[1][byte(crc>>48)] ^ t[0][byte(crc>>56)]
		p = p[8:]
	}
	for _, b := range p {
		crc = t[0][byte(crc)^b] ^ crc>>8
	}
	return crc
}
