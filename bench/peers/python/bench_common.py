"""Shared set-up for the Python side of `npm run bench:peers` (ligo-gracedb 2.16.1 driven through its public API).

Environment (set by bench/peers/python-peer.ts):
  BP_BOOTSTRAP_SERVERS  SASL_SSL bootstrap servers of the bench broker
  BP_CA_CERT_PATH       PEM of the testkit CA
  BP_INSTANCE           instance name used for topic namespacing ("<instance>.<topic>")
  BP_PADS_FILE          JSON array of the paddings (random hex, 10,007 of them) of the bench's messages, the same as Node's
  BP_ISSUER, BP_ISSUER_JWKS
                        the testkit issuer and its public JWKS: its `iss` is not a reachable URL, so the keys
                        go into the scitokens key cache (under $XDG_CACHE_HOME), as a download would put them;
                        the reference then verifies the token's signature for real.
  BEARER_TOKEN_FILE     the token, found by the reference's own WLCG discovery.
Each script prints exactly one JSON document on stdout: its result.
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
from peer_keys import env, seed_issuer_keys  # noqa: E402  (scripts/peer_keys.py, shared with interop/)

seed_issuer_keys("BP_ISSUER_JWKS", "BP_ISSUER", cache_timer=7200)


def connection():
    """Keyword arguments every reference client of the bench gets."""
    return dict(
        bootstrap_servers=env("BP_BOOTSTRAP_SERVERS"),
        ca_cert_path=env("BP_CA_CERT_PATH"),
        instance_name=env("BP_INSTANCE"),
    )


_PADS = None


def pad_of(i):
    """The padding of message i, as bench/peers/setup.ts's padOf."""
    global _PADS
    if _PADS is None:
        with open(env("BP_PADS_FILE")) as f:
            _PADS = json.load(f)
    return _PADS[abs(i) % len(_PADS)]


def event(seq):
    """The bench's 1 KiB JSON message, the same dict the Node contenders send."""
    return {"seq": seq, "graceid": "G%06d" % seq, "pad": pad_of(seq)}


def result(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
