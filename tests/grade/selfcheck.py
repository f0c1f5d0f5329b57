# selfcheck.py - runs the course programs and the flawed ones by hand-style
# checks (sockets on 127.0.0.1 only) and says, for each check, whether the
# program behaved as its kind should: the course version passes every check,
# each flawed version fails the check named after its mistake.
# usage: python3 tests/grade/selfcheck.py [WHICH...]   (tcp udp ipc threads; default all)
import os
import re
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COURSE = os.path.join(HERE, "course")
FLAWED = os.path.join(HERE, "flawed")
failures = 0


def report(ok, what):
    global failures
    print(("ok     " if ok else "FAILED ") + what, flush=True)
    if not ok:
        failures += 1


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(path, *args):
    return subprocess.Popen([sys.executable, path, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_port(port, proc, limit=5.0):
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def stop(proc, sig=signal.SIGTERM, limit=1.0):
    """Sends sig; returns the exit status, or None if it had to be killed."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def ask(port, payloads, want_lines, limit=2.0):
    """Sends each payload (one send() each), reads want_lines lines back."""
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
        for p in payloads:
            s.sendall(p)
            time.sleep(0.05)      # one payload per segment, as the course client does
        buf = b""
        try:
            while buf.count(b"\n") < want_lines:
                data = s.recv(4096)
                if not data:
                    break
                buf += data
        except socket.timeout:
            pass
        return buf.decode(errors="replace").split("\n")[:want_lines]


# ---- TCP server --------------------------------------------------------------
def tcp_server_checks(path):
    """Returns {check: passed} for one server program."""
    res = {}
    port = free_port()
    proc = start(path, port)
    if not wait_port(port, proc):
        stop(proc)
        return {"starts": False}
    try:
        res["lines"] = ask(port, [b"3\n", b"-4\n", b"12345678901234567890\n"], 3) == \
            ["9", "16", str(12345678901234567890 ** 2)]
        res["no newline"] = ask(port, [b"7", b"8"], 2) == ["49", "64"]
        res["pipelined"] = ask(port, [b"1\n2\n3\n"], 3) == ["1", "4", "9"]
        res["split line"] = ask(port, [b"5\n1", b"2\n"], 2) == ["25", "144"]
        out = ask(port, [b"abc\n"], 1)
        time.sleep(0.2)
        res["abc"] = out == ["ERR not an integer"] and proc.poll() is None and \
            ask(port, [b"4\n"], 1) == ["16"]
        if proc.poll() is None:
            # a first client stays connected; a second one must still be served
            first = socket.create_connection(("127.0.0.1", port), timeout=2)
            first.sendall(b"2\n")
            first.recv(100)
            try:
                res["concurrent"] = ask(port, [b"6\n"], 1, limit=1.0) == ["36"]
            except OSError:
                res["concurrent"] = False
            first.close()
    finally:
        t0 = time.monotonic()
        rc = stop(proc)
        res["SIGTERM exit 0 in 1 s"] = rc == 0 and time.monotonic() - t0 < 1.0
    proc = start(path, port)
    if wait_port(port, proc):
        res["SIGINT exit 0"] = stop(proc, signal.SIGINT) == 0
    else:
        stop(proc)
    return res


def check_tcp():
    course = tcp_server_checks(os.path.join(COURSE, "tcp_server.py"))
    report(all(course.values()), f"course/tcp_server.py passes every check {course}")
    for name, check in [("tcp_server_iterative.py", "concurrent"),
                        ("tcp_server_dies_on_abc.py", "abc"),
                        ("tcp_server_one_recv.py", "pipelined")]:
        res = tcp_server_checks(os.path.join(FLAWED, name))
        others = {k: v for k, v in res.items() if k != check and k in course}
        report(res.get(check) is False,
               f"flawed/{name} fails '{check}' (the others: {others})")

    # the client, against the course server, nothing, a silent server, a liar
    sport = free_port()
    server = start(os.path.join(COURSE, "tcp_server.py"), sport)
    wait_port(sport, server)
    for name in ("tcp_client.py", "tcp_client_hangs.py"):
        path = os.path.join(COURSE if name == "tcp_client.py" else FLAWED, name)
        r = subprocess.run([sys.executable, path, "127.0.0.1", str(sport)],
                           capture_output=True, text=True, timeout=10)
        want = "".join(f"square({i}) = {i * i}\n" for i in range(1, 11))
        report(r.returncode == 0 and r.stdout == want, f"{name}: 1..10 against the course server")
    r = subprocess.run([sys.executable, os.path.join(COURSE, "tcp_client.py"), "127.0.0.1",
                        str(sport), "5", "x"], capture_output=True, text=True, timeout=10)
    report(r.returncode == 1 and "square(x) = ERR not an integer" in r.stdout,
           "tcp_client.py: an ERR reply is printed as is, exit 1")
    stop(server)

    dead = free_port()
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, os.path.join(COURSE, "tcp_client.py"), "127.0.0.1",
                        str(dead)], capture_output=True, text=True, timeout=10)
    report(r.returncode == 1 and r.stderr and time.monotonic() - t0 < 2,
           f"tcp_client.py: nobody listening: exit 1, says {r.stderr.strip()!r}")

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, os.path.join(COURSE, "tcp_client.py"), "127.0.0.1",
                        str(silent.getsockname()[1])], capture_output=True, text=True, timeout=15)
    took = time.monotonic() - t0
    report(r.returncode == 1 and 4.5 < took < 7,
           f"tcp_client.py: a server that never answers: exit 1 after {took:.1f} s")

    liar = socket.socket()
    liar.bind(("127.0.0.1", 0))
    liar.listen(5)
    proc = start(os.path.join(COURSE, "tcp_client.py"), "127.0.0.1", liar.getsockname()[1], 3)
    conn, _ = liar.accept()
    conn.recv(100)
    conn.sendall(b"hello \xff\n")
    out, err = proc.communicate(timeout=10)
    conn.close()
    report(proc.returncode == 1 and out.startswith("square(3) = hello") and "Traceback" not in err,
           f"tcp_client.py: garbage reply printed, exit 1: {out.strip()!r}")

    hangs = os.path.join(FLAWED, "tcp_client_hangs.py")
    for what, port, wait in (("nobody listening", dead, 3), ("a silent server",
                             silent.getsockname()[1], 7)):
        proc = start(hangs, "127.0.0.1", port)
        time.sleep(wait)
        report(proc.poll() is None, f"flawed/tcp_client_hangs.py: {what}: still running after {wait} s")
        stop(proc, signal.SIGKILL)
    silent.close()
    liar.close()


# ---- UDP ---------------------------------------------------------------------
HB = re.compile(r"^HEARTBEAT v=1 node=(\S+) inc=(\d+) seq=(\d+) interval_ms=(\d+) sent_ms=(\d+)( leaving=1)?$")


def sender_checks(path):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    rx.settimeout(2)
    proc = start(path, "127.0.0.1", rx.getsockname()[1], 50, "n7")
    got = []
    try:
        while len(got) < 5:
            got.append(rx.recv(2000).decode())
    except socket.timeout:
        pass
    rc = stop(proc, signal.SIGINT)
    try:
        while True:
            rx.settimeout(0.3)
            got.append(rx.recv(2000).decode())
    except socket.timeout:
        pass
    rx.close()
    m = [HB.match(g) for g in got]
    res = {"format": len(got) >= 5 and all(m)}
    if res["format"]:
        seqs = [int(x.group(3)) for x in m]
        res["seq grows, one inc"] = seqs == sorted(set(seqs)) and len({x.group(2) for x in m}) == 1
    res["goodbye"] = bool(got) and got[-1].endswith(" leaving=1")
    res["SIGINT exit 0"] = rc == 0
    # nobody listening
    proc = start(path, "127.0.0.1", free_port(socket.SOCK_DGRAM), 20)
    time.sleep(0.5)
    res["no listener, no crash"] = proc.poll() is None
    stop(proc)
    return res, got[:1]


class Receiver:
    def __init__(self, path):
        self.port = free_port(socket.SOCK_DGRAM)
        self.proc = subprocess.Popen([sys.executable, path, str(self.port), "1000"],
                                     stdout=subprocess.PIPE)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.lines = []
        self.partial = b""
        self.tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.wait_for(r"^listening", 3)

    def send(self, text):
        self.tx.sendto(text if isinstance(text, bytes) else text.encode(), ("127.0.0.1", self.port))

    def read(self):
        try:
            self.partial += os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return
        *done, self.partial = self.partial.split(b"\n")
        self.lines += [line.decode(errors="replace") for line in done]

    def wait_for(self, pattern, limit):
        """Seconds until a line matches pattern, or None."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            self.read()
            if any(re.search(pattern, line) for line in self.lines):
                return time.monotonic() - t0
            time.sleep(0.01)
        return None

    def close(self):
        self.tx.close()
        return stop(self.proc, signal.SIGINT)


def receiver_checks(path):
    r = Receiver(path)
    res = {}
    r.send("HEARTBEAT v=1 node=a inc=1 seq=1 interval_ms=100 sent_ms=0")
    res["heartbeat line"] = r.wait_for(r"^heartbeat from a \(127\.0\.0\.1:\d+\) seq=1", 1) is not None
    res["ALIVE"] = r.wait_for(r"^a ALIVE", 1) is not None
    t = r.wait_for(r"^a SUSPECT", 2)
    res["SUSPECT after 2 intervals"] = t is not None and 0.15 < t < 0.4
    t2 = r.wait_for(r"^a DEAD", 2)
    res["DEAD after 5 intervals"] = t2 is not None and 0.4 < t + t2 < 0.75 if t else False
    for seq in (5, 6, 3, 6, 4):
        r.send(f"HEARTBEAT v=1 node=b inc=1 seq={seq} interval_ms=1000 sent_ms=0")
    r.send(b"\xff\xfe junk")
    res["malformed"] = r.wait_for(r"^malformed from 127\.0\.0\.1:\d+", 1) is not None
    time.sleep(0.2)
    r.read()
    res["reorder changes nothing"] = [l for l in r.lines if l.startswith("b ")] == ["b ALIVE"]
    r.send("HEARTBEAT v=1 node=b inc=1 seq=7 interval_ms=1000 sent_ms=0 leaving=1")
    res["LEFT"] = r.wait_for(r"^b LEFT", 1) is not None
    r.send("HEARTBEAT v=1 node=c")
    res["no seq is a heartbeat"] = r.wait_for(r"^c ALIVE", 1) is not None
    res["SIGINT exit 0"] = r.close() == 0
    return res


def check_udp():
    res, sample = sender_checks(os.path.join(COURSE, "udp_sender.py"))
    report(all(res.values()), f"course/udp_sender.py {res} {sample}")
    res, sample = sender_checks(os.path.join(FLAWED, "udp_sender_no_seq.py"))
    report(not res["format"] and not res["goodbye"], f"flawed/udp_sender_no_seq.py {res} {sample}")

    course = receiver_checks(os.path.join(COURSE, "udp_receiver.py"))
    report(all(course.values()), f"course/udp_receiver.py {course}")
    res = receiver_checks(os.path.join(FLAWED, "udp_receiver_never_dead.py"))
    report(not res["SUSPECT after 2 intervals"] and not res["DEAD after 5 intervals"],
           f"flawed/udp_receiver_never_dead.py {res}")
    res = receiver_checks(os.path.join(FLAWED, "udp_receiver_reorder_dead.py"))
    report(not res["reorder changes nothing"], f"flawed/udp_receiver_reorder_dead.py {res}")

    # the course sender and receiver together
    r = Receiver(os.path.join(COURSE, "udp_receiver.py"))
    s = start(os.path.join(COURSE, "udp_sender.py"), "127.0.0.1", r.port, 100, "pair")
    alive = r.wait_for(r"^pair ALIVE", 2)
    stop(s, signal.SIGINT)
    left = r.wait_for(r"^pair LEFT", 2)
    r.close()
    report(alive is not None and left is not None, "course sender -> course receiver: ALIVE, then LEFT on Ctrl-C")


# ---- processes and threads -----------------------------------------------------
def run(path, *args, limit=60):
    """Runs a program in a process group of its own; on timeout, kills the group."""
    proc = subprocess.Popen([sys.executable, path, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", None
    m = re.search(r"^sum = (\d+)$", out, re.M)
    return proc.returncode, int(m.group(1)) if m else None


def squares(n):
    return n * (n + 1) * (2 * n + 1) // 6


def check_ipc():
    for n in (0, 1, 10, 20000):
        rc, s = run(os.path.join(COURSE, "ipc.py"), n)
        report(rc == 0 and s == squares(n), f"course/ipc.py {n}: exit {rc}, sum {s}")
    rc, s = run(os.path.join(FLAWED, "ipc_open_pipe.py"), 10, limit=10)
    report(rc == "timeout", f"flawed/ipc_open_pipe.py 10: {rc} after 10 s")


def check_threads():
    for args in ((10,), (2000, 8), (20000, 8, 2), (100, 1, 1)):
        rc, s = run(os.path.join(COURSE, "threads.py"), *args)
        report(rc == 0 and s == squares(args[0]), f"course/threads.py {args}: exit {rc}, sum {s}")
    lost = 0
    for _ in range(20):
        rc, s = run(os.path.join(FLAWED, "threads_no_lock.py"), 2000, 8)
        lost += s != squares(2000)
    report(lost >= 15, f"flawed/threads_no_lock.py 2000 8: wrong sum in {lost} of 20 runs")
    rc, s = run(os.path.join(FLAWED, "threads_no_close.py"), 10, limit=10)
    report(rc == "timeout", f"flawed/threads_no_close.py 10: {rc} after 10 s")


def main():
    which = sys.argv[1:] or ["tcp", "udp", "ipc", "threads"]
    for w in which:
        {"tcp": check_tcp, "udp": check_udp, "ipc": check_ipc, "threads": check_threads}[w]()
    print(f"{failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
