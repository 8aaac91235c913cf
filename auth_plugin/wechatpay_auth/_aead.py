"""The AEAD of notification resources: ``AEAD_AES_256_GCM`` and ``AEAD_SM4_GCM``.

Pure functions over bytes: the APIv3 key, the 12-byte nonce, the ciphertext with its 16-byte GCM tag at the end
(RFC 5116 layout, as ``resource.ciphertext`` carries it), the associated data (empty when absent).
"""

from __future__ import annotations

from collections.abc import Callable

import cryptography
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wechatpay_auth._errors import (
    ConfigurationError,
    DecryptionError,
    MalformedNotificationError,
    UnsupportedAlgorithmError,
)
from wechatpay_auth._shown import shown

__all__ = [
    "AEAD_AES_256_GCM",
    "AEAD_SM4_GCM",
    "ALGORITHMS",
    "NONCE_BYTES",
    "TAG_BYTES",
    "aead_decrypt",
    "aead_encrypt",
    "require_algorithm",
    "sm4_key",
]

AEAD_AES_256_GCM = "AEAD_AES_256_GCM"
AEAD_SM4_GCM = "AEAD_SM4_GCM"
ALGORITHMS = (AEAD_AES_256_GCM, AEAD_SM4_GCM)
NONCE_BYTES = 12
TAG_BYTES = 16
_SM4_KEY_BYTES = 16
_AES_KEY_BYTES = frozenset({16, 24, 32})

Cipherer = Callable[[bytes, bytes, bytes, bytes], bytes]


def sm4_key(apiv3_key: bytes) -> bytes:
    """Protocol rule (国密): the SM4 key is the first 128 bits of the SM3 digest of the APIv3 key."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(apiv3_key)
    return digest.finalize()[:_SM4_KEY_BYTES]


def _aes_key(apiv3_key: bytes) -> bytes:
    """Protocol rule: AEAD_AES_256_GCM takes the APIv3 key's bytes as the AES key."""
    # ApiV3Key guarantees 32 bytes; the pure functions also take 16 or 24 (AES-128/192), as wechatpay-go does.
    if len(apiv3_key) not in _AES_KEY_BYTES:
        raise ConfigurationError(
            f"an {AEAD_AES_256_GCM} key is 32 bytes (16 and 24 are taken as AES-128/192); got {len(apiv3_key)} bytes"
        )
    return apiv3_key


def _open_aes(key: bytes, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    return AESGCM(key).decrypt(nonce, sealed, associated_data)


def _seal_aes(key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    return AESGCM(key).encrypt(nonce, plaintext, associated_data)


def _open_sm4(key: bytes, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-TAG_BYTES:])).decryptor()
    decryptor.authenticate_additional_data(associated_data)
    return decryptor.update(sealed[:-TAG_BYTES]) + decryptor.finalize()


def _seal_sm4(key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated_data)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


# algorithm -> (key derivation from the APIv3 key, open, seal)
_SUITES: dict[str, tuple[Callable[[bytes], bytes], Cipherer, Cipherer]] = {
    AEAD_AES_256_GCM: (_aes_key, _open_aes, _seal_aes),
    AEAD_SM4_GCM: (sm4_key, _open_sm4, _seal_sm4),
}


def require_algorithm(algorithm: str) -> str:
    """Protocol rule: ``resource.algorithm`` is ``AEAD_AES_256_GCM`` (or, with 国密 enabled, ``AEAD_SM4_GCM``)."""
    if algorithm not in _SUITES:
        raise UnsupportedAlgorithmError(
            f"resource.algorithm {shown(algorithm)} is not one this package decrypts ({', '.join(ALGORITHMS)})",
            field="resource.algorithm",
            algorithm=algorithm,
        )
    return algorithm


def _suite(algorithm: str) -> tuple[Callable[[bytes], bytes], Cipherer, Cipherer]:
    return _SUITES[require_algorithm(algorithm)]


def _unavailable(algorithm: str) -> UnsupportedAlgorithmError:
    # Only AEAD_SM4_GCM can get here: some OpenSSL builds (LibreSSL, BoringSSL, FIPS) have no SM3 or SM4-GCM.
    return UnsupportedAlgorithmError(
        f"{algorithm} cannot run here: the OpenSSL that cryptography {cryptography.__version__} uses lacks SM3 or "
        "SM4-GCM (the official cryptography wheels, with OpenSSL 3, have both)",
        field="resource.algorithm",
        algorithm=algorithm,
    )


def aead_decrypt(algorithm: str, apiv3_key: bytes, nonce: bytes, ciphertext: bytes, associated_data: bytes) -> bytes:
    """Decrypt a notification resource and return its plaintext bytes.

    Protocol rule: ``resource.algorithm`` names the AEAD; the key is the APIv3 key (AES) or the first 16 bytes of its
    SM3 digest (SM4); ``resource.nonce`` is 12 bytes; ``resource.ciphertext`` ends with the 16-byte tag;
    ``resource.associated_data`` is authenticated (empty when absent). Raises ``UnsupportedAlgorithmError``,
    ``MalformedNotificationError`` (nonce or ciphertext length) or ``DecryptionError`` (the tag does not check).
    """
    derive, open_sealed, _ = _suite(algorithm)
    if len(nonce) != NONCE_BYTES:
        raise MalformedNotificationError(
            f"resource.nonce is {len(nonce)} bytes; {algorithm} notifications use a {NONCE_BYTES}-byte nonce",
            field="resource.nonce",
            algorithm=algorithm,
        )
    if len(ciphertext) < TAG_BYTES:
        raise MalformedNotificationError(
            f"resource.ciphertext is {len(ciphertext)} bytes, shorter than its {TAG_BYTES}-byte GCM tag",
            field="resource.ciphertext",
            algorithm=algorithm,
        )
    try:
        return open_sealed(derive(apiv3_key), nonce, ciphertext, associated_data)
    except InvalidTag:
        raise DecryptionError(
            f"{algorithm} decryption of resource.ciphertext failed its authentication tag: wrong APIv3 key, or the "
            "ciphertext was altered (the key is the one set on the merchant platform: after it is reset there, "
            "update it here)",
            field="resource.ciphertext",
            algorithm=algorithm,
        ) from None
    except UnsupportedAlgorithm:
        raise _unavailable(algorithm) from None


def aead_encrypt(algorithm: str, apiv3_key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt ``plaintext`` as WeChat Pay does for a notification resource: the ciphertext with its tag appended.

    Protocol rule: the inverse of ``aead_decrypt`` (the sender's side, for tests and emulators).
    """
    derive, _, seal = _suite(algorithm)
    if len(nonce) != NONCE_BYTES:
        raise ValueError(f"a resource nonce is {NONCE_BYTES} bytes; got {len(nonce)}")
    try:
        return seal(derive(apiv3_key), nonce, plaintext, associated_data)
    except UnsupportedAlgorithm:
        raise _unavailable(algorithm) from None
