# flaw: no timeout anywhere, and a failed connect is retried forever: a dead or silent server means it never ends.
# tcp_client_hangs.py - asks a TCP square server for the squares of some numbers.
# usage: python3 tcp_client_hangs.py HOST PORT [NUMBER...]    (default: 1 to 10)
import socket
import sys
import time


def main():
    if len(sys.argv) < 3:
        print("usage: tcp_client_hangs.py HOST PORT [NUMBER...]", file=sys.stderr)
        sys.exit(2)
    host = sys.argv[1]
    port = int(sys.argv[2])
    numbers = sys.argv[3:] or [str(i) for i in range(1, 11)]

    while True:
        try:
            sock = socket.create_connection((host, port))
            break
        except OSError:
            print("cannot connect, trying again in 1 s", file=sys.stderr, flush=True)
            time.sleep(1)

    ok = True
    buf = b""
    for n in numbers:
        sock.sendall(n.encode() + b"\n")
        while b"\n" not in buf:
            data = sock.recv(4096)       # waits as long as the server says nothing
            if not data:
                print("server closed the connection", file=sys.stderr)
                sys.exit(1)
            buf += data
        line, buf = buf.split(b"\n", 1)
        reply = line.decode(errors="replace").strip()
        print(f"square({n}) = {reply}", flush=True)
        try:
            int(reply)
        except ValueError:
            ok = False
    sock.close()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
