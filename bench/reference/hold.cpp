// Hold-model reference for bench/engine.ts: a std::priority_queue of
// (time, order, slot) records, the same key the Engine orders by. Keep N
// events pending; repeatedly pop the earliest and push one at a random later
// time. Same generator (sfc32) and increments as the TypeScript loop, so the
// two do the same work. Usage: hold <pending> <ops>; prints events/s.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <ctime>
#include <vector>

// Process CPU time, as the TypeScript side measures (process.cpuUsage): on a
// shared machine it is steadier than wall time.
static double cpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Sfc32 {
  uint32_t a, b, c, d = 1;
  explicit Sfc32(uint32_t seed) : a(seed), b(seed ^ 0x9e3779b9u), c(seed * 0x85ebca6bu) {
    for (int i = 0; i < 12; i++) next();
  }
  uint32_t next() {
    uint32_t t = a + b + d++;
    a = b ^ (b >> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >> 11)) + t;
    return t;
  }
  double uniform() { return next() / 4294967296.0; }
};

struct Event {
  double timeNs;
  double order;  // priority class * 2^40 + sequence, as in src/engine/queue.ts
  int32_t slot;
};

struct Later {
  bool operator()(const Event& x, const Event& y) const {
    return x.timeNs > y.timeNs || (x.timeNs == y.timeNs && x.order > y.order);
  }
};

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: hold <pending> <ops>\n");
    return 2;
  }
  const long pending = std::atol(argv[1]);
  const long ops = std::atol(argv[2]);
  const double classTask = 1.0 * 1099511627776.0;  // 2^40
  Sfc32 rng(42);
  std::priority_queue<Event, std::vector<Event>, Later> queue;
  double seq = 0;
  for (long i = 0; i < pending; i++) queue.push({std::floor(rng.uniform() * 1e6), classTask + seq++, int32_t(i)});
  const double t0 = cpuSeconds();
  long checksum = 0;
  for (long i = 0; i < ops; i++) {
    const Event top = queue.top();
    queue.pop();
    checksum += top.slot;
    queue.push({top.timeNs + 1 + std::floor(rng.uniform() * 1e6), classTask + seq++, top.slot});
  }
  const double seconds = cpuSeconds() - t0;
  // The checksum keeps the loop from being optimised away.
  std::printf("%.0f %ld\n", ops / seconds, checksum);
  return 0;
}
