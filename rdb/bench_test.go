package rdb

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"
)

// One million small hashes (4 fields, like a user record), encoded to and decoded from
// memory. Run with -benchtime=1x or 3x: each operation is the whole million.
const benchKeys = 1_000_000

var benchCities = []string{"Paris", "Lyon", "Berlin", "Madrid", "Rome", "Lisbon", "Oslo", "Vienna"}

// benchHash fills e (reusing its buffers) with hash number i.
func benchHash(e *Entry, i int) {
	if e.Hash == nil {
		e.Kind = KindHash
		e.Hash = make([]Field, 4)
		e.Hash[0].Name, e.Hash[1].Name = []byte("name"), []byte("age")
		e.Hash[2].Name, e.Hash[3].Name = []byte("email"), []byte("city")
	}
	e.Key = strconv.AppendInt(append(e.Key[:0], "user:"...), int64(i), 10)
	e.Hash[0].Value = strconv.AppendInt(append(e.Hash[0].Value[:0], "User "...), int64(i), 10)
	e.Hash[1].Value = strconv.AppendInt(e.Hash[1].Value[:0], int64(18+i%70), 10)
	e.Hash[2].Value = append(strconv.AppendInt(append(e.Hash[2].Value[:0], "user"...), int64(i), 10), "@example.com"...)
	e.Hash[3].Value = append(e.Hash[3].Value[:0], benchCities[i%len(benchCities)]...)
}

func encodeBench(tb testing.TB, buf *bytes.Buffer) {
	en := NewEncoder(buf, Options{})
	if err := en.SelectDB(0, benchKeys, 0); err != nil {
		tb.Fatal(err)
	}
	var e Entry
	for i := range benchKeys {
		benchHash(&e, i)
		if err := en.Write(&e); err != nil {
			tb.Fatal(err)
		}
	}
	if err := en.Close(); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkEncodeHashes(b *testing.B) {
	var buf bytes.Buffer
	encodeBench(b, &buf)
	size := buf.Len()
	b.SetBytes(int64(size))
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		buf.Reset()
		encodeBench(b, &buf)
		n++
	}
	b.ReportMetric(float64(n*benchKeys)/time.Since(start).Seconds(), "keys/s")
}

func BenchmarkDecodeHashes(b *testing.B) {
	var buf bytes.Buffer
	encodeBench(b, &buf)
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	start := time.Now()
	n := 0
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(file))
		keys := 0
		for {
			_, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			keys++
		}
		if keys != benchKeys {
			b.Fatalf("decoded %d keys", keys)
		}
		n++
	}
	b.ReportMetric(float64(n*benchKeys)/time.Since(start).Seconds(), "keys/s")
}
