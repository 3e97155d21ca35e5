package engine

// SlotCount is the number of hash slots, as in Redis Cluster: a later cluster mode maps slots
// to nodes with no change to how keys are hashed.
const SlotCount = 16384

// crcTable is CRC16-CCITT (XMODEM), polynomial 0x1021, the checksum Redis Cluster hashes keys with.
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

func crc16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c = c<<8 ^ crcTable[byte(c>>8)^x]
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
