package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// loadCommand is the command load sends for every document.
type loadCommand struct {
	name   string
	append func(b []byte, rec *record) []byte // appends the command for rec in RESP
	reply  byte                               // first byte of its success reply
}

var (
	hsetCommand  = loadCommand{"HSET", appendHSET, ':'}
	ftAddCommand = loadCommand{"FT.ADD", appendFTADD, '+'} // RediSearch 1.x: indexes and writes the hash
)

// load sends every document of c as one cmd, from clients connections at once, each
// writing pipelines of depth commands and reading their replies before the next. It returns
// how long that took.
func load(addr string, c *corpus, clients, depth int, cmd loadCommand) (time.Duration, error) {
	var next atomic.Int64
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		wg.Go(func() { errs[w] = loadWorker(addr, c, depth, cmd, &next) })
	}
	wg.Wait()
	took := time.Since(start)
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return took, nil
}

// loadWorker takes batches of depth documents until none are left.
func loadWorker(addr string, c *corpus, depth int, cmd loadCommand, next *atomic.Int64) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReaderSize(conn, 16<<10)
	var rec record
	var buf []byte
	for {
		from := int(next.Add(int64(depth))) - depth
		if from >= len(c.docs) {
			return nil
		}
		to := min(from+depth, len(c.docs))
		buf = buf[:0]
		for i := from; i < to; i++ {
			c.fill(i, &rec)
			buf = cmd.append(buf, &rec)
		}
		if _, err := conn.Write(buf); err != nil {
			return err
		}
		for range to - from {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return err
			}
			if line[0] != cmd.reply {
				return fmt.Errorf("%s replied %q", cmd.name, line)
			}
		}
	}
}

// appendHSET appends HSET key field value … in RESP.
func appendHSET(b []byte, rec *record) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(2+2*len(fieldNames)), 10)
	b = append(b, "\r\n$4\r\nHSET\r\n"...)
	b = appendBulk(b, rec.key)
	for j, v := range rec.vals {
		b = appendBulk(b, []byte(fieldNames[j]))
		b = appendBulk(b, v)
	}
	return b
}

// appendFTADD appends FT.ADD index key 1.0 FIELDS field value … in RESP.
func appendFTADD(b []byte, rec *record) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(5+2*len(fieldNames)), 10)
	b = append(b, "\r\n$6\r\nFT.ADD\r\n"...)
	b = appendBulk(b, []byte(indexName))
	b = appendBulk(b, rec.key)
	b = append(b, "$3\r\n1.0\r\n$6\r\nFIELDS\r\n"...)
	for j, v := range rec.vals {
		b = appendBulk(b, []byte(fieldNames[j]))
		b = appendBulk(b, v)
	}
	return b
}

func appendBulk(b, s []byte) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, "\r\n"...)
	b = append(b, s...)
	return append(b, "\r\n"...)
}

// indexName is the benchmark's index.
const indexName = "bench"

func (s *server) createIndex(ctx context.Context) error {
	args := append([]any{"FT.CREATE", indexName}, createIndex...)
	return s.rdb.Do(ctx, args...).Err()
}

// waitIndexed polls FT.INFO until the index is no longer scanning existing keys and returns
// its num_docs.
func (s *server) waitIndexed(ctx context.Context) (int64, error) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		info, err := s.ftInfo(ctx)
		if err != nil {
			return 0, err
		}
		if info["indexing"] == 0 {
			return info["num_docs"], nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-t.C:
		}
	}
}

// ftInfo returns FT.INFO's integer fields.
func (s *server) ftInfo(ctx context.Context) (map[string]int64, error) {
	res, err := s.rdb.Do(ctx, "FT.INFO", indexName).Slice()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for i := 0; i+1 < len(res); i += 2 {
		k, _ := res[i].(string)
		switch v := res[i+1].(type) {
		case int64:
			out[k] = v
		case string:
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[k] = n
			}
		}
	}
	if _, ok := out["indexing"]; !ok {
		return nil, fmt.Errorf("FT.INFO has no indexing field: %v", res)
	}
	return out, nil
}
