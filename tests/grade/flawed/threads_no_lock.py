# flaw: the consumers add to a shared total without the lock (read, a little work, write back): concurrent updates are lost and the sum comes out too small.
# threads_no_lock.py - one producer, some consumers, a bounded queue between them.
# usage: python3 threads_no_lock.py N [CONSUMERS [CAPACITY]]
import queue
import sys
import threading
import time

results = []
total = 0               # the running sum, shared by all consumers


def producer(q, n, consumers):
    for i in range(1, n + 1):
        q.put(i)
    for _ in range(consumers):
        q.put(None)


def consumer(q):
    global total
    while True:
        item = q.get()
        if item is None:
            break
        square = item * item
        results.append(square)
        current = total
        time.sleep(0)             # a little work (a log line, a database...)
        total = current + square


def main():
    if len(sys.argv) < 2:
        print("usage: threads_no_lock.py N [CONSUMERS [CAPACITY]]", file=sys.stderr)
        sys.exit(2)
    n = int(sys.argv[1])
    consumers = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    capacity = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    if n < 0 or consumers < 1 or capacity < 1:
        print("threads_no_lock.py: N >= 0, CONSUMERS >= 1, CAPACITY >= 1", file=sys.stderr)
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
    print(f"sum = {total}")
    sys.exit(0)


if __name__ == "__main__":
    main()
