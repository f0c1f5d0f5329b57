"""py_queue - the Python way to the producer/consumer job, for comparison only.

One producer thread puts 1..TASKS into a queue.Queue(CAPACITY); CONSUMERS
threads square them and append to a list under a Lock.  Prints tasks/s as
JSON.  Usage: py_queue.py TASKS CONSUMERS CAPACITY
"""
import json
import queue
import sys
import threading
import time


def main():
    tasks, consumers, capacity = (int(a) for a in sys.argv[1:4])
    q = queue.Queue(capacity)
    results, lock = [], threading.Lock()

    def produce():
        for i in range(1, tasks + 1):
            q.put(i)
        for _ in range(consumers):
            q.put(None)

    def consume():
        while (x := q.get()) is not None:
            with lock:
                results.append(x * x)

    start = time.monotonic()
    threads = [threading.Thread(target=consume) for _ in range(consumers)]
    threads.append(threading.Thread(target=produce))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    ok = sum(results) == tasks * (tasks + 1) * (2 * tasks + 1) // 6
    print(json.dumps({"tasks": tasks, "ok": ok, "seconds": round(seconds, 6),
                      "per_sec": round(tasks / seconds)}))


if __name__ == "__main__":
    main()
