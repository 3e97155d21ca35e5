package engine

// SlotCount is the number of hash slots, as in Redis Cluster: a later cluster mode maps slots
// to nodes with no change to how keys are hashed.
const SlotCount = 16384

// crcTables are CRC16-CCITT (XMODEM, polynomial 0x1021), the checksum Redis Cluster hashes
// keys with, for slicing-by-8: crcTables[k][x] is the CRC of byte x followed by k zero bytes.
// The CRC is linear, so eight bytes fold into the 16-bit state with eight lookups at once
// instead of eight dependent ones:
//
//	crc(s, b0..b7) = T7[s>>8 ^ b0] ^ T6[s&0xff ^ b1] ^ T5[b2] ^ … ^ T0[b7]
var crcTables = func() (t [8][256]uint16) {
	for i := range 256 {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < 8; k++ {
		for i := range 256 {
			c := t[k-1][i]
			t[k][i] = c<<8 ^ t[0][byte(c>>8)]
		}
	}
	return t
}()

func crc16(b []byte) uint16 {
	var c uint16
	t := &crcTables
	for len(b) >= 8 {
		c = t[7][byte(c>>8)^b[0]] ^ t[6][byte(c)^b[1]] ^ t[5][b[2]] ^ t[4][b[3]] ^
			t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
		b = b[8:]
	}
	for _, x := range b {
		c = c<<8 ^ t[0][byte(c>>8)^x]
	}
	return c
}

// hashTag returns the part of key that is hashed: the text between the first '{' and the
// next '}' when that is non-empty, else the whole key (Redis Cluster's rule).
func hashTag(key []byte) []byte {
	for i, c := range key {
		if c != '{' {
			continue
		}
		for j := i + 1; j < len(key); j++ {
			if key[j] == '}' {
				if j == i+1 {
					return key
				}
				return key[i+1 : j]
			}
		}
		return key
	}
	return key
}

// Slot returns the hash slot of key.
func Slot(key []byte) int { return int(crc16(hashTag(key))) & (SlotCount - 1) }
