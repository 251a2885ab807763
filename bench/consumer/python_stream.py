"""The Python reference's consumer for the consumer benchmarks (run with the project's venv).

throughput: read `count` messages with GraceDbKafkaConsumer.stream() from the earliest offset with a fresh
group; print {"ms": first message -> last} as JSON.
latency: read `count` messages from 'latest' and print {"samples": [receive wall ms - value.sentAtWall]}.
In latency mode it prints "ready" one second after its partitions were assigned (the 'latest' offset lookup),
so that the producer can start; SIGTERM ends stream() cleanly and the samples so far are printed.

  python bench/consumer/python_stream.py MODE BOOTSTRAP INSTANCE TOPIC CA GROUP COUNT
"""
import json
import sys
import time

from ligo.gracedb.kafka.consumer import GraceDbKafkaConsumer

mode, bootstrap, instance, topic, ca, group, count = sys.argv[1:8]
count = int(count)
consumer = GraceDbKafkaConsumer(
    bootstrap, topics=topic, instance_name=instance, ca_cert_path=ca, group_id=group,
    auto_offset_reset='earliest' if mode == 'throughput' else 'latest',
)
if mode == 'latency':
    # wait for the assignment (as our subscribe() does) before telling the producer to start
    while not consumer.consumer.assignment():
        consumer.consumer.poll(0.05)
    # librdkafka looks up the 'latest' offset after the assignment; give it a second (nothing is produced yet,
    # so no message is lost here)
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        consumer.consumer.poll(0.05)
    print('ready', flush=True)
seen = 0
t0 = 0.0
sink = 0
samples = []
for msg in consumer.stream(timeout=1.0):
    if mode == 'throughput':
        if seen == 0:
            t0 = time.perf_counter()
        sink += msg['value']['n']
    else:
        samples.append(time.time() * 1000 - msg['value']['sentAtWall'])
    seen += 1
    if seen == count:
        break
elapsed = (time.perf_counter() - t0) * 1000
consumer.close()
print(json.dumps({'ms': elapsed} if mode == 'throughput' else {'samples': samples}), flush=True)
