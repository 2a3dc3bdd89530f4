"""Times one `fsstudio listen run ... --json` (bench_listen.sh): from its
start to the "delivered" event of the chunk that ends at seq END, read as
the events come (no polling); then stops it with SIGTERM.

    listen_timed.py END COMMAND...   prints: MS CHUNKS SECONDS_IN_COMMANDS
"""
import json
import signal
import subprocess
import sys
import time

end = sys.argv[1]
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:] + ["--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
chunks, inside, ms = 0, 0.0, -1
for line in p.stdout:
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if ev.get("event") != "delivered":
        continue
    chunks += 1
    inside += ev.get("seconds", 0)
    if str(ev.get("seq")) == end:
        ms = (time.monotonic() - t0) * 1000
        break
p.send_signal(signal.SIGTERM)
p.stdout.close()
p.wait()
print("%.0f %d %.0f" % (ms, chunks, inside * 1000))
