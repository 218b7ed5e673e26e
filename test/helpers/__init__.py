"""Helpers of Jib's pytest harness: processes (jibd, Envoy), backends, config dirs, polling.

Everything here uses only the standard library, except where noted, so that scripts/demo.sh
can run the same code (backend.py and envoy.py are runnable as scripts).
"""
