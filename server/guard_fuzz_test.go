package server

import (
	"testing"
)

// guardVerdict runs the guard's scanner over input delivered in the given chunk sizes and
// returns how many bytes it let through and whether it refused the input.
func guardVerdict(input []byte, chunks []int, limits *settings) (passed int, refused bool) {
	g := &guardConn{limits: limits}
	for len(input) > 0 {
		n := len(input)
		if len(chunks) > 0 {
			n = min(max(chunks[0], 1), n)
			chunks = chunks[1:]
		}
		ok, err := g.scan(input[:n])
		passed += ok
		if err != nil {
			return passed, true
		}
		input = input[n:]
	}
	return passed, false
}

func fuzzLimits() *settings {
	st := &settings{}
	st.protoMaxBulkLen.Store(64)
	st.queryBufLimit.Store(1 << 12)
	return st
}

// The guard's verdict must not depend on how the bytes were split into reads: a header
// split across two reads is the same header.
func FuzzGuardChunking(f *testing.F) {
	seeds := []string{
		"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n",
		"PING\r\nECHO hi\r\n",
		"*1\r\n$65\r\n",
		"*1\r\n$-1\r\n",
		"*99999999999\r\n",
		"*2\r\n$4\r\nPING\r\n",
		"$5\r\nhello\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), []byte{1, 2, 3})
	}
	f.Fuzz(func(t *testing.T, input, split []byte) {
		chunks := make([]int, len(split))
		for i, b := range split {
			chunks[i] = int(b%16) + 1
		}
		wholePassed, wholeRefused := guardVerdict(input, nil, fuzzLimits())
		passed, refused := guardVerdict(input, chunks, fuzzLimits())
		if refused != wholeRefused {
			t.Fatalf("refused=%v in chunks %v, %v whole, for %q", refused, chunks, wholeRefused, input)
		}
		// Every complete command before the refused one gets through however the bytes
		// were split (a chunked read may also pass a prefix of the refused command, which
		// never completes: the connection closes).
		if refused && passed < wholePassed {
			t.Fatalf("chunked reads let %d bytes through, whole read %d, for %q", passed, wholePassed, input)
		}
	})
}
