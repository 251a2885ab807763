"""Shared helpers for the Python peer scripts (our own code driving ligo-gracedb's public API).

Configuration comes from the environment:
  GK_BOOTSTRAP_SERVERS  SASL_SSL bootstrap servers of the test broker ("localhost:PORT")
  GK_CA_CERT_PATH       PEM of the test CA
  GK_SERVICE_URL        GraceDB service URL; the instance name is derived from it
  BEARER_TOKEN_FILE     the SciToken (WLCG bearer token discovery)
  GK_ISSUER_JWKS        optional: the test issuer's public JWKS (JSON). The test issuer's `iss` is not a
                        reachable URL, so the scitokens library cannot download its keys; we put them into
                        scitokens' own key cache (under $XDG_CACHE_HOME) instead, exactly as a download would.
                        Signatures are then verified for real.
  GK_PY_COMPRESSION     optional: the producer's compression.type (the reference's default is zstd, which
                        kafkajs cannot decompress; see README.md). Unset = the reference's default.
Everything a script prints on stdout is JSON (one document per line).
"""

import base64
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from peer_keys import env, seed_issuer_keys  # noqa: E402,F401  (scripts/peer_keys.py, shared with the bench)


def to_json(obj):
    """JSON-safe copy of a reference result: bytes become {"$bytes": base64}, tuples become lists."""
    if isinstance(obj, bytes):
        return {"$bytes": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json(v) for v in obj]
    return obj


def from_json(obj):
    """Inverse of to_json for inputs: {"$bytes": base64} becomes bytes."""
    if isinstance(obj, dict):
        if set(obj) == {"$bytes"}:
            return base64.b64decode(obj["$bytes"])
        return {k: from_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [from_json(v) for v in obj]
    return obj


# The test issuer's public keys into the scitokens key cache (see GK_ISSUER_JWKS above).
seed_issuer_keys("GK_ISSUER_JWKS", "GK_ISSUER", cache_timer=3600)


def emit(obj):
    sys.stdout.write(json.dumps(to_json(obj)) + "\n")
    sys.stdout.flush()


def producer_options():
    options = dict(
        bootstrap_servers=env("GK_BOOTSTRAP_SERVERS"),
        service_url=env("GK_SERVICE_URL"),
        ca_cert_path=env("GK_CA_CERT_PATH"),
    )
    if os.environ.get("GK_PY_COMPRESSION"):
        options["compression.type"] = os.environ["GK_PY_COMPRESSION"]  # passed on as **kafka_config
    return options
