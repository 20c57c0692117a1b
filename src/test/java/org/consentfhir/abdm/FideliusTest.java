package org.consentfhir.abdm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPrivateKeySpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.junit.jupiter.api.Test;

/** Fidelius as the HIP uses it, checked against an independent JCE implementation of the scheme. */
class FideliusTest {

	private static final byte[] BUNDLE = "{\"resourceType\":\"Bundle\",\"type\":\"document\"}".getBytes(StandardCharsets.UTF_8);

	@Test
	void theRequesterDecryptsWhatTheHipEncryptedForIt() {
		Fidelius.KeyMaterial hip = Fidelius.newKeyMaterial();
		Fidelius.KeyMaterial hiu = Fidelius.newKeyMaterial();

		String sent = Fidelius.encrypt(BUNDLE, hip, hiu.publicKey(), hiu.nonce());

		assertThat(Fidelius.decrypt(sent, hiu, hip.publicKey(), hip.nonce())).isEqualTo(BUNDLE);
		assertThat(Base64.getDecoder().decode(hip.publicKey())).hasSize(65).startsWith((byte) 0x04);
	}

	@Test
	void aChangedContentOrAnotherKeyDoesNotDecrypt() {
		Fidelius.KeyMaterial hip = Fidelius.newKeyMaterial();
		Fidelius.KeyMaterial hiu = Fidelius.newKeyMaterial();
		String sent = Fidelius.encrypt(BUNDLE, hip, hiu.publicKey(), hiu.nonce());
		byte[] changed = Base64.getDecoder().decode(sent);
		changed[3] ^= 1;

		assertThatThrownBy(() -> Fidelius.decrypt(Base64.getEncoder().encodeToString(changed), hiu, hip.publicKey(), hip.nonce()))
				.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> Fidelius.decrypt(sent, Fidelius.newKeyMaterial(), hip.publicKey(), hip.nonce()))
				.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void matchesTheSchemeBuiltFromJceParts() throws Exception {
		Fidelius.KeyMaterial hip = Fidelius.newKeyMaterial();
		Fidelius.KeyMaterial hiu = Fidelius.newKeyMaterial();
		String sent = Fidelius.encrypt(BUNDLE, hip, hiu.publicKey(), hiu.nonce());

		// the requester's side, as the fidelius-cli reference builds it: JCE ECDH with BouncyCastle's provider
		BouncyCastleProvider bc = new BouncyCastleProvider();
		ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("curve25519");
		KeyFactory keys = KeyFactory.getInstance("EC", bc);
		PrivateKey hiuPrivate = keys.generatePrivate(new ECPrivateKeySpec(hiu.privateKey().getD(), curve));
		PublicKey hipPublic = keys.generatePublic(new ECPublicKeySpec(curve.getCurve().decodePoint(Base64.getDecoder().decode(hip.publicKey())), curve));
		KeyAgreement ecdh = KeyAgreement.getInstance("ECDH", bc);
		ecdh.init(hiuPrivate);
		ecdh.doPhase(hipPublic, true);
		byte[] secret = ecdh.generateSecret();
		byte[] xor = new byte[32];
		byte[] a = Base64.getDecoder().decode(hiu.nonce());
		byte[] b = Base64.getDecoder().decode(hip.nonce());
		for (int i = 0; i < 32; i++) {
			xor[i] = (byte) (a[i] ^ b[i]);
		}
		byte[] key = hkdfSha256(secret, Arrays.copyOfRange(xor, 0, 20), 32);
		Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
		gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, Arrays.copyOfRange(xor, 20, 32)));

		assertThat(gcm.doFinal(Base64.getDecoder().decode(sent))).isEqualTo(BUNDLE);
	}

	/** RFC 5869 with no info, by hand. */
	private static byte[] hkdfSha256(byte[] ikm, byte[] salt, int length) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(salt, "HmacSHA256"));
		byte[] prk = mac.doFinal(ikm);
		mac.init(new SecretKeySpec(prk, "HmacSHA256"));
		byte[] okm = mac.doFinal(new byte[] {1});
		return Arrays.copyOf(okm, length);
	}
}
