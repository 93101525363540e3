package io.parley.clients.e2ee;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * The primitives of docs/e2ee.md, each a platform call: X25519 and Ed25519 (JCA, JDK 15+),
 * AES-256-GCM (JCA), HKDF-SHA256 (BouncyCastle, which JDK 17 lacks). Public keys travel as their
 * raw 32 bytes (the end of the X.509 encoding), private keys are kept as PKCS#8.
 */
public final class Primitives {
    static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** The X.509 prefixes of a raw 32-byte X25519 and Ed25519 public key (RFC 8410). */
    private static final byte[] X25519_PREFIX = hex("302a300506032b656e032100");

    private static final byte[] ED25519_PREFIX = hex("302a300506032b6570032100");

    private Primitives() {}

    /** A key pair as {@code [raw public b64, PKCS#8 private b64]}. */
    public record Pair(String publicKey, String privatePkcs8) {}

    static Pair x25519() {
        return generate("X25519");
    }

    static Pair ed25519() {
        return generate("Ed25519");
    }

    private static Pair generate(String algorithm) {
        try {
            KeyPair kp = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            byte[] x509 = kp.getPublic().getEncoded();
            return new Pair(
                    b64(Arrays.copyOfRange(x509, x509.length - 32, x509.length)),
                    b64(kp.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    static byte[] dh(String privatePkcs8, String rawPublic) throws GeneralSecurityException {
        KeyAgreement ka = KeyAgreement.getInstance("X25519");
        ka.init(privateKey("X25519", privatePkcs8));
        ka.doPhase(publicKey("X25519", X25519_PREFIX, rawPublic), true);
        return ka.generateSecret();
    }

    static String sign(String privatePkcs8, byte[] data) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(privateKey("Ed25519", privatePkcs8));
        s.update(data);
        return b64(s.sign());
    }

    static boolean verify(String rawPublic, byte[] data, String signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(publicKey("Ed25519", ED25519_PREFIX, rawPublic));
            s.update(data);
            return s.verify(unb64(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static byte[] hkdf(byte[] ikm, String info) {
        HKDFBytesGenerator g = new HKDFBytesGenerator(new SHA256Digest());
        g.init(new HKDFParameters(ikm, new byte[32], info.getBytes(StandardCharsets.UTF_8)));
        byte[] out = new byte[32];
        g.generateBytes(out, 0, out.length);
        return out;
    }

    /** {@code [iv, ciphertext||tag]}. */
    static byte[][] seal(byte[] key, byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        byte[] iv = random(12);
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        c.updateAAD(aad);
        return new byte[][] {iv, c.doFinal(plaintext)};
    }

    static byte[] open(byte[] key, byte[] aad, byte[] iv, byte[] ct)
            throws GeneralSecurityException {
        if (key.length != 32 || iv.length != 12) {
            throw new GeneralSecurityException("a 32-byte key and a 12-byte iv are needed");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        c.updateAAD(aad);
        return c.doFinal(ct);
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String b64(byte[] b) {
        return B64.encodeToString(b);
    }

    static byte[] unb64(String s) {
        return B64D.decode(s);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PrivateKey privateKey(String algorithm, String pkcs8)
            throws GeneralSecurityException {
        return KeyFactory.getInstance(algorithm)
                .generatePrivate(new PKCS8EncodedKeySpec(unb64(pkcs8)));
    }

    private static PublicKey publicKey(String algorithm, byte[] prefix, String raw)
            throws GeneralSecurityException {
        byte[] r = unb64(raw);
        if (r.length != 32) {
            throw new GeneralSecurityException("a public key must be 32 bytes");
        }
        byte[] x509 = Arrays.copyOf(prefix, prefix.length + 32);
        System.arraycopy(r, 0, x509, prefix.length, 32);
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(x509));
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
