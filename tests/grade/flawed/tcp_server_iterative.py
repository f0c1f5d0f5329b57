# flaw: serves one client at a time (accept, serve it until EOF, then the next), so a second client waits.
# tcp_server_iterative.py - a TCP server that squares integers.
# usage: python3 tcp_server_iterative.py PORT [HOST]    (HOST: the address to listen on, default 127.0.0.1)
import signal
import socket
import sys

HOST = "127.0.0.1"
MAX_LINE = 10000


def answer(line):
    try:
        n = int(line)
    except ValueError:
        return b"ERR not an integer\n"
    return str(n * n).encode() + b"\n"


def is_integer(data):
    try:
        int(data)
        return True
    except ValueError:
        return False


def serve(conn, addr):
    print(f"connection from {addr[0]}:{addr[1]}", flush=True)
    buf = b""
    try:
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break
            pending_before = buf
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                conn.sendall(answer(line))
            if b"\n" not in chunk and buf:
                if is_integer(buf) or not pending_before:
                    conn.sendall(answer(buf))
                    buf = b""
            if len(buf) > MAX_LINE:
                conn.sendall(b"ERR line too long\n")
                buf = b""
    except OSError as e:
        print(f"{addr[0]}:{addr[1]}: {e}", flush=True)
    finally:
        conn.close()
    print(f"{addr[0]}:{addr[1]} disconnected", flush=True)


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: tcp_server_iterative.py PORT [HOST]", file=sys.stderr)
        sys.exit(2)
    port = int(sys.argv[1])
    host = sys.argv[2] if len(sys.argv) > 2 else HOST
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)     # even if started with SIGINT ignored (sh's &)

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(64)
    print(f"listening on {host}:{server.getsockname()[1]}", flush=True)
    try:
        while True:
            conn, addr = server.accept()
            serve(conn, addr)          # the next client waits until this one leaves
    except KeyboardInterrupt:
        print("server stopped", flush=True)
    finally:
        server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
