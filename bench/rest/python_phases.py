"""The reference's createEvent over Kafka, phase by phase (started by bench/rest/python-phases.ts).

argv: SERVICE_URL FILE COUNT WARMUP. As bench/peers/python/create_event.py, with timestamps around the HTTP
request (requests' Session.send) and the producer's produce() and flush(), and the process's CPU time per call
(librdkafka's threads included). stdout: {"total": [...], "cpu": [...], "phases": {name: [...]}} in ms.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers", "python"))

import requests  # noqa: E402
from ligo.gracedb.kafka.producer import GraceDbKafkaProducer  # noqa: E402
from ligo.gracedb.rest import GraceDb  # noqa: E402

from bench_common import env, result  # noqa: E402

marks = []


def wrap(owner, name, label):
    real = getattr(owner, name)

    def timed(*args, **kwargs):
        marks.append((f"{label}:start", time.perf_counter()))
        try:
            return real(*args, **kwargs)
        finally:
            marks.append((f"{label}:done", time.perf_counter()))

    setattr(owner, name, timed)


wrap(requests.Session, "send", "http")
wrap(GraceDbKafkaProducer, "produce", "produce")
wrap(GraceDbKafkaProducer, "flush", "flush")

service_url, path, count, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
client = GraceDb(service_url=service_url, api_version="v2")
producer = GraceDbKafkaProducer(
    bootstrap_servers=env("BP_BOOTSTRAP_SERVERS"), ca_cert_path=env("BP_CA_CERT_PATH"), service_url=service_url,
)
total, cpu, phases = [], [], {}
gap = float(os.environ.get("PHASES_GAP_MS", "0")) / 1000  # idle time before each call
try:
    for i in range(warmup + count):
        if gap > 0:
            time.sleep(gap)
        marks.clear()
        c0 = time.process_time()
        t0 = time.perf_counter()
        marks.append(("call:start", t0))
        response = client.create_event("CBC", "gstlal", path, kafka=producer)
        t1 = time.perf_counter()
        marks.append(("call:done", t1))
        c1 = time.process_time()
        if not response.json().get("graceid"):
            sys.exit("no graceid in the reservation")
        if i < warmup:
            continue
        total.append((t1 - t0) * 1000)
        cpu.append((c1 - c0) * 1000)
        for (a, ta), (b, tb) in zip(marks, marks[1:]):
            phases.setdefault(f"{a} -> {b}", []).append((tb - ta) * 1000)
finally:
    producer.close()
result({"total": total, "cpu": cpu, "phases": phases})
