#!/usr/bin/env python3
"""Writes the signed-note vectors under vectors/ that no published source has.

Run by hand (not by the tests): python3 tests/web/make_vectors.py. Signatures
are made by the OpenSSL command line, an implementation independent of both
WebCrypto and our C++, from fixed seeds, so the output is reproducible
(Ed25519 signing is deterministic):

- tessera-checkpoint.cosigned: Tessera's published checkpoint of size 15
  (tests/testdata/tessera-log/checkpoint) with a C2SP tlog-cosignature
  `cosignature/v1` line by the witness key below, at time 1700000000.
- tessera-checkpoint.impostor: the same checkpoint text signed by a key that
  has the log's name but not its key (an "unknown key").
- keys.json: the verifier keys (name+id+base64(type||key)).
"""
import base64
import hashlib
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT = os.path.join(HERE, "..", "testdata", "tessera-log", "checkpoint")
PKCS8_ED25519_PREFIX = bytes.fromhex("302e020100300506032b657004220420")


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True,
                          capture_output=True).stdout


def keypair(seed):
    with tempfile.NamedTemporaryFile(suffix=".der", delete=False) as f:
        f.write(PKCS8_ED25519_PREFIX + seed)
        path = f.name
    public = openssl("pkey", "-inform", "DER", "-in", path, "-pubout",
                     "-outform", "DER")[-32:]
    return path, public


def sign(key_path, message):
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(message)
        msg_path = f.name
    sig = openssl("pkeyutl", "-sign", "-inkey", key_path, "-keyform", "DER",
                  "-rawin", "-in", msg_path)
    os.unlink(msg_path)
    assert len(sig) == 64
    return sig


def key_id(name, key_type, public):
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) +
                          public).digest()[:4]


def vkey(name, key_type, public):
    return "%s+%s+%s" % (name, key_id(name, key_type, public).hex(),
                         base64.b64encode(bytes([key_type]) + public).decode())


def main():
    note = open(CHECKPOINT, "rb").read()
    body = note[:note.rindex(b"\n\n") + 1]

    witness = "witness.example/w1"
    w_path, w_pub = keypair(hashlib.sha256(b"compact-ledger web witness 1").digest())
    timestamp = 1700000000
    message = b"cosignature/v1\ntime %d\n" % timestamp + body
    cosig = key_id(witness, 4, w_pub) + timestamp.to_bytes(8, "big") + sign(w_path, message)
    cosigned = note + ("\u2014 %s %s\n" % (witness, base64.b64encode(cosig).decode())).encode()

    origin = body.split(b"\n")[0].decode()
    i_path, i_pub = keypair(hashlib.sha256(b"compact-ledger web impostor").digest())
    sig = key_id(origin, 1, i_pub) + sign(i_path, body)
    impostor = body + ("\n\u2014 %s %s\n" % (origin, base64.b64encode(sig).decode())).encode()

    out = os.path.join(HERE, "vectors")
    open(os.path.join(out, "tessera-checkpoint.cosigned"), "wb").write(cosigned)
    open(os.path.join(out, "tessera-checkpoint.impostor"), "wb").write(impostor)
    keys = {
        "witness": vkey(witness, 4, w_pub),
        "witness_timestamp": timestamp,
        "impostor": vkey(origin, 1, i_pub),
    }
    open(os.path.join(out, "keys.json"), "w").write(json.dumps(keys, indent=2) + "\n")
    os.unlink(w_path)
    os.unlink(i_path)


if __name__ == "__main__":
    main()
