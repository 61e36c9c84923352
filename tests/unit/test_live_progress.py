"""A build's progress events reach the preview whole, from the build's child and its own
child writing to the one pipe at once (``live.progress``)."""

from __future__ import annotations

from exporter import progress
from exporter.guard import isolate
from exporter.guard.policy import Policy
from exporter.live.progress import relayed

SIZE = 200_000  # far above the pipe's atomic write size (4 KiB on Linux)


def _tell_many(who: str) -> None:
    for number in range(20):
        progress.tell("chunk", who=who, number=number, data=who.encode() * SIZE)


def test_events_from_two_processes_arrive_whole():
    got: list[tuple[str, int, bytes]] = []
    policy = Policy(isolate=True, timeout=60)

    def build() -> None:
        beside = isolate.start(lambda: _tell_many("b"), policy)  # the child's own child
        _tell_many("a")
        beside.result()

    with relayed(lambda event, data: got.append((data["who"], data["number"], data["data"]))):
        isolate.run(build, policy)
    assert sorted((who, number) for who, number, _ in got) == sorted(
        (who, number) for who in "ab" for number in range(20)
    )
    assert all(data == who.encode() * SIZE for who, _, data in got)
