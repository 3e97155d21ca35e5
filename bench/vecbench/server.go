package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"darner/vectors"
)

// serverConfig is what "vecbench server" measures: FT.SEARCH KNN through a darner process
// against vectors.HNSW in-process, on the same data set, at one ef.
type serverConfig struct {
	dir      string
	bin      string
	dim      int
	ef       int
	shards   []int
	conns    []int
	threads  []int
	duration time.Duration
	loadConn int
	depth    int
	seed     uint64
	profile  string // darner's --cpuprofile, with "-shards<N>" appended; "" for none
	// searchDuringLoad times searches sent while the vectors load (which take CPU from it).
	searchDuringLoad bool
	loadgens         []string // "threads", "epoll": see serverQueries
	queryDepth       int      // queries in flight per connection with the epoll generator (1: none pipelined)
}

// serverPoint is one (shards, connections) measurement.
type serverPoint struct {
	gen           string
	shards, conns int
	qps           float64
	p50, p99      time.Duration
	recall        float64
	// serverCPU and genCPU are the cores darner and this load generator kept busy during
	// the run, on average: on a 2-core machine they share the cores.
	serverCPU, genCPU float64
}

func runServer(c serverConfig) error {
	d, err := loadDataset(c.dir, c.dim)
	if err != nil {
		return err
	}
	tag := fmt.Sprintf("dim=%d n=%d ef=%d", d.dim, d.n, c.ef)

	// In-process first, then freed, so that the server runs on an idle machine.
	h := vectors.NewHNSW(d.dim, vectors.L2, vectors.HNSWOptions{M: hnswM, EFConstruction: hnswEFC, Seed: c.seed})
	t0 := time.Now()
	for i := range d.n {
		h.Add(uint32(i), d.vec(i))
	}
	el := time.Since(t0)
	fmt.Printf("inproc-build %s secs=%.3f rate=%.1f\n", tag, el.Seconds(), float64(d.n)/el.Seconds())
	inproc := map[int]float64{}
	var inRecall float64
	for _, th := range c.threads {
		qps, found := measureQPS(d.nq, th, c.duration, func(i int) []vectors.Result {
			return h.Search(d.query(i), gtK, c.ef, nil)
		})
		if found != nil {
			inRecall = recallOf(d, found)
		}
		inproc[th] = qps
		fmt.Printf("inproc-search %s threads=%d recall=%.4f qps=%.1f\n", tag, th, inRecall, qps)
	}
	h = nil
	runtime.GC()

	blobs := make([][]byte, d.nq)
	for i := range blobs {
		blobs[i] = floatBlob(d.query(i))
	}
	var points []serverPoint
	for _, sh := range c.shards {
		ps, err := serverRun(c, d, sh, blobs, tag)
		if err != nil {
			return err
		}
		points = append(points, ps...)
	}

	fmt.Println()
	fmt.Printf("| load generator | shards | connections | server QPS | p50 | p99 | recall@10 | in-process QPS 1 / %d threads | server ÷ in-process (same parallelism) | darner / load generator cores |\n", c.threads[len(c.threads)-1])
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, p := range points {
		ref := inproc[min(p.conns, c.threads[len(c.threads)-1])]
		if r, ok := inproc[p.conns]; ok {
			ref = r
		}
		fmt.Printf("| %s | %d | %d | %.0f | %s | %s | %.4f | %.0f / %.0f | %.0f %% | %.2f / %.2f |\n", p.gen, p.shards, p.conns, p.qps,
			fmtDur(p.p50), fmtDur(p.p99), p.recall, inproc[c.threads[0]], inproc[c.threads[len(c.threads)-1]], 100*p.qps/ref,
			p.serverCPU, p.genCPU)
	}
	fmt.Printf("in-process recall@10 at ef %d: %.4f\n", c.ef, inRecall)
	return nil
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// floatBlob is v as little-endian float32 bytes, as FT.SEARCH and HSET take vectors.
func floatBlob(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// serverRun starts bin with sh shards, creates the index, loads the base vectors and
// measures the queries at each connection count.
func serverRun(c serverConfig, d *dataset, sh int, blobs [][]byte, tag string) ([]serverPoint, error) {
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	flags := []string{"--port", strconv.Itoa(port), "--shards", strconv.Itoa(sh), "--loglevel", "warning"}
	if c.profile != "" {
		flags = append(flags, "--cpuprofile", c.profile+"-shards"+strconv.Itoa(sh))
	}
	cmd := exec.Command(c.bin, flags...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	admin := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, ReadTimeout: time.Minute})
	defer admin.Close()
	for deadline := time.Now().Add(30 * time.Second); admin.Ping(ctx).Err() != nil; {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("darner did not answer PING within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	create := strings.Fields(fmt.Sprintf("FT.CREATE v ON HASH PREFIX 1 d: SCHEMA v VECTOR HNSW 10 TYPE FLOAT32 DIM %d DISTANCE_METRIC L2 M %d EF_CONSTRUCTION %d", d.dim, hnswM, hnswEFC))
	args := make([]any, len(create))
	for i, s := range create {
		args[i] = s
	}
	if err := admin.Do(ctx, args...).Err(); err != nil {
		return nil, fmt.Errorf("FT.CREATE: %w", err)
	}

	// With -search-during-load, while the vectors load, one more connection searches, one query at a time, and times
	// each answer: how long a search waits behind inserts.
	during := make(chan []time.Duration, 1)
	stop := make(chan struct{})
	if c.searchDuringLoad {
		cmds := encodeQueries(d, blobs, c.ef)
		go func() { during <- searchDuringLoad(addr, cmds, stop) }()
	} else {
		during <- nil
	}
	t0 := time.Now()
	if err := loadVectors(addr, d, c.loadConn, c.depth); err != nil {
		return nil, err
	}
	loaded := time.Since(t0)
	close(stop)
	if lats := <-during; len(lats) > 0 {
		slices.Sort(lats)
		fmt.Printf("server-search-during-load %s shards=%d queries=%d p50_us=%.0f p99_us=%.0f max_us=%.0f\n", tag, sh,
			len(lats), float64(lats[len(lats)/2])/1e3, float64(lats[len(lats)*99/100])/1e3, float64(lats[len(lats)-1])/1e3)
	}
	// FT.INFO waits for the index to hold what was written; check that it holds every document.
	var docs int64
	for {
		docs, err = numDocs(ctx, admin)
		if err != nil {
			return nil, err
		}
		if docs >= int64(d.n) || time.Since(t0) > loaded+5*time.Minute {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	indexed := time.Since(t0)
	fmt.Printf("server-load %s shards=%d conns=%d depth=%d secs=%.3f rate=%.1f indexed_secs=%.3f num_docs=%d\n",
		tag, sh, c.loadConn, c.depth, loaded.Seconds(), float64(d.n)/loaded.Seconds(), indexed.Seconds(), docs)

	var out []serverPoint
	for _, conns := range c.conns {
		for _, gen := range c.loadgens {
			p, err := serverQueries(ctx, addr, cmd.Process.Pid, d, blobs, c.ef, conns, c.duration, gen, c.queryDepth)
			if err != nil {
				return nil, err
			}
			p.shards, p.gen = sh, gen
			if gen == "epoll" && c.queryDepth > 1 {
				p.gen = fmt.Sprintf("epoll, %d in flight", c.queryDepth)
			}
			fmt.Printf("server-search %s loadgen=%s shards=%d conns=%d recall=%.4f qps=%.1f p50_us=%.0f p99_us=%.0f server_cores=%.2f loadgen_cores=%.2f server_cpu_us_per_query=%.1f\n",
				tag, strings.ReplaceAll(p.gen, " ", ""), sh, conns, p.recall, p.qps, float64(p.p50)/1e3, float64(p.p99)/1e3, p.serverCPU, p.genCPU, 1e6*p.serverCPU/p.qps)
			out = append(out, p)
		}
	}
	return out, nil
}

func numDocs(ctx context.Context, rdb *redis.Client) (int64, error) {
	res, err := rdb.Do(ctx, "FT.INFO", "v").Slice()
	if err != nil {
		return 0, err
	}
	for i := 0; i+1 < len(res); i += 2 {
		if k, _ := res[i].(string); k == "num_docs" {
			switch v := res[i+1].(type) {
			case int64:
				return v, nil
			case string:
				return strconv.ParseInt(v, 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("FT.INFO has no num_docs: %v", res)
}

// loadVectors sends HSET d:<i> v <blob> for every base vector from conns connections, each
// writing pipelines of depth commands and reading their replies before the next.
func loadVectors(addr string, d *dataset, conns, depth int) error {
	var next atomic.Int64
	errs := make([]error, conns)
	var wg sync.WaitGroup
	for w := range conns {
		wg.Go(func() { errs[w] = loadVectorWorker(addr, d, depth, &next) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func loadVectorWorker(addr string, d *dataset, depth int, next *atomic.Int64) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	r := bufio.NewReaderSize(conn, 16<<10)
	var buf []byte
	for {
		from := int(next.Add(int64(depth))) - depth
		if from >= d.n {
			return nil
		}
		to := min(from+depth, d.n)
		buf = buf[:0]
		for i := from; i < to; i++ {
			buf = append(buf, "*4\r\n$4\r\nHSET\r\n"...)
			buf = appendBulk(buf, []byte("d:"+strconv.Itoa(i)))
			buf = append(buf, "$1\r\nv\r\n"...)
			buf = appendBulk(buf, floatBlob(d.vec(i)))
		}
		if _, err := conn.Write(buf); err != nil {
			return err
		}
		for range to - from {
			line, err := r.ReadSlice('\n')
			if err != nil {
				return err
			}
			if line[0] != ':' {
				return fmt.Errorf("HSET replied %q", line)
			}
		}
	}
}

func appendBulk(b, s []byte) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, "\r\n"...)
	b = append(b, s...)
	return append(b, "\r\n"...)
}

// serverQueries runs FT.SEARCH KNN from conns goroutines, each on a connection of its own
// with one query in flight, each cycling through the queries from its own starting point,
// for dur. The commands are encoded once beforehand and replies read straight off the
// socket, as redis-benchmark does, so that the load generator, which shares the machine's
// cores with the server, spends as little of them as it can.
//
// gen "threads" gives each connection a thread of its own that writes a query and blocks
// reading the reply; gen "epoll" drives every connection from one thread waiting in
// epoll_wait, as redis-benchmark's event loop does, with qdepth queries in flight on each
// (redis-benchmark's -P).
func serverQueries(ctx context.Context, addr string, pid int, d *dataset, blobs [][]byte, ef, conns int, dur time.Duration, gen string, qdepth int) (serverPoint, error) {
	cmds := encodeQueries(d, blobs, ef)
	workers := make([]*queryConn, conns)
	for g := range workers {
		qc, err := dialQuery(addr)
		if err != nil {
			return serverPoint{}, err
		}
		defer qc.close()
		if _, err := qc.do(cmds[0]); err != nil { // warm the connection
			return serverPoint{}, err
		}
		workers[g] = qc
	}

	var wg sync.WaitGroup
	lats := make([][]time.Duration, conns)
	hits := make([]int, conns)
	errs := make([]error, conns)
	srv0, err := procCPU(pid)
	if err != nil {
		return serverPoint{}, err
	}
	gen0 := selfCPU()
	t0 := time.Now()
	if gen == "epoll" {
		lats[0], hits[0], errs[0] = epollQueries(workers, cmds, d, dur, qdepth)
		workers = nil
	} else if gen != "threads" {
		return serverPoint{}, fmt.Errorf("unknown load generator %q", gen)
	}
	for g, qc := range workers {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for i := g * d.nq / conns; time.Since(t0) < dur; i = (i + 1) % d.nq {
				s := time.Now()
				found, err := qc.do(cmds[i])
				lats[g] = append(lats[g], time.Since(s))
				if err != nil {
					errs[g] = err
					return
				}
				hits[g] += recallAt10(d.gt[i*gtK:(i+1)*gtK], found)
			}
		})
	}
	wg.Wait()
	el := time.Since(t0)
	srv1, err := procCPU(pid)
	if err != nil {
		return serverPoint{}, err
	}
	genTime := selfCPU() - gen0
	for _, err := range errs {
		if err != nil {
			return serverPoint{}, err
		}
	}
	var all []time.Duration
	hit := 0
	for g := range conns {
		all = append(all, lats[g]...)
		hit += hits[g]
	}
	slices.Sort(all)
	return serverPoint{conns: conns, qps: float64(len(all)) / el.Seconds(),
		p50: all[len(all)/2], p99: all[len(all)*99/100], recall: float64(hit) / float64(gtK*len(all)),
		serverCPU: (srv1 - srv0).Seconds() / el.Seconds(), genCPU: genTime.Seconds() / el.Seconds()}, nil
}

// procCPU is the user + system CPU time process pid has used, from /proc/pid/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces: count from after it.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

// selfCPU is the user + system CPU time this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// encodeQueries encodes FT.SEARCH v "*=>[KNN 10 @v $q EF_RUNTIME ef]" PARAMS 2 q <blob>
// NOCONTENT DIALECT 2 for each query vector.
func encodeQueries(d *dataset, blobs [][]byte, ef int) [][]byte {
	q := fmt.Sprintf("*=>[KNN %d @v $q EF_RUNTIME %d]", gtK, ef)
	cmds := make([][]byte, d.nq)
	for i := range cmds {
		args := [][]byte{[]byte("FT.SEARCH"), []byte("v"), []byte(q), []byte("PARAMS"), []byte("2"),
			[]byte("q"), blobs[i], []byte("NOCONTENT"), []byte("DIALECT"), []byte("2")}
		b := fmt.Appendf(nil, "*%d\r\n", len(args))
		for _, a := range args {
			b = appendBulk(b, a)
		}
		cmds[i] = b
	}
	return cmds
}

// searchDuringLoad runs queries one at a time until stop is closed and returns their
// latencies (none if the connection fails).
func searchDuringLoad(addr string, cmds [][]byte, stop <-chan struct{}) []time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	qc, err := dialQuery(addr)
	if err != nil {
		return nil
	}
	defer qc.close()
	var lats []time.Duration
	for i := 0; ; i = (i + 1) % len(cmds) {
		select {
		case <-stop:
			return lats
		default:
		}
		s := time.Now()
		if _, err := qc.do(cmds[i]); err != nil {
			return lats
		}
		lats = append(lats, time.Since(s))
	}
}

// queryConn is one connection of the query load generator: a blocking socket, read and
// written with plain system calls from a goroutine locked to its thread, so that a reply
// wakes the thread waiting for it directly. Go's network poller (park on EAGAIN, wake from
// epoll) costs several system calls and a thread hand-off per reply, and on this machine the
// load generator's CPU is taken from the server's.
type queryConn struct {
	fd    int
	buf   []byte
	found []uint32
	used  int // bytes of buf the last complete reply parse read
}

func dialQuery(addr string) (*queryConn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		return nil, err
	}
	if err := syscall.Connect(fd, &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if err := syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return &queryConn{fd: fd, buf: make([]byte, 0, 16<<10)}, nil
}

func (qc *queryConn) close() { syscall.Close(qc.fd) }

// do sends one encoded FT.SEARCH … NOCONTENT and returns the document numbers of the keys
// (d:<n>) of its reply, which is valid until the next call.
func (qc *queryConn) do(cmd []byte) ([]uint32, error) {
	for len(cmd) > 0 {
		n, err := syscall.Write(qc.fd, cmd)
		if err != nil {
			return nil, err
		}
		cmd = cmd[n:]
	}
	qc.buf = qc.buf[:0]
	for {
		if ok, err := qc.parse(); ok || err != nil {
			return qc.found, err
		}
		if len(qc.buf) == cap(qc.buf) {
			qc.buf = slices.Grow(qc.buf, cap(qc.buf))
		}
		n, err := syscall.Read(qc.fd, qc.buf[len(qc.buf):cap(qc.buf)])
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("connection closed")
		}
		qc.buf = qc.buf[:len(qc.buf)+n]
	}
}

// parse reads the reply in buf into found: ok is false while the reply is incomplete.
func (qc *queryConn) parse() (ok bool, err error) {
	b := qc.buf
	line := func() ([]byte, bool) {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return nil, false
		}
		l := b[:i-1]
		b = b[i+1:]
		return l, true
	}
	l, ok := line()
	if !ok {
		return false, nil
	}
	if len(l) == 0 || l[0] != '*' {
		return false, fmt.Errorf("FT.SEARCH replied %q", l)
	}
	n, err := strconv.Atoi(string(l[1:]))
	if err != nil || n < 1 {
		return false, fmt.Errorf("FT.SEARCH replied %q", l)
	}
	if l, ok = line(); !ok {
		return false, nil
	}
	if len(l) == 0 || l[0] != ':' {
		return false, fmt.Errorf("FT.SEARCH's total: %q", l)
	}
	qc.found = qc.found[:0]
	for range n - 1 {
		if l, ok = line(); !ok {
			return false, nil
		}
		if len(l) == 0 || l[0] != '$' {
			return false, fmt.Errorf("FT.SEARCH's key: %q", l)
		}
		if l, ok = line(); !ok {
			return false, nil
		}
		id, err := strconv.ParseUint(strings.TrimPrefix(string(l), "d:"), 10, 32)
		if err != nil {
			return false, fmt.Errorf("FT.SEARCH returned key %q", l)
		}
		qc.found = append(qc.found, uint32(id))
	}
	qc.used = len(qc.buf) - len(b)
	return true, nil
}

// epollQueries runs the queries over every connection from this one thread: each
// connection keeps depth queries in flight, sending the next as each reply is read.
func epollQueries(conns []*queryConn, cmds [][]byte, d *dataset, dur time.Duration, depth int) ([]time.Duration, int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ep, err := syscall.EpollCreate1(0)
	if err != nil {
		return nil, 0, err
	}
	defer syscall.Close(ep)
	type inflight struct {
		query int
		sent  time.Time
	}
	type state struct {
		qc      *queryConn
		next    int
		pending []inflight
	}
	st := make([]state, len(conns))
	byFD := map[int32]int{}
	send := func(s *state) error {
		s.pending = append(s.pending, inflight{s.next, time.Now()})
		for cmd := cmds[s.next]; len(cmd) > 0; {
			n, err := syscall.Write(s.qc.fd, cmd)
			if err != nil {
				return err
			}
			cmd = cmd[n:]
		}
		s.next = (s.next + 1) % d.nq
		return nil
	}
	for g, qc := range conns {
		qc.buf = qc.buf[:0]
		st[g] = state{qc: qc, next: g * d.nq / len(conns)}
		byFD[int32(qc.fd)] = g
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(qc.fd)}
		if err := syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, qc.fd, &ev); err != nil {
			return nil, 0, err
		}
	}
	t0 := time.Now()
	for g := range st {
		for range max(depth, 1) {
			if err := send(&st[g]); err != nil {
				return nil, 0, err
			}
		}
	}
	var lats []time.Duration
	hit, open := 0, len(conns)
	events := make([]syscall.EpollEvent, len(conns))
	for open > 0 {
		n, err := syscall.EpollWait(ep, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		for _, ev := range events[:n] {
			s := &st[byFD[ev.Fd]]
			qc := s.qc
			if len(qc.buf) == cap(qc.buf) {
				qc.buf = slices.Grow(qc.buf, cap(qc.buf))
			}
			m, err := syscall.Read(qc.fd, qc.buf[len(qc.buf):cap(qc.buf)])
			if err != nil || m == 0 {
				return nil, 0, fmt.Errorf("reading a reply: %v (read %d)", err, m)
			}
			qc.buf = qc.buf[:len(qc.buf)+m]
			for len(s.pending) > 0 {
				ok, err := qc.parse()
				if err != nil {
					return nil, 0, err
				}
				if !ok {
					break
				}
				q := s.pending[0]
				s.pending = s.pending[1:]
				lats = append(lats, time.Since(q.sent))
				hit += recallAt10(d.gt[q.query*gtK:(q.query+1)*gtK], qc.found)
				qc.buf = qc.buf[:copy(qc.buf, qc.buf[qc.used:])]
				if time.Since(t0) < dur {
					if err := send(s); err != nil {
						return nil, 0, err
					}
				}
			}
			if len(s.pending) == 0 {
				open--
			}
		}
	}
	return lats, hit, nil
}
