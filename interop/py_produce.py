"""Produce messages with ligo-gracedb's GraceDbKafkaProducer.

stdin: a JSON list of {"topic", "value", "key"?, "headers"?}; a value of {"$bytes": base64} is sent as bytes,
any other JSON object as a dict, a JSON string as str. stdout: one delivery report per message, in order.
"""

import json
import sys

from ligo.gracedb.kafka.producer import GraceDbKafkaProducer

from peer_common import emit, from_json, producer_options

messages = from_json(json.load(sys.stdin))
producer = GraceDbKafkaProducer(**producer_options())
reports = [None] * len(messages)


def on_delivery(i):
    def report(err, msg):
        reports[i] = {"error": str(err)} if err else {
            "topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
        }
    return report


for i, m in enumerate(messages):
    producer.produce(m["value"], topic=m["topic"], key=m.get("key"), headers=m.get("headers"),
                     on_delivery=on_delivery(i))
remaining = producer.flush(timeout=20, strict=True)
producer.close()
for r in reports:
    emit(r)
sys.exit(0 if remaining == 0 and all(r and "error" not in r for r in reports) else 1)
