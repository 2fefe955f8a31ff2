#!/usr/bin/python3
"""Prefixes every line read on stdin with the epoch time (s, µs resolution) it arrived at; used for
`etcdctl watch` output, which has no timestamps of its own."""
import sys
import time

for line in sys.stdin:
    sys.stdout.write("%.6f %s" % (time.time(), line))
    sys.stdout.flush()
