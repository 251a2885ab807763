"""Producer throughput of the reference's GraceDbKafkaProducer, as a pipeline uses it.

argv: TOPIC COUNT COMPRESSION [idempotent]   (COMPRESSION "default" keeps the reference's own zstd; otherwise it is passed
as compression.type, the way a caller overrides librdkafka settings through **kafka_config).
Guaranteed delivery (the reference's default: acks=all, retries). A warm-up of 1,000 messages is produced and
flushed first; then COUNT dicts are produced (produce() serializes with json.dumps) and flushed, all inside
this process. stdout: {"messages", "seconds", "rate", "remaining", "cpu"} (cpu: the process's CPU seconds, all threads,
during the timed part).
"""

import resource
import sys
import time

from ligo.gracedb.kafka.producer import GraceDbKafkaProducer

from bench_common import connection, event, result

topic, count, compression = sys.argv[1], int(sys.argv[2]), sys.argv[3]
extra = {} if compression == "default" else {"compression.type": compression}
if len(sys.argv) > 4 and sys.argv[4] == "idempotent":
    extra["enable.idempotence"] = True  # what our producer and raw kafkajs do under guaranteed delivery
producer = GraceDbKafkaProducer(topic=topic, **connection(), **extra)
try:
    for i in range(1000):
        producer.produce(event(-1 - i))
    producer.flush(timeout=60, strict=True)
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for i in range(count):
        producer.produce(event(i))
    remaining = producer.flush(timeout=300, strict=True)
    seconds = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
finally:
    producer.close()
result({"messages": count, "seconds": seconds, "rate": count / seconds, "remaining": remaining, "cpu": cpu})
sys.exit(0 if remaining == 0 else 1)
