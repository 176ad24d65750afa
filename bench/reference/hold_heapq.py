"""Hold-model reference for bench/engine.ts: Python's heapq with (time, seq,
slot) tuples. Keep N events pending; repeatedly pop the earliest and push one
at a random later time. Process CPU time, as bench/engine.ts measures. Usage: hold_heapq.py <pending> <ops>; prints events/s."""
import heapq
import random
import sys
import time


def main() -> None:
    pending, ops = int(sys.argv[1]), int(sys.argv[2])
    random.seed(42)
    heap = [(float(int(random.random() * 1e6)), i, i) for i in range(pending)]
    heapq.heapify(heap)
    seq = pending
    pop, push, rand = heapq.heappop, heapq.heappush, random.random
    t0 = time.process_time()
    for _ in range(ops):
        t, _s, slot = pop(heap)
        seq += 1
        push(heap, (t + 1 + int(rand() * 1e6), seq, slot))
    print(round(ops / (time.process_time() - t0)))


if __name__ == "__main__":
    main()
