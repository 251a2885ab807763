"""Python helpers shared by the two sets of scripts that drive ligo-gracedb as a peer: the interoperability
tests (interop/peer_common.py) and the bench (bench/peers/python/bench_common.py). It lives in scripts/ so that
neither of those depends on the other; each puts this directory on sys.path.
"""

import json
import os
import sys


def env(name):
    """The environment variable `name`; exits with a message naming it when it is unset or empty."""
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{sys.argv[0]}: environment variable {name} is required")
    return value


def seed_issuer_keys(jwks_var, issuer_var, cache_timer):
    """Add the test issuer's public keys (the JWKS JSON in $jwks_var, issuer URL in $issuer_var) to the
    scitokens key cache (under $XDG_CACHE_HOME), as a download would put them: the testkit issuer's `iss` is
    not a reachable URL. The reference then verifies token signatures for real. Nothing when $jwks_var is unset.
    """
    raw = os.environ.get(jwks_var)
    if not raw:
        return
    from jwt.algorithms import ECAlgorithm, RSAAlgorithm
    from scitokens.utils.keycache import KeyCache

    cache = KeyCache.getinstance()
    for jwk in json.loads(raw)["keys"]:
        algorithm = ECAlgorithm if jwk["kty"] == "EC" else RSAAlgorithm
        cache.addkeyinfo(env(issuer_var), jwk["kid"], algorithm.from_jwk(json.dumps(jwk)), cache_timer=cache_timer)
