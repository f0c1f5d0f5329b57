# ipc.py - three processes joined by pipes: generator -> worker -> storage.
# usage: python3 ipc.py N
#
# The generator sends 1..N, the worker squares each number, the storage adds
# the squares up and prints "sum = S". Each one stops when its input pipe
# says end of file, which happens only once EVERY copy of the pipe's write
# end is closed.
import sys
from multiprocessing import Pipe, Process


def generator(n, out):
    for i in range(1, n + 1):
        out.send(i)
    out.close()


def worker(inp, out):
    while True:
        try:
            x = inp.recv()
        except EOFError:
            break
        out.send(x * x)
    out.close()


def storage(inp):
    total = 0
    count = 0
    while True:
        try:
            total += inp.recv()
        except EOFError:
            break
        count += 1
    print(f"storage: received {count} squares", flush=True)
    print(f"sum = {total}", flush=True)


def main():
    if len(sys.argv) != 2:
        print("usage: ipc.py N", file=sys.stderr)
        sys.exit(2)
    n = int(sys.argv[1])

    # A child gets a copy of every pipe end that exists when it starts, so
    # make each pipe just before its writer starts, and close the parent's
    # copies as soon as the child has its own.
    numbers_r, numbers_w = Pipe(duplex=False)    # generator -> worker
    g = Process(target=generator, args=(n, numbers_w))
    g.start()
    numbers_w.close()

    squares_r, squares_w = Pipe(duplex=False)    # worker -> storage
    w = Process(target=worker, args=(numbers_r, squares_w))
    w.start()
    numbers_r.close()
    squares_w.close()

    s = Process(target=storage, args=(squares_r,))
    s.start()
    squares_r.close()

    for p in (g, w, s):
        p.join()
    failed = [p.name for p in (g, w, s) if p.exitcode != 0]
    if failed:
        print(f"ipc: {', '.join(failed)} failed", file=sys.stderr)
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
