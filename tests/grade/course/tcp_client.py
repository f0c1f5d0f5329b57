# tcp_client.py - asks a TCP square server for the squares of some numbers.
# usage: python3 tcp_client.py HOST PORT [NUMBER...]    (default: 1 to 10)
import socket
import sys

TIMEOUT = 5.0   # seconds to wait for the connection and for each reply


def read_line(sock, buf):
    """Returns (line, rest of buf); line is None when the server closed."""
    while b"\n" not in buf:
        data = sock.recv(4096)
        if not data:
            return None, buf
        buf += data
    line, buf = buf.split(b"\n", 1)
    return line, buf


def main():
    if len(sys.argv) < 3:
        print("usage: tcp_client.py HOST PORT [NUMBER...]", file=sys.stderr)
        sys.exit(2)
    host = sys.argv[1]
    port = int(sys.argv[2])
    numbers = sys.argv[3:] or [str(i) for i in range(1, 11)]

    try:
        sock = socket.create_connection((host, port), timeout=TIMEOUT)
    except OSError as e:
        print(f"tcp_client: cannot connect to {host}:{port}: {e}", file=sys.stderr)
        sys.exit(1)

    ok = True
    buf = b""
    try:
        for n in numbers:
            sock.sendall(n.encode() + b"\n")
            line, buf = read_line(sock, buf)
            if line is None:
                print(f"tcp_client: server closed the connection before answering {n}",
                      file=sys.stderr)
                sys.exit(1)
            reply = line.decode(errors="replace").strip()
            print(f"square({n}) = {reply}", flush=True)
            try:
                int(reply)
            except ValueError:
                ok = False
    except socket.timeout:
        print(f"tcp_client: no reply from {host}:{port} within {TIMEOUT:.0f} s",
              file=sys.stderr)
        sys.exit(1)
    except OSError as e:
        print(f"tcp_client: {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        sock.close()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
