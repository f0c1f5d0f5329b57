# flaw: the parent never closes its copies of the pipes' write ends, so the worker and the storage never see end of file: it hangs after the last number.
# ipc_open_pipe.py - three processes joined by pipes: generator -> worker -> storage.
# usage: python3 ipc_open_pipe.py N
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
        print("usage: ipc_open_pipe.py N", file=sys.stderr)
        sys.exit(2)
    n = int(sys.argv[1])

    numbers_r, numbers_w = Pipe(duplex=False)    # generator -> worker
    squares_r, squares_w = Pipe(duplex=False)    # worker -> storage

    g = Process(target=generator, args=(n, numbers_w))
    w = Process(target=worker, args=(numbers_r, squares_w))
    s = Process(target=storage, args=(squares_r,))
    for p in (g, w, s):
        p.start()

    for p in (g, w, s):
        p.join()
    sys.exit(0)


if __name__ == "__main__":
    main()
