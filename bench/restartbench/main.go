// Command restartbench measures darner's restart with a vector index, both ways: it starts
// darner (--darner) in a fresh directory, loads -n random -dim vectors as hashes under an
// HNSW index, then twice — with --snapshot-vector-graphs yes (the graph is loaded from the
// snapshot) and no (the graph is built again from the documents) — saves, stops darner,
// starts it again on the snapshot and times until it answers and until FT.INFO counts
// every document with the index built.
//
//	go run ./bench/restartbench -darner /tmp/darner -n 100000 -dim 128
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	bin := flag.String("darner", "", "darner binary")
	n := flag.Int("n", 100000, "vectors")
	dim := flag.Int("dim", 128, "dimensions")
	flag.Parse()
	if err := run(*bin, *n, *dim); err != nil {
		fmt.Fprintln(os.Stderr, "restartbench:", err)
		os.Exit(1)
	}
}

func run(bin string, n, dim int) error {
	dir, err := os.MkdirTemp("", "restartbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	port, err := freePort()
	if err != nil {
		return err
	}
	cmd, rdb, err := start(ctx, bin, dir, port, "yes")
	if err != nil {
		return err
	}
	if err := rdb.Do(ctx, "FT.CREATE", "v", "PREFIX", "1", "d:", "SCHEMA", "v", "VECTOR", "HNSW", "6",
		"TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "L2").Err(); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	pipe := rdb.Pipeline()
	buf := make([]byte, 4*dim)
	for i := range n {
		for j := range dim {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(float32(r.NormFloat64())))
		}
		pipe.HSet(ctx, "d:"+strconv.Itoa(i), "v", string(buf))
		if i%1000 == 999 {
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	if err := waitDocs(ctx, rdb, n); err != nil {
		return err
	}
	// With the graphs first: the server that then starts with --snapshot-vector-graphs no
	// loads them (the flag is about saving), and its own SAVE leaves them out.
	for _, graphs := range []string{"yes", "no"} {
		if graphs == "no" {
			stop(cmd, rdb)
			if cmd, rdb, err = start(ctx, bin, dir, port, graphs); err != nil {
				return err
			}
			if err := waitDocs(ctx, rdb, n); err != nil {
				return err
			}
		}
		t0 := time.Now()
		if err := rdb.Save(ctx).Err(); err != nil {
			return err
		}
		st, err := os.Stat(dir + "/dump.rdb")
		if err != nil {
			return err
		}
		fmt.Printf("save graphs=%s n=%d dim=%d secs=%.3f bytes=%d\n", graphs, n, dim, time.Since(t0).Seconds(), st.Size())
		stop(cmd, rdb)

		t0 = time.Now()
		if cmd, rdb, err = start(ctx, bin, dir, port, graphs); err != nil {
			return err
		}
		ready := time.Since(t0)
		if err := waitDocs(ctx, rdb, n); err != nil {
			return err
		}
		fmt.Printf("restart graphs=%s n=%d dim=%d answering_secs=%.3f indexed_secs=%.3f\n", graphs, n, dim, ready.Seconds(), time.Since(t0).Seconds())
	}
	stop(cmd, rdb)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs darner on dir (saving HNSW graphs in snapshots or not) and waits until it answers PING (it loads its snapshot first).
func start(ctx context.Context, bin, dir string, port int, graphs string) (*exec.Cmd, *redis.Client, error) {
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--dir", dir, "--loglevel", "warning",
		"--snapshot-vector-graphs", graphs)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(port), ReadTimeout: time.Minute})
	for deadline := time.Now().Add(10 * time.Minute); rdb.Ping(ctx).Err() != nil; {
		if time.Now().After(deadline) {
			return nil, nil, fmt.Errorf("darner did not answer")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cmd, rdb, nil
}

func stop(cmd *exec.Cmd, rdb *redis.Client) {
	rdb.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
}

// waitDocs waits until FT.INFO counts n documents and the index is not building.
func waitDocs(ctx context.Context, rdb *redis.Client, n int) error {
	for deadline := time.Now().Add(30 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		info, err := rdb.FTInfo(ctx, "v").Result()
		if err != nil {
			return err
		}
		if info.NumDocs >= n && info.Indexing == 0 {
			return nil
		}
	}
	return fmt.Errorf("index never held %d documents", n)
}
