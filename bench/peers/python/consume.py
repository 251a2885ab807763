"""Consumer throughput of the reference's GraceDbKafkaConsumer.stream() over a pre-produced topic.

argv: TOPIC COUNT GROUP. Reads from the earliest offset with a fresh group; the clock runs from the first
message to the COUNT-th, so the group join is not counted (as for every consumer contender).
stdout: {"messages", "seconds", "rate"}.
"""

import sys
import time

from ligo.gracedb.kafka.consumer import GraceDbKafkaConsumer

from bench_common import connection, result

topic, count, group = sys.argv[1], int(sys.argv[2]), sys.argv[3]
consumer = GraceDbKafkaConsumer(topics=topic, group_id=group, auto_offset_reset="earliest", **connection())
seen = 0
t0 = None
sink = 0
try:
    for msg in consumer.stream(timeout=1.0):
        if t0 is None:
            t0 = time.perf_counter()
        sink += msg["value"]["seq"]
        seen += 1
        if seen == count:
            break
    seconds = time.perf_counter() - t0
finally:
    consumer.close()
result({"messages": seen, "seconds": seconds, "rate": seen / seconds})
