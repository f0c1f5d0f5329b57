# flaw: no stop sign (sentinel) in the queue: the consumers wait on q.get() forever and the program never ends.
# threads_no_close.py - one producer, some consumers, a bounded queue between them.
# usage: python3 threads_no_close.py N [CONSUMERS [CAPACITY]]
import queue
import sys
import threading

results = []
results_lock = threading.Lock()


def producer(q, n):
    for i in range(1, n + 1):
        q.put(i)


def consumer(q):
    while True:
        item = q.get()            # after the last number: waits forever
        square = item * item
        with results_lock:
            results.append(square)


def main():
    if len(sys.argv) < 2:
        print("usage: threads_no_close.py N [CONSUMERS [CAPACITY]]", file=sys.stderr)
        sys.exit(2)
    n = int(sys.argv[1])
    consumers = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    capacity = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    if n < 0 or consumers < 1 or capacity < 1:
        print("threads_no_close.py: N >= 0, CONSUMERS >= 1, CAPACITY >= 1", file=sys.stderr)
        sys.exit(2)

    q = queue.Queue(maxsize=capacity)
    threads = [threading.Thread(target=producer, args=(q, n))]
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
