"""What a typo-tolerant directory search costs, as a ratio against a plain substring filter.

    .venv/bin/python bench/directory.py                 # 5,000 generated names
    .venv/bin/python bench/directory.py --names 20000

Both run in this process over the same list of names: the baseline keeps the names that
contain the search, case-insensitively (what `LIKE '%...%'` does); the fuzzy search is
`engine.runtime.fuzzy.rank`. Each search is timed turn by turn, median of repeats.
"Warm" is the steady state of the web process, where each name's words are cached from
earlier requests; "cold" clears that cache before every turn (the first request).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.runtime import fuzzy  # noqa: E402

PLACES = (
    "Big Sky,Treasure State,Flathead Valley,Missoula,Bozeman,Helena,Billings,Butte,Glacier,"
    "Yellowstone,Bitterroot,Gallatin,Beartooth,Kalispell,Havre,Lewistown,Miles City,Great Falls"
).split(",")
SUBJECTS = (
    "Teacher,Literacy,STEM,Mathematics,Science,Leadership,Reading,Early Childhood,"
    "Special Education,Arts,Music,Coaching,Indian Education for All,Counseling,Technology"
).split(",")
KINDS = (
    "Academy,Learning Cooperative,Institute,Center,Schools,Consortium,Network,Collaborative,"
    "Association,Foundation,University,College,School District,Partners LLC,Inc."
).split(",")
SEARCHES = (
    "Big Sky Teachr Acadmy",
    "treasure state cooperative",
    "flathed valley",
    "RUP-0002",
    "leadership",
    "xylophone",
)


def generate(count: int, seed: int = 7) -> tuple[list[str], list[str]]:
    """Return `count` provider-like names and their numbers; a third carry a made-up word."""
    rng = random.Random(seed)
    names = []
    for i in range(count):
        parts = [rng.choice(PLACES), rng.choice(SUBJECTS), rng.choice(KINDS)]
        if i % 3 == 0:
            # Surnames and local names make the vocabulary large, as in a real list.
            made_up = "".join(
                rng.choice("abcdefghijklmnoprstuvwy") for _ in range(rng.randint(4, 9))
            )
            parts.insert(0, made_up.title())
        names.append(" ".join(parts))
    return names, [f"RUP-{i + 1:04d}" for i in range(count)]


def median_seconds(work: Callable[[], object], repeats: int, before: Callable[[], object]) -> float:
    """Time `work` `repeats` times (calling `before` untimed first); return the median."""
    turns = []
    for _ in range(repeats):
        before()
        start = time.perf_counter()
        work()
        turns.append(time.perf_counter() - start)
    return statistics.median(turns)


def main() -> None:
    """Print per-search timings and the ratio fuzzy / substring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    names, numbers = generate(args.names)

    def plain(query: str) -> list[int]:
        wanted = query.lower()
        return [
            i for i, n in enumerate(names) if wanted in n.lower() or wanted in numbers[i].lower()
        ]

    fuzzy.rank("warm up", names, numbers)
    print(f"{args.names} names, median of {args.repeats} turns per search")
    print(
        f"{'search':32} {'substring':>10} {'fuzzy warm':>11} {'fuzzy cold':>11} {'ratio':>7} found"
    )
    ratios = []
    for query in SEARCHES:
        base = median_seconds(lambda q=query: plain(q), args.repeats, lambda: None)
        warm = median_seconds(
            lambda q=query: fuzzy.rank(q, names, numbers), args.repeats, lambda: None
        )
        cold = median_seconds(
            lambda q=query: fuzzy.rank(q, names, numbers),
            max(3, args.repeats // 5),
            fuzzy.clear_cache,
        )
        found = len(fuzzy.rank(query, names, numbers))
        ratios.append(warm / base)
        print(
            f"{query:32} {base * 1000:8.2f}ms {warm * 1000:9.2f}ms {cold * 1000:9.2f}ms "
            f"{warm / base:6.1f}x {found} (substring {len(plain(query))})"
        )
    print(f"median ratio, warm: {statistics.median(ratios):.1f}x the substring filter")


if __name__ == "__main__":
    main()
