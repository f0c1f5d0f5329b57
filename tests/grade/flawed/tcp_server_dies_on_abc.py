# flaw: int() without try: a non-integer line raises ValueError, which ends the whole server (every client).
# tcp_server_dies_on_abc.py - a TCP server that squares integers; one thread
# (select) serves all clients at once.
# usage: python3 tcp_server_dies_on_abc.py PORT
import select
import signal
import socket
import sys

HOST = "127.0.0.1"


def answer(line):
    n = int(line)
    return str(n * n).encode() + b"\n"


def is_integer(data):
    return data.strip().lstrip(b"+-").isdigit()


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    if len(sys.argv) != 2:
        print("usage: tcp_server_dies_on_abc.py PORT", file=sys.stderr)
        sys.exit(2)
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)     # even if started with SIGINT ignored (sh's &)

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, port))
    server.listen(64)
    print(f"listening on {HOST}:{server.getsockname()[1]}", flush=True)

    buffers = {}        # client socket -> bytes received but not answered yet
    try:
        while True:
            ready, _, _ = select.select([server] + list(buffers), [], [])
            for sock in ready:
                if sock is server:
                    conn, addr = server.accept()
                    print(f"connection from {addr[0]}:{addr[1]}", flush=True)
                    buffers[conn] = b""
                    continue
                try:
                    chunk = sock.recv(4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    del buffers[sock]
                    sock.close()
                    continue
                pending_before = buffers[sock]
                buf = pending_before + chunk
                try:
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        sock.sendall(answer(line))
                    if b"\n" not in chunk and buf:
                        if is_integer(buf) or not pending_before:
                            sock.sendall(answer(buf))
                            buf = b""
                except OSError:
                    buf = b""
                buffers[sock] = buf
    except KeyboardInterrupt:
        print("server stopped", flush=True)
    finally:
        server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
