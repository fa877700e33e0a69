"""Bundles encrypted to the recipient node with age (issue 15, transports; ADR 0014).

A node's Ed25519 signing key also gives it an age X25519 key pair (the birationally
equivalent Curve25519 key, as libsodium converts it), so that no second key is enrolled or
carried: a bundle for node N is encrypted to N's age recipient, computed from the public key
this node enrolled for N, and only N's key opens it. The signed bundle is encrypted whole,
so the signature is still checked after decryption; age authenticates the ciphertext, so a
changed byte is refused before anything is read."""

from __future__ import annotations

import nacl.bindings
import pyrage
from pyrage import x25519

from pssm.domain import syncformat as fmt
from pssm.domain.errors import gettext_noop

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= generator[i] if ((top >> i) & 1) else 0
    return chk


def _bech32(hrp: str, data: bytes) -> str:
    """Bech32 (BIP 173) of ``data`` under ``hrp``, as age writes its keys."""
    acc, bits, words = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            words.append((acc >> bits) & 31)
    if bits:
        words.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _polymod([*expanded, *words, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[w] for w in [*words, *checksum])


def recipient(public_key_hex: str) -> x25519.Recipient:
    """The age recipient of the node whose Ed25519 public key is ``public_key_hex``."""
    curve = nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(bytes.fromhex(public_key_hex))
    return x25519.Recipient.from_str(_bech32("age", curve))


def identity(seed_hex: str) -> x25519.Identity:
    """This node's age identity, from its Ed25519 seed."""
    public, secret = nacl.bindings.crypto_sign_seed_keypair(bytes.fromhex(seed_hex))
    curve = nacl.bindings.crypto_sign_ed25519_sk_to_curve25519(secret)
    return x25519.Identity.from_str(_bech32("age-secret-key-", curve).upper())


def seal(data: bytes, *, to_public_key: str) -> bytes:
    """``data`` (a bundle) encrypted to the node whose public key is ``to_public_key``."""
    return pyrage.encrypt(data, [recipient(to_public_key)])


def open_bundle(data: bytes, *, seed_hex: str | None) -> bytes:
    """The bundle itself: ``data`` as it is when not encrypted, else decrypted with this
    node's key; refused (nothing read) when it is meant for another node or damaged."""
    if not fmt.is_encrypted(data):
        return data
    if not seed_hex:
        raise fmt.BundleError(
            gettext_noop(
                "The bundle is encrypted for another node, or this node has no key to open it."
            ),
            code="bundle_encrypted",
        )
    try:
        return pyrage.decrypt(data, [identity(seed_hex)])
    except pyrage.DecryptError:
        raise fmt.BundleError(
            gettext_noop(
                "The bundle is encrypted for another node, or it was changed on the way: "
                "nothing was applied."
            ),
            code="bundle_encrypted",
        ) from None
