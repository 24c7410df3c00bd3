"""Local listeners for the connection-policy tests: one that counts the connections it accepts
and never answers (a silent port), and a TCP forwarder (a proxy in front of a real server)."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Listener:
    """Accepts on 127.0.0.1:port (and [::1]:port when IPv6 works), counts, never replies."""

    port: int = 0
    accepted: int = 0
    _sockets: list[socket.socket] = field(default_factory=list)
    _held: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Listener:
        v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        v4.bind(("127.0.0.1", 0))
        self.port = v4.getsockname()[1]
        self._sockets.append(v4)
        with contextlib.suppress(OSError):
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.bind(("::1", self.port))
            self._sockets.append(v6)
        for s in self._sockets:
            s.listen(128)
            s.setblocking(False)
        threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        for s in self._sockets:
            selector.register(s, selectors.EVENT_READ)
        while not self._stop.is_set():
            for key, _ in selector.select(timeout=0.05):
                with contextlib.suppress(OSError):
                    conn, _addr = key.fileobj.accept()  # type: ignore[union-attr]
                    self.accepted += 1
                    self._held.append(conn)  # silent: hold it open, answer nothing

    def close(self) -> None:
        self._stop.set()
        for s in self._sockets + self._held:
            with contextlib.suppress(OSError):
                s.close()


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener().start()
    try:
        yield listener
    finally:
        listener.close()


@contextlib.contextmanager
def forwarder(target_port: int, target_host: str = "127.0.0.1") -> Iterator[int]:
    """127.0.0.1:<port> forwarding every connection to target_host:target_port."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()

    def pipe(a: socket.socket, b: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := a.recv(65536):
                b.sendall(data)
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def run() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            upstream = socket.create_connection((target_host, target_port))
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    threading.Thread(target=run, daemon=True).start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        server.close()
