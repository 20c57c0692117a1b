package org.consentfhir.abdm;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.agreement.ECDHBasicAgreement;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.BigIntegers;

/**
 * ABDM's Fidelius encryption of health information for its requester:
 *
 * <ul>
 *   <li>ECDH on BouncyCastle's named curve {@code curve25519} in Weierstrass form (not RFC 7748
 *       X25519); public keys are uncompressed points {@code 04 || X || Y}, Base64;</li>
 *   <li>each side has a 32-byte nonce; the XOR of the two gives the HKDF-SHA-256 salt (first 20
 *       bytes) and the AES-GCM IV (last 12 bytes);</li>
 *   <li>HKDF-SHA-256 of the ECDH shared secret (32 bytes) with that salt gives the 32-byte AES key;
 *       AES-GCM with a 128-bit tag; the result Base64.</li>
 * </ul>
 * Built on BouncyCastle's lightweight API, so no JCE provider is installed.
 */
final class Fidelius {

	static final X9ECParameters CURVE = CustomNamedCurves.getByName("curve25519");
	private static final ECDomainParameters DOMAIN =
			new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
	private static final SecureRandom RANDOM = new SecureRandom();

	/** A key pair and nonce of one side of an exchange. */
	record KeyMaterial(ECPrivateKeyParameters privateKey, String publicKey, String nonce) {}

	private Fidelius() {}

	static KeyMaterial newKeyMaterial() {
		ECKeyPairGenerator generator = new ECKeyPairGenerator();
		generator.init(new ECKeyGenerationParameters(DOMAIN, RANDOM));
		AsymmetricCipherKeyPair pair = generator.generateKeyPair();
		byte[] point = ((ECPublicKeyParameters) pair.getPublic()).getQ().getEncoded(false);
		byte[] nonce = new byte[32];
		RANDOM.nextBytes(nonce);
		return new KeyMaterial((ECPrivateKeyParameters) pair.getPrivate(),
				Base64.getEncoder().encodeToString(point), Base64.getEncoder().encodeToString(nonce));
	}

	/** Encrypts for the peer: our private key and nonce, their public key and nonce. */
	static String encrypt(byte[] plaintext, KeyMaterial ours, String theirPublicKey, String theirNonce) {
		return Base64.getEncoder().encodeToString(aesGcm(true, plaintext, ours, theirPublicKey, theirNonce));
	}

	/** Decrypts what the peer encrypted for us (the same derivation from the other side). */
	static byte[] decrypt(String ciphertext, KeyMaterial ours, String theirPublicKey, String theirNonce) {
		return aesGcm(false, Base64.getDecoder().decode(ciphertext), ours, theirPublicKey, theirNonce);
	}

	private static byte[] aesGcm(boolean encrypt, byte[] input, KeyMaterial ours, String theirPublicKey, String theirNonce) {
		byte[] xor = xor(Base64.getDecoder().decode(ours.nonce()), Base64.getDecoder().decode(theirNonce));
		byte[] salt = java.util.Arrays.copyOfRange(xor, 0, 20);
		byte[] iv = java.util.Arrays.copyOfRange(xor, 20, 32);
		HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
		hkdf.init(new HKDFParameters(sharedSecret(ours.privateKey(), theirPublicKey), salt, null));
		byte[] key = new byte[32];
		hkdf.generateBytes(key, 0, key.length);
		GCMBlockCipher cipher = (GCMBlockCipher) GCMBlockCipher.newInstance(AESEngine.newInstance());
		cipher.init(encrypt, new AEADParameters(new KeyParameter(key), 128, iv));
		byte[] output = new byte[cipher.getOutputSize(input.length)];
		int length = cipher.processBytes(input, 0, input.length, output, 0);
		try {
			length += cipher.doFinal(output, length);
		} catch (InvalidCipherTextException e) {
			throw new IllegalArgumentException("The content does not decrypt with these keys (or was changed)", e);
		}
		return java.util.Arrays.copyOf(output, length);
	}

	private static byte[] sharedSecret(ECPrivateKeyParameters ours, String theirPublicKey) {
		ECPublicKeyParameters theirs = new ECPublicKeyParameters(
				CURVE.getCurve().decodePoint(Base64.getDecoder().decode(theirPublicKey)), DOMAIN);
		ECDHBasicAgreement agreement = new ECDHBasicAgreement();
		agreement.init(ours);
		BigInteger secret = agreement.calculateAgreement(theirs);
		return BigIntegers.asUnsignedByteArray(agreement.getFieldSize(), secret);
	}

	private static byte[] xor(byte[] a, byte[] b) {
		if (a.length != 32 || b.length != 32) {
			throw new IllegalArgumentException("Fidelius nonces are 32 bytes");
		}
		byte[] out = new byte[32];
		for (int i = 0; i < 32; i++) {
			out[i] = (byte) (a[i] ^ b[i]);
		}
		return out;
	}
}
