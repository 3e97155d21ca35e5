package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// server is one darner (or, for the peer phases, redis-server) process the benchmark started.
type server struct {
	name    string // "darner" or "redis-server", for messages
	cmd     *exec.Cmd
	addr    string
	started time.Time
	rdb     *redis.Client
	exited  chan struct{} // closed when the process has exited; waitErr is then set
	waitErr error

	mu  sync.Mutex // protects gcs
	gcs []gcLine   // the collections the process has reported, in order
}

// gcLine is what one GODEBUG=gctrace=1 line says: when the collection started (seconds
// since the process started) and the heap that was live when it started.
type gcLine struct {
	at   float64
	live int64 // bytes
}

// startServer starts bin with the given shard count on a free port, with gctrace on so
// that the live heap can be read; profile, when set, is passed as --cpuprofile.
func startServer(ctx context.Context, bin string, shards, pool int, profile string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"--port", strconv.Itoa(port), "--shards", strconv.Itoa(shards), "--loglevel", "warning"}
	if profile != "" {
		args = append(args, "--cpuprofile", profile)
	}
	s := &server{name: "darner", addr: "127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = append(os.Environ(), "GODEBUG="+withGCTrace(os.Getenv("GODEBUG")))
	s.cmd.Stdout = os.Stderr
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s.started = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go s.readStderr(stderr)
	go func() { s.waitErr = s.cmd.Wait(); close(s.exited) }()
	s.rdb = redis.NewClient(&redis.Options{Addr: s.addr, Protocol: 2, PoolSize: pool,
		ReadTimeout: time.Minute, WriteTimeout: time.Minute})
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func withGCTrace(godebug string) string {
	if godebug == "" {
		return "gctrace=1"
	}
	return godebug + ",gctrace=1"
}

// freePort asks the kernel for a port no one listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := s.rdb.Ping(ctx).Err(); err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited before answering: %v", s.name, s.waitErr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer PING within 30 s", s.name)
		}
	}
}

// gcTrace matches a gctrace line: "gc 12 @3.456s 2%: … 100->120->80 MB, …".
var gcTrace = regexp.MustCompile(`^gc \d+ @([0-9.]+)s .* (\d+)->(\d+)->(\d+) MB`)

// readStderr records the gctrace lines and passes every other line on.
func (s *server) readStderr(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m := gcTrace.FindStringSubmatch(sc.Text())
		if m == nil {
			fmt.Fprintln(os.Stderr, "darner:", sc.Text())
			continue
		}
		at, _ := strconv.ParseFloat(m[1], 64)
		var mib [3]int64
		for i := range mib {
			mib[i], _ = strconv.ParseInt(m[2+i], 10, 64)
		}
		// The marked heap (third figure) counts what was allocated while marking, which is
		// black; the heap's growth during the cycle (second − first) is that allocation.
		live := max(mib[2]-(mib[1]-mib[0]), 0)
		s.mu.Lock()
		s.gcs = append(s.gcs, gcLine{at: at, live: live << 20})
		s.mu.Unlock()
	}
}

// gcSince returns the first collection that started at or after t, if one has ended.
func (s *server) gcSince(t time.Time) (gcLine, bool) {
	at := t.Sub(s.started).Seconds()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.gcs {
		if g.at >= at {
			return g, true
		}
	}
	return gcLine{}, false
}

// stop sends SIGTERM (darner writes its CPU profile then; redis-server, started without save
// points, exits without writing a dump) and waits for the exit.
func (s *server) stop() {
	_ = s.rdb.Close()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// memory is what a loaded server holds.
type memory struct {
	usedMemory int64 // INFO memory used_memory: darner's own count of its keys' bytes
	rss        int64 // VmRSS of the process
	liveHeap   int64 // live heap marked by a collection that started after the load
}

// settle is how long the server is left idle after a load before its memory is read, so
// that a collection running at the end of the load has finished.
const settle = 2 * time.Second

// measureMemory reads used_memory and RSS, then makes the server collect (by sending it
// garbage: a 1 MiB string set and deleted, repeatedly) and reads the live heap that
// collection marked. RSS is read first: the churn grows the heap.
func (s *server) measureMemory(ctx context.Context) (memory, error) {
	var m memory
	time.Sleep(settle)
	info, err := s.rdb.Info(ctx, "memory").Result()
	if err != nil {
		return m, err
	}
	if m.usedMemory, err = infoField(info, "used_memory"); err != nil {
		return m, err
	}
	if m.rss, err = processRSS(s.cmd.Process.Pid); err != nil {
		return m, err
	}
	from := time.Now()
	junk := strings.Repeat("x", 1<<20)
	for range 100000 { // 100 GiB: far more than any heap here needs to trigger a collection
		if g, ok := s.gcSince(from); ok {
			m.liveHeap = g.live
			return m, s.rdb.Del(ctx, "gc:churn").Err()
		}
		p := s.rdb.Pipeline()
		p.Set(ctx, "gc:churn", junk, 0)
		p.Del(ctx, "gc:churn")
		if _, err := p.Exec(ctx); err != nil {
			return m, err
		}
	}
	return m, errors.New("no garbage collection after 100 GiB of garbage")
}

// infoField reads an integer field of an INFO reply.
func infoField(info, name string) (int64, error) {
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("INFO has no %s", name)
}

// processRSS reads VmRSS from /proc/<pid>/status, in bytes.
func processRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}
