package io.parley.edge.media;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checks an upload against its declared SHA-256 before a message may reference it, then copies it
 * to a key no upload URL covers ({@link #verifiedKey}), copying only the very object it hashed
 * (ETag condition): an object swapped in afterwards through the still-valid PUT URL is never
 * served. Downloads use the verified copy.
 */
final class MediaVerifier {
    private final S3Client s3;
    private final String bucket;

    MediaVerifier(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    static String verifiedKey(String objectKey) {
        return "verified/" + objectKey;
    }

    /** Whether the verified copy exists (a message already referenced this upload). */
    boolean isVerified(String objectKey) {
        try {
            s3.headObject(h -> h.bucket(bucket).key(verifiedKey(objectKey)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Hashes the upload and, if it matches, makes the verified copy.
     *
     * @return false if the bytes do not match the declared SHA-256
     */
    boolean verify(String objectKey, String declaredSha256) {
        String etag;
        String actual;
        try (ResponseInputStream<GetObjectResponse> in =
                s3.getObject(g -> g.bucket(bucket).key(objectKey))) {
            etag = in.response().eTag();
            actual = sha256(in);
        } catch (IOException e) {
            throw new IllegalStateException("could not read media " + objectKey, e);
        }
        if (!actual.equalsIgnoreCase(declaredSha256)) {
            return false;
        }
        s3.copyObject(
                c ->
                        c.sourceBucket(bucket)
                                .sourceKey(objectKey)
                                .copySourceIfMatch(etag)
                                .destinationBucket(bucket)
                                .destinationKey(verifiedKey(objectKey)));
        return true;
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        try (DigestInputStream d = new DigestInputStream(in, digest)) {
            d.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
