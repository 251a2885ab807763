"""End-to-end latency produce -> stream() with the reference's own producer and consumer in one process.

argv: TOPIC COUNT RATE. The consumer subscribes to a fresh topic from the earliest offset; a producer
thread sends warm-up messages until the consumer has one (so the group join is not measured), then COUNT
messages at RATE per second, each carrying its send time (time.perf_counter, the same clock as the receiver).
stdout: {"samples": [latency ms, ...], "sent": COUNT}.
"""

import sys
import threading
import time

from ligo.gracedb.kafka.consumer import GraceDbKafkaConsumer
from ligo.gracedb.kafka.producer import GraceDbKafkaProducer

from bench_common import connection, pad_of, result

topic, count, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
producer = GraceDbKafkaProducer(topic=topic, **connection())
consumer = GraceDbKafkaConsumer(topics=topic, auto_offset_reset="earliest", **connection())
warmed = threading.Event()
samples = []


def send():
    while not warmed.is_set():
        producer.produce({"warmup": True, "pad": pad_of(0)})
        producer.flush(timeout=10)
        warmed.wait(0.2)
    start = time.perf_counter()
    for i in range(count):
        wait = start + i / rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        producer.produce({"i": i, "sent_at": time.perf_counter(), "pad": pad_of(i)})
    producer.flush(timeout=30)


sender = threading.Thread(target=send, daemon=True)
sender.start()
deadline = time.monotonic() + 60 + count / rate
try:
    for msg in consumer.stream(timeout=0.5):
        value = msg["value"]
        if "sent_at" in value:
            samples.append((time.perf_counter() - value["sent_at"]) * 1000)
            if len(samples) == count:
                break
        else:
            warmed.set()
        if time.monotonic() > deadline:
            break
finally:
    warmed.set()
    sender.join(timeout=40)
    consumer.close()
    producer.close()
result({"samples": samples, "sent": count})
