//go:build ignore

// (The constraint above keeps the go tool from taking this file for cgo source.)

// hnswlib_bench: the hnswlib side of bench/vector-bench.sh. It reads the .dvec files that
// `vecbench gen` writes (a 16-byte header "DVEC", kind, rows, cols as little-endian uint32,
// then the elements), builds hnswlib::HierarchicalNSW<float> with L2Space (squared L2, as
// darner's L2), M=16, ef_construction=200, inserting single-threaded, and prints the same
// lines as `vecbench darner`: build rate, memory per vector, then for each ef recall@10
// against the ground truth and queries per second with 1 and 2 threads (each taking a
// contiguous half of the queries, going over it again until --min-time has passed). With
// --build-threads 1,2 it then builds a second index with two threads calling addPoint
// (which hnswlib allows for distinct labels) and prints its build rate.
//
//   g++ -O3 -march=native -std=c++17 -pthread -o hnswlib_bench hnswlib_bench.cpp
//   hnswlib_bench --dir D --dim 128 [--efs 10,16,...] [--min-time 1] [--threads 1,2]
//                 [--build-threads 1,2]
#include <hnswlib/hnswlib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Matrix {
  uint32_t rows = 0, cols = 0;
  std::vector<uint32_t> words;  // float32 or uint32 elements
  const float *floats(size_t row) const {
    return reinterpret_cast<const float *>(words.data() + row * cols);
  }
};

Matrix readMatrix(const std::string &path, uint32_t kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char magic[4];
  uint32_t hdr[3];
  in.read(magic, 4);
  in.read(reinterpret_cast<char *>(hdr), sizeof hdr);
  if (!in || std::memcmp(magic, "DVEC", 4) != 0 || hdr[0] != kind)
    throw std::runtime_error(path + ": not a .dvec file of the expected kind");
  Matrix m;
  m.rows = hdr[1];
  m.cols = hdr[2];
  m.words.resize(size_t(m.rows) * m.cols);
  in.read(reinterpret_cast<char *>(m.words.data()), m.words.size() * 4);
  if (!in) throw std::runtime_error(path + ": short");
  return m;
}

std::vector<int> ints(const std::string &s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(std::stoi(item));
  return out;
}

// residentBytes is the process's resident set size, from /proc/self/statm.
double residentBytes() {
  std::ifstream in("/proc/self/statm");
  long size = 0, resident = 0;
  in >> size >> resident;
  return double(resident) * double(sysconf(_SC_PAGESIZE));
}

using Index = hnswlib::HierarchicalNSW<float>;

std::unique_ptr<Index> build(hnswlib::L2Space &space, const Matrix &base, int threads,
                             double *secs) {
  auto idx = std::make_unique<Index>(&space, base.rows, 16, 200);
  auto t0 = Clock::now();
  if (threads <= 1) {
    for (uint32_t i = 0; i < base.rows; i++) idx->addPoint(base.floats(i), i);
  } else {
    // The first point alone (it becomes the entry point), then a shared counter.
    idx->addPoint(base.floats(0), 0);
    std::atomic<uint32_t> next{1};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; t++)
      ts.emplace_back([&] {
        for (uint32_t i; (i = next.fetch_add(1)) < base.rows;) idx->addPoint(base.floats(i), i);
      });
    for (auto &t : ts) t.join();
  }
  *secs = secondsSince(t0);
  return idx;
}

}  // namespace

int main(int argc, char **argv) {
  std::string dir = ".", efsArg = "10,16,24,32,48,64,96,128,192,256,384,512";
  std::string threadsArg = "1,2", buildThreadsArg = "1";
  int dim = 128;
  double minTime = 1.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dir") dir = v;
    else if (k == "--dim") dim = std::stoi(v);
    else if (k == "--efs") efsArg = v;
    else if (k == "--min-time") minTime = std::stod(v);
    else if (k == "--threads") threadsArg = v;
    else if (k == "--build-threads") buildThreadsArg = v;
    else {
      std::fprintf(stderr, "hnswlib_bench: unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  const std::string d = std::to_string(dim);
  Matrix base = readMatrix(dir + "/base_" + d + ".dvec", 0);
  Matrix qs = readMatrix(dir + "/query_" + d + ".dvec", 0);
  Matrix gt = readMatrix(dir + "/gt_" + d + ".dvec", 1);
  if (base.cols != uint32_t(dim) || qs.cols != uint32_t(dim) || gt.rows != qs.rows || gt.cols != 10)
    throw std::runtime_error("files do not match");
  const size_t n = base.rows, nq = qs.rows;
  char tag[96];
  std::snprintf(tag, sizeof tag, "side=hnswlib dim=%d n=%zu", dim, n);

  hnswlib::L2Space space(dim);
  double rss0 = residentBytes();
  double secs = 0;
  auto idx = build(space, base, 1, &secs);
  std::printf("build %s threads=1 secs=%.3f rate=%.1f\n", tag, secs, n / secs);
  std::fflush(stdout);

  // Memory: what the index's structures take, counted from its fields, and the RSS growth.
  double level0 = double(idx->max_elements_) * idx->size_data_per_element_;
  double upper = 0;
  long levels = 0;
  for (size_t i = 0; i < idx->cur_element_count; i++)
    if (idx->element_levels_[i] > 0) {
      upper += double(idx->size_links_per_element_) * idx->element_levels_[i];
      levels += idx->element_levels_[i];
    }
  double bookkeeping = 8.0 * idx->max_elements_                          // linkLists_
                       + sizeof(int) * idx->element_levels_.size()          // element_levels_
                       + sizeof(std::mutex) * idx->link_list_locks_.size()  // per-element locks
                       + sizeof(std::mutex) * idx->link_list_update_locks_.size() +
                       (8.0 + sizeof(hnswlib::labeltype) + sizeof(hnswlib::tableint)) *
                           idx->label_lookup_.size() +  // label map nodes (next, key, value)
                       8.0 * idx->label_lookup_.bucket_count() +
                       2.0 * idx->max_elements_;  // one visited list
  double total = level0 + upper + bookkeeping;
  long degree0 = 0;
  for (size_t i = 0; i < idx->cur_element_count; i++)
    degree0 += idx->getListCount(idx->get_linklist0(i));
  double rss1 = residentBytes();
  double links = 4.0 * (2 * 16 + 16.0 / 15);
  std::printf(
      "mem %s bytes=%.0f per_vector=%.1f rss_delta_per_vector=%.1f raw=%d links=%.1f "
      "level0_per_vector=%.1f upper_per_vector=%.1f bookkeeping_per_vector=%.1f "
      "upper_levels_per_vector=%.4f size_data_per_element=%zu level0_degree=%.2f\n",
      tag, total, total / n, (rss1 - rss0) / n, 4 * dim, links, level0 / n, upper / n,
      bookkeeping / n, double(levels) / n, idx->size_data_per_element_, double(degree0) / n);
  std::fflush(stdout);

  for (int ef : ints(efsArg)) {
    idx->setEf(ef);
    double recall = 0;
    for (int threads : ints(threadsArg)) {
      std::vector<std::vector<uint32_t>> found(threads == 1 ? nq : 0);
      std::vector<long> counts(threads, 0);
      std::vector<std::thread> ts;
      auto t0 = Clock::now();
      for (int t = 0; t < threads; t++)
        ts.emplace_back([&, t] {
          size_t lo = t * nq / threads, hi = (t + 1) * nq / threads;
          for (int pass = 0;; pass++) {
            for (size_t i = lo; i < hi; i++) {
              auto res = idx->searchKnn(qs.floats(i), 10);
              if (pass == 0 && !found.empty()) {
                std::vector<uint32_t> ids(res.size());
                for (size_t j = res.size(); j-- > 0; res.pop()) ids[j] = uint32_t(res.top().second);
                found[i] = std::move(ids);
              }
            }
            counts[t] += hi - lo;
            if (secondsSince(t0) >= minTime) return;
          }
        });
      for (auto &t : ts) t.join();
      double el = secondsSince(t0);
      long total = 0;
      for (long c : counts) total += c;
      if (!found.empty()) {
        long hit = 0;
        for (size_t i = 0; i < nq; i++)
          for (uint32_t f : found[i])
            for (uint32_t j = 0; j < 10; j++)
              if (gt.words[i * 10 + j] == f) {
                hit++;
                break;
              }
        recall = double(hit) / (10.0 * nq);
      }
      std::printf("search %s ef=%d threads=%d recall=%.4f qps=%.1f\n", tag, ef, threads, recall,
                  total / el);
      std::fflush(stdout);
    }
  }
  idx.reset();

  for (int bt : ints(buildThreadsArg)) {
    if (bt <= 1) continue;
    auto idx2 = build(space, base, bt, &secs);
    std::printf("build %s threads=%d secs=%.3f rate=%.1f\n", tag, bt, secs, n / secs);
    std::fflush(stdout);
  }
  return 0;
}
