package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSlot(t *testing.T) {
	// Known slots: the CRC16/XMODEM check value, and the examples of Redis' CLUSTER KEYSLOT docs.
	known := []struct {
		key  string
		want int
	}{
		{"123456789", 0x31C3},
		{"foo", 12182},
		{"somekey", 11058},
		{"foo{hash_tag}", 2515},
		{"", 0},
	}
	for _, c := range known {
		assert.Equal(t, c.want, Slot([]byte(c.key)), c.key)
	}
	// Hash-tag rules: the first non-empty {…} is hashed alone.
	same := []struct{ key, hashed string }{
		{"{user1000}.following", "user1000"},
		{"x{user1000}y", "user1000"},
		{"foo{}{bar}", "foo{}{bar}"},
		{"foo{{bar}}zap", "{bar"},
		{"foo{bar}{zap}", "bar"},
		{"{", "{"},
		{"a}{", "a}{"},
	}
	for _, c := range same {
		assert.Equal(t, Slot([]byte(c.hashed)), Slot([]byte(c.key)), c.key)
	}
}

// crc16Bytewise is the textbook one-byte-at-a-time CRC, the reference for the sliced one.
func crc16Bytewise(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c ^= uint16(x) << 8
		for range 8 {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

func FuzzCRC16(f *testing.F) {
	for _, s := range []string{"", "a", "123456789", "key:000000123456", "{user1000}.following-and-more"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := crc16(b), crc16Bytewise(b); got != want {
			t.Fatalf("crc16(%q) = %#x, want %#x", b, got, want)
		}
	})
}

func BenchmarkSlot(b *testing.B) {
	key := []byte("key:000000123456")
	for b.Loop() {
		Slot(key)
	}
}
