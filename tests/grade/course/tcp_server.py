# tcp_server.py - a TCP server that squares integers, one thread per client.
# usage: python3 tcp_server.py PORT [HOST]    (HOST: the address to listen on, default 127.0.0.1)
#
# Each request is an integer on a line; the reply is its square on a line,
# or "ERR not an integer". A client may also send one request per send()
# without a newline: a chunk with no newline that holds a whole integer
# (or that is a whole non-integer request on its own) is answered too.
import signal
import socket
import sys
import threading

HOST = "127.0.0.1"
MAX_LINE = 10000   # a "line" longer than this is dropped with an ERR


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


def handle_client(conn, addr):
    print(f"connection from {addr[0]}:{addr[1]}", flush=True)
    buf = b""       # bytes received but not answered yet (a partial line)
    try:
        while True:
            chunk = conn.recv(4096)
            if not chunk:
                break                     # the client closed the connection
            pending_before = buf
            buf += chunk
            # every complete line is one request
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                conn.sendall(answer(line))
            # a chunk without a newline: a request sent the course's way
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
        print("usage: tcp_server.py PORT [HOST]", file=sys.stderr)
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
            t = threading.Thread(target=handle_client, args=(conn, addr), daemon=True)
            t.start()
    except KeyboardInterrupt:
        print("server stopped", flush=True)
    finally:
        server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
