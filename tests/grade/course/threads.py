# threads.py - one producer, some consumers, a bounded queue between them.
# usage: python3 threads.py N [CONSUMERS [CAPACITY]]
#
# The producer puts 1..N in the queue, then one None per consumer to say
# "no more". Each consumer squares what it takes and appends it to a shared
# list under a lock. The main thread prints the sum of the list.
import queue
import sys
import threading

results = []
results_lock = threading.Lock()


def producer(q, n, consumers):
    for i in range(1, n + 1):
        q.put(i)                  # blocks while the queue is full
    for _ in range(consumers):
        q.put(None)               # one stop sign per consumer


def consumer(q):
    while True:
        item = q.get()            # blocks while the queue is empty
        if item is None:
            break
        square = item * item
        with results_lock:
            results.append(square)


def main():
    if len(sys.argv) < 2:
        print("usage: threads.py N [CONSUMERS [CAPACITY]]", file=sys.stderr)
        sys.exit(2)
    n = int(sys.argv[1])
    consumers = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    capacity = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    if n < 0 or consumers < 1 or capacity < 1:
        print("threads.py: N >= 0, CONSUMERS >= 1, CAPACITY >= 1", file=sys.stderr)
        sys.exit(2)

    q = queue.Queue(maxsize=capacity)
    threads = [threading.Thread(target=producer, args=(q, n, consumers))]
    for _ in range(consumers):
        threads.append(threading.Thread(target=consumer, args=(q,)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    print(f"stored {len(results)} of {n} squares ({consumers} consumers, queue of {capacity})")
    print(f"sum = {sum(results)}")
    sys.exit(0)


if __name__ == "__main__":
    main()
