"""A round-robin TCP load balancer for tests: one address in front of several API processes.

Connection-level balancing, like a TCP-mode HAProxy: each new client connection goes to the next
backend, from the client's own (loopback) address, so the backends see who the client is.
(A real deployment puts nginx or HAProxy here; see docs/deployment.md.)
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading


def listening_socket() -> socket.socket:
    """A loopback socket bound to a free port now, held until the balancer serves on it: a port
    only probed would be free for anyone until then (and the deployment's settings name it)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    return listener


class RoundRobinBalancer:
    def __init__(self, listener: socket.socket, backends: list[int]) -> None:
        self.listener = listener
        self.listen_port = int(listener.getsockname()[1])
        self.backends = backends
        self._cycle = itertools.cycle(backends)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="balancer")
        self.connections = 0

    def start(self) -> RoundRobinBalancer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("balancer did not start")
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        self._loop.close()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, sock=self.listener)
        )
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        # Connect from the client's own loopback address (127.0.0.0/8 is all ours), so that
        # the API processes see each client's address, as behind a proxy sending X-Forwarded-For.
        client_host = writer.get_extra_info("peername")[0]
        try:
            up_reader, up_writer = await asyncio.open_connection(
                "127.0.0.1", next(self._cycle), local_addr=(client_host, 0)
            )
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            _pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True
        )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(256 * 1024):
            writer.write(chunk)
            await writer.drain()
    finally:
        writer.close()
