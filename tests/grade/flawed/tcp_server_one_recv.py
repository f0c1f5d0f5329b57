# flaw: treats each recv() as exactly one request (int(data)): "1\n2\n3\n" in one segment gets one ERR, not 1 4 9.
# tcp_server_one_recv.py - a TCP server that squares integers, one thread per client.
# usage: python3 tcp_server_one_recv.py PORT
import signal
import socket
import sys
import threading

HOST = "127.0.0.1"


def handle_client(conn, addr):
    print(f"connection from {addr[0]}:{addr[1]}", flush=True)
    try:
        while True:
            data = conn.recv(4096)     # one recv = one request (it is not!)
            if not data:
                break
            try:
                n = int(data)
                conn.sendall(str(n * n).encode() + b"\n")
            except ValueError:
                conn.sendall(b"ERR not an integer\n")
    except OSError as e:
        print(f"{addr[0]}:{addr[1]}: {e}", flush=True)
    finally:
        conn.close()
    print(f"{addr[0]}:{addr[1]} disconnected", flush=True)


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    if len(sys.argv) != 2:
        print("usage: tcp_server_one_recv.py PORT", file=sys.stderr)
        sys.exit(2)
    port = int(sys.argv[1])
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)     # even if started with SIGINT ignored (sh's &)

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, port))
    server.listen(64)
    print(f"listening on {HOST}:{server.getsockname()[1]}", flush=True)
    try:
        while True:
            conn, addr = server.accept()
            threading.Thread(target=handle_client, args=(conn, addr), daemon=True).start()
    except KeyboardInterrupt:
        print("server stopped", flush=True)
    finally:
        server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
