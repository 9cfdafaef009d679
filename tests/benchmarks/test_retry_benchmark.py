"""The retry benchmark at a small size: it runs end to end and reports what it measured."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_it_retries_a_small_batch_and_reports_no_duplicate_writes():
    small = ["--items", "40", "--latency-ms", "1", "--concurrency", "4"]
    result = subprocess.run(
        [sys.executable, "benchmarks/retry.py", *small],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pushed:           40 of 40 items" in result.stdout
    assert "duplicate writes: 0" in result.stdout
    assert "items/s:" in result.stdout and "worker peak RSS:" in result.stdout
