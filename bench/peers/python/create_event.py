"""createEvent over Kafka with the reference: GraceDb.create_event(..., kafka=producer) against the stand-in.

argv: SERVICE_URL FILE COUNT WARMUP. One client and one producer for all calls (as a pipeline keeps them);
each call reserves a graceid over HTTP and produces the upload message, and is timed on its own.
stdout: {"samples": [ms, ...]} (warm-up calls excluded).
"""

import sys
import time

from ligo.gracedb.kafka.producer import GraceDbKafkaProducer
from ligo.gracedb.rest import GraceDb

from bench_common import env, result

service_url, path, count, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
client = GraceDb(service_url=service_url, api_version="v2")
producer = GraceDbKafkaProducer(
    bootstrap_servers=env("BP_BOOTSTRAP_SERVERS"), ca_cert_path=env("BP_CA_CERT_PATH"), service_url=service_url,
)
samples = []
try:
    for i in range(warmup + count):
        t0 = time.perf_counter()
        response = client.create_event("CBC", "gstlal", path, kafka=producer)
        dt = (time.perf_counter() - t0) * 1000
        if not response.json().get("graceid"):
            sys.exit("no graceid in the reservation")
        if i >= warmup:
            samples.append(dt)
finally:
    producer.close()
result({"samples": samples})
