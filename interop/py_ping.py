"""Ping with ligo-gracedb's GraceDbKafkaProducer; print its result dict. argv: [TOPIC]."""

import sys

from ligo.gracedb.kafka.producer import GraceDbKafkaProducer

from peer_common import emit, producer_options

producer = GraceDbKafkaProducer(**producer_options())
emit(producer.ping(topic=sys.argv[1] if len(sys.argv) > 1 else None, timeout=20))
producer.close()
