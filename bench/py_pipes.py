"""py_pipes - the Python way to the same pipeline, for comparison only.

A generator process sends 1..COUNT one number per message through a
multiprocessing Pipe to a worker that squares them and sends them on to
a storage process.  Prints numbers/s as JSON.  Usage: py_pipes.py COUNT
"""
import json
import sys
import time
from multiprocessing import Pipe, Process


def generate(out, count):
    for i in range(1, count + 1):
        out.send(i)
    out.send(None)


def square(inp, out):
    while (x := inp.recv()) is not None:
        out.send(x * x)
    out.send(None)


def store(inp, result):
    total = 0
    while (x := inp.recv()) is not None:
        total += x
    result.send(total)


def main():
    count = int(sys.argv[1])
    a_in, a_out = Pipe(duplex=False)
    b_in, b_out = Pipe(duplex=False)
    r_in, r_out = Pipe(duplex=False)
    start = time.monotonic()
    procs = [Process(target=generate, args=(a_out, count)),
             Process(target=square, args=(a_in, b_out)),
             Process(target=store, args=(b_in, r_out))]
    for p in procs:
        p.start()
    total = r_in.recv()
    for p in procs:
        p.join()
    seconds = time.monotonic() - start
    ok = total == count * (count + 1) * (2 * count + 1) // 6
    print(json.dumps({"count": count, "ok": ok, "seconds": round(seconds, 6),
                      "per_sec": round(count / seconds)}))


if __name__ == "__main__":
    main()
