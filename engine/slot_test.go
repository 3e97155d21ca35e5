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
