# udp_sender.py - sends a heartbeat datagram every INTERVAL_MS milliseconds.
# usage: python3 udp_sender.py HOST PORT [INTERVAL_MS [NAME]]
#
# Datagram: HEARTBEAT v=1 node=NAME inc=<start ms> seq=<n> interval_ms=<ms> sent_ms=<now ms>
# On Ctrl-C (or SIGTERM) one last datagram says goodbye with " leaving=1".
import signal
import socket
import sys
import time


def now_ms():
    return int(time.time() * 1000)


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    if len(sys.argv) < 3:
        print("usage: udp_sender.py HOST PORT [INTERVAL_MS [NAME]]", file=sys.stderr)
        sys.exit(2)
    host = sys.argv[1]
    port = int(sys.argv[2])
    interval_ms = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    name = sys.argv[4] if len(sys.argv) > 4 else "py-node"
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)     # even if started with SIGINT ignored (sh's &)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    inc = now_ms()          # the incarnation: tells a restarted sender from the old one
    seq = 0

    def send(extra=""):
        msg = (f"HEARTBEAT v=1 node={name} inc={inc} seq={seq} "
               f"interval_ms={interval_ms} sent_ms={now_ms()}{extra}")
        try:
            sock.sendto(msg.encode(), (host, port))
        except ConnectionRefusedError:
            pass            # nobody listens (yet): keep beating
        return msg

    print(f"sending heartbeats to {host}:{port} every {interval_ms} ms as {name}", flush=True)
    try:
        while True:
            seq += 1
            print("sent", send(), flush=True)
            time.sleep(interval_ms / 1000)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        seq += 1
        print("sent", send(" leaving=1"), flush=True)
    sock.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
