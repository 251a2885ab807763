"""Consume with ligo-gracedb's GraceDbKafkaConsumer and print each message dict as one JSON line.

argv: TOPIC COUNT [TIMEOUT_SECONDS]. Reads from the beginning with a fresh group; bytes values/keys are
printed as {"$bytes": base64}. Exits 0 once COUNT messages were printed, 3 on timeout.
"""

import sys
import time

from ligo.gracedb.kafka.consumer import GraceDbKafkaConsumer

from peer_common import emit, env

topic, count = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + (float(sys.argv[3]) if len(sys.argv) > 3 else 30)
consumer = GraceDbKafkaConsumer(
    bootstrap_servers=env("GK_BOOTSTRAP_SERVERS"),
    service_url=env("GK_SERVICE_URL"),
    ca_cert_path=env("GK_CA_CERT_PATH"),
    auto_offset_reset="earliest",
    topics=topic,
)
seen = 0
try:
    while seen < count and time.monotonic() < deadline:
        msg = consumer.poll(timeout=0.5)
        if msg is not None:
            emit(msg)
            seen += 1
finally:
    consumer.close()
sys.exit(0 if seen == count else 3)
