"""Python reference producer throughput (ligo-gracedb 2.16.1, librdkafka): N x 1 KiB JSON, then flush().

    .venv/bin/python bench/producer/python-producer.py BOOTSTRAP CA TOPIC COUNT COMPRESSION

Prints one JSON line {"rate": msgs_per_s}. Run by bench/producer/matrix.ts; the token comes from
$BEARER_TOKEN_FILE and the topic (instance "bench") must exist.
"""
import json
import sys
import time

from ligo.gracedb.kafka import GraceDbKafkaProducer

bootstrap, ca, topic, count, compression = sys.argv[1:6]
count = int(count)
pad = 'x' * (1024 - len(json.dumps({"seq": 0, "graceid": "G000000", "pad": ""}, separators=(',', ':'))) - 6)
extra = {} if compression == 'default' else {'compression.type': compression}
producer = GraceDbKafkaProducer(bootstrap, topic=topic, instance_name='bench', ca_cert_path=ca, **extra)
for i in range(1000):
    producer.produce({"seq": -i, "graceid": "G%06d" % i, "pad": pad})
producer.flush()
failed = []
t0 = time.perf_counter()
for i in range(count):
    producer.produce({"seq": i, "graceid": "G%06d" % i, "pad": pad},
                     on_delivery=lambda err, msg: err is not None and failed.append(err))
left = producer.flush()
elapsed = time.perf_counter() - t0
if left:
    raise SystemExit(f"{left} messages left")
if failed:
    raise SystemExit(f"{len(failed)} messages failed, e.g. {failed[0]}")

producer.close()
print(json.dumps({"rate": count / elapsed}))
