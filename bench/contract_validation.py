"""Benchmark (not a test): what validating the clock-in body costs, before and after the API
contract (issue 10). The old home-made field library is loaded from git history (the commit
before it was removed); the new path is the pydantic model the punch handler declares.

    .venv/bin/python bench/contract_validation.py [--rounds 200000] [--old-ref d9c8075]

Prints microseconds per body for each and the ratio. The whole clock-in costs ~1,600 µs of server
CPU (docs/performance.md), so what matters is the absolute difference, not the ratio alone.
"""
import argparse
import json
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODY = {"lat": 39.9087, "lng": 116.3975, "accuracy": 20.0, "device_id": "dev-8c41f0",
        "wifi_bssid": "aa:bb:cc:dd:ee:ff", "qr_token": "", "reason": ""}


def old_validator(ref):
    source = subprocess.run(["git", "show", f"{ref}:server/validate.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    module = types.ModuleType("old_validate")
    exec(compile(source, "old_validate.py", "exec"), module.__dict__)
    v = module
    schema = {
        "lat": v.Float(min_value=-90, max_value=90), "lng": v.Float(min_value=-180, max_value=180),
        "accuracy": v.Float(min_value=0, max_value=100000),
        "wifi_bssid": v.Str(required=False, max_len=40, default=""),
        "qr_token": v.Str(required=False, max_len=200, default=""),
        "device_id": v.Str(max_len=80), "reason": v.Str(required=False, max_len=200, default=""),
    }
    return lambda raw: v.validate(json.loads(raw), schema)


def new_validator():
    from handlers.schemas.attendance import PunchCreate
    return lambda raw: PunchCreate.model_validate_json(raw).model_dump()


def per_call(fn, raw, rounds):
    for _ in range(1000):
        fn(raw)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(rounds // 5):
            fn(raw)
        best = min(best, (time.perf_counter() - t0) / (rounds // 5))
    return best * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200000)
    parser.add_argument("--old-ref", default="d9c8075")
    args = parser.parse_args()
    raw = json.dumps(BODY).encode()
    old = per_call(old_validator(args.old_ref), raw, args.rounds)
    new = per_call(new_validator(), raw, args.rounds)
    print(f"clock-in body, old (json.loads + server/validate.py): {old:6.2f} µs")
    print(f"clock-in body, new (pydantic model_validate_json):    {new:6.2f} µs")
    print(f"ratio new/old: {new / old:.2f}  (difference {new - old:+.2f} µs per clock-in)")


if __name__ == "__main__":
    main()
