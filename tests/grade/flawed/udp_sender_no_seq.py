# flaw: the heartbeat carries no seq= and no inc= (a receiver cannot tell reordered, duplicated or restarted), and Ctrl-C sends no goodbye.
# udp_sender_no_seq.py - sends a heartbeat datagram every INTERVAL_MS milliseconds.
# usage: python3 udp_sender_no_seq.py HOST PORT [INTERVAL_MS [NAME]]
import signal
import socket
import sys
import time


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    if len(sys.argv) < 3:
        print("usage: udp_sender_no_seq.py HOST PORT [INTERVAL_MS [NAME]]", file=sys.stderr)
        sys.exit(2)
    host = sys.argv[1]
    port = int(sys.argv[2])
    interval_ms = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    name = sys.argv[4] if len(sys.argv) > 4 else "py-node"
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)     # even if started with SIGINT ignored (sh's &)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    msg = f"HEARTBEAT v=1 node={name}"
    print(f"sending heartbeats to {host}:{port} every {interval_ms} ms as {name}", flush=True)
    try:
        while True:
            try:
                sock.sendto(msg.encode(), (host, port))
            except ConnectionRefusedError:
                pass
            print("sent", msg, flush=True)
            time.sleep(interval_ms / 1000)
    except KeyboardInterrupt:
        pass                # just stop: the receiver will notice... eventually
    sock.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
