# udp_receiver.py - receives heartbeats and says which nodes are alive.
# usage: python3 udp_receiver.py PORT [INTERVAL_MS [HOST]]    (HOST: default 127.0.0.1)
#
# A node is SUSPECT after 2 of its intervals without a heartbeat, DEAD after 5,
# LEFT when it says leaving=1. Its interval comes from interval_ms= in its
# datagrams, else INTERVAL_MS (default 1000). A datagram whose seq is not
# newer than the highest seen (reordered or duplicated) changes nothing.
import select
import signal
import socket
import sys
import time

HOST = "127.0.0.1"
CHECK_EVERY = 0.05      # seconds between two looks at the clocks

nodes = {}              # name -> dict(state, last, interval, inc, seq)


def say(name, state, why=""):
    nodes[name]["state"] = state
    print(f"{name} {state}{why}", flush=True)


def parse(data):
    """Returns a dict of the key=value fields, or None if it is not a heartbeat."""
    try:
        words = data.decode("utf-8").split()
    except UnicodeDecodeError:
        return None
    if not words or words[0] != "HEARTBEAT":
        return None
    fields = {}
    for word in words[1:]:
        if "=" not in word:
            return None
        key, value = word.split("=", 1)
        fields[key] = value
    for key in ("seq", "inc", "interval_ms"):
        if key in fields:
            try:
                fields[key] = int(fields[key])
            except ValueError:
                return None
    if "interval_ms" in fields and fields["interval_ms"] <= 0:
        return None
    return fields


def heartbeat(fields, addr, default_interval):
    where = f"{addr[0]}:{addr[1]}"
    name = fields.get("node") or where
    seq = fields.get("seq")
    inc = fields.get("inc")
    print(f"heartbeat from {name} ({where}) seq={seq if seq is not None else '-'}", flush=True)

    node = nodes.get(name)
    if node is None:
        node = {"state": None, "inc": inc, "seq": None}
        nodes[name] = node
    elif node["inc"] is None:
        node["inc"] = inc
    elif inc is not None and node["inc"] is not None and inc != node["inc"]:
        if inc < node["inc"]:
            return                      # a late datagram from an older run
        node["inc"], node["seq"] = inc, None   # the node restarted
    if seq is not None and node["seq"] is not None and seq <= node["seq"]:
        return                          # reordered or duplicated: ignore it
    if seq is not None:
        node["seq"] = seq
    node["last"] = time.monotonic()
    node["interval"] = fields.get("interval_ms", default_interval) / 1000

    if fields.get("leaving") == "1":
        say(name, "LEFT", " (said goodbye)")
    elif node["state"] != "ALIVE":
        say(name, "ALIVE")


def check_timers():
    now = time.monotonic()
    for name, node in nodes.items():
        if node["state"] not in ("ALIVE", "SUSPECT"):
            continue
        silence = now - node["last"]
        if silence >= 5 * node["interval"]:
            say(name, "DEAD", f" (silent for {silence:.1f} s)")
        elif silence >= 2 * node["interval"] and node["state"] == "ALIVE":
            say(name, "SUSPECT", f" (silent for {silence:.1f} s)")


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    if len(sys.argv) < 2:
        print("usage: udp_receiver.py PORT [INTERVAL_MS [HOST]]", file=sys.stderr)
        sys.exit(2)
    port = int(sys.argv[1])
    default_interval = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    host = sys.argv[3] if len(sys.argv) > 3 else HOST
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)     # even if started with SIGINT ignored (sh's &)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((host, port))
    print(f"listening on {host}:{sock.getsockname()[1]}", flush=True)
    try:
        while True:
            ready, _, _ = select.select([sock], [], [], CHECK_EVERY)
            if ready:
                data, addr = sock.recvfrom(65535)
                fields = parse(data)
                if fields is None:
                    print(f"malformed from {addr[0]}:{addr[1]}", flush=True)
                else:
                    heartbeat(fields, addr, default_interval)
            check_timers()
    except KeyboardInterrupt:
        pass
    sock.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
