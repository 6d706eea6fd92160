"""``make bench``: the mock beside Stoplight Prism, WireMock and a bare Starlette app, and at scale.

Everything runs on loopback, one server at a time, under the same bounded ``wrk`` load; the
figures are printed, never asserted (they depend on the machine). ``benchmarks/README.md`` holds
the last run's figures and says how to read them.
"""
