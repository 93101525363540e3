package io.parley.edge.media;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.parley.edge.delivery.UserLog;
import io.parley.edge.rooms.RoomService;
import io.parley.schemas.events.MediaRef;
import io.parley.schemas.events.UserEvent;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Media: the client uploads bytes itself through a presigned PUT (content type and length bound
 * into the signature) and downloads through a short-lived presigned GET; the edge only keeps
 * metadata (an entry of the uploader's log; Cassandra {@code media} is its projection) and checks,
 * when a message references media, that it was uploaded by the sender, to that room, with the
 * declared size and SHA-256 ({@link MediaVerifier}); downloads serve the verified copy only.
 */
public final class MediaService {
    public static final long MAX_BYTES = 25L * 1024 * 1024;
    public static final Set<String> ALLOWED_MIME =
            Set.of(
                    "image/jpeg",
                    "image/png",
                    "image/gif",
                    "image/webp",
                    "video/mp4",
                    "audio/mpeg",
                    "audio/ogg",
                    "application/pdf",
                    "text/plain");
    static final Duration UPLOAD_TTL = Duration.ofMinutes(5);
    static final Duration DOWNLOAD_TTL = Duration.ofMinutes(5);

    /** How long a lookup waits for a registration still on its way to the projection. */
    static final Duration PROJECTION_WAIT = Duration.ofSeconds(3);

    private static final long POLL_MS = 50;

    private final CqlSession cql;
    private final UserLog log;
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final RoomService rooms;
    private final Clock clock;
    private final PreparedStatement select;
    private final MediaVerifier verifier;

    public MediaService(
            CqlSession cql,
            UserLog log,
            S3Client s3,
            S3Presigner presigner,
            String bucket,
            RoomService rooms,
            Clock clock) {
        this.cql = cql;
        this.log = log;
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.rooms = rooms;
        this.clock = clock;
        this.verifier = new MediaVerifier(s3, bucket);
        select =
                cql.prepare(
                        "SELECT room_id, uploader, mime, size, sha256, object_key FROM parley.media"
                                + " WHERE media_id = ?");
    }

    public record Upload(String mediaId, String uploadUrl, long expiresAt) {}

    public Upload create(String userId, String mime, long size, String sha256, String roomId) {
        if (mime == null || !ALLOWED_MIME.contains(mime)) {
            throw bad("mime must be one of " + ALLOWED_MIME);
        }
        if (size <= 0) {
            throw bad("size must be positive");
        }
        if (size > MAX_BYTES) {
            throw new ProtocolException(
                    ErrorCode.TOO_LARGE, "media larger than " + MAX_BYTES + " bytes");
        }
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            throw bad("sha256 must be 64 hex digits");
        }
        rooms.requireMember(roomId, userId);
        long now = clock.millis();
        String mediaId = idOf(now);
        String key = roomId + "/" + mediaId;
        log.append(
                UserEvent.mediaRegistered(
                        userId,
                        mediaId,
                        now,
                        new UserEvent.Media(mediaId, roomId, mime, size, sha256, key, now)));
        var presigned =
                presigner.presignPutObject(
                        p ->
                                p.signatureDuration(UPLOAD_TTL)
                                        .putObjectRequest(
                                                o ->
                                                        o.bucket(bucket)
                                                                .key(key)
                                                                .contentType(mime)
                                                                .contentLength(size)));
        return new Upload(
                mediaId, presigned.url().toString(), presigned.expiration().toEpochMilli());
    }

    /** The attachments of a send, each checked to be the sender's, of this room, and uploaded. */
    public List<MediaRef> resolveForSend(String userId, String roomId, List<String> mediaIds) {
        List<MediaRef> out = new ArrayList<>();
        for (String id : mediaIds) {
            Row row = registration(id);
            if (row == null
                    || !userId.equals(row.getString("uploader"))
                    || !roomId.equals(row.getString("room_id"))) {
                throw bad("media " + id + " is not an upload of yours to this room");
            }
            long size = row.getLong("size");
            HeadObjectResponse head;
            try {
                head = s3.headObject(h -> h.bucket(bucket).key(row.getString("object_key")));
            } catch (NoSuchKeyException e) {
                throw bad("media " + id + " has not been uploaded");
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    throw bad("media " + id + " has not been uploaded");
                }
                throw e;
            }
            if (head.contentLength() == null || head.contentLength() != size) {
                throw bad("media " + id + " does not have its declared size");
            }
            String key = row.getString("object_key");
            if (!verifier.isVerified(key) && !verifier.verify(key, row.getString("sha256"))) {
                throw bad("media " + id + " does not match its declared sha256");
            }
            out.add(new MediaRef(id, row.getString("mime"), size));
        }
        return out;
    }

    /** A short-lived GET URL for a member of the media's room. */
    public String downloadUrl(String userId, String mediaId) {
        Row row = registration(mediaId);
        if (row == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no media " + mediaId);
        }
        rooms.requireMember(row.getString("room_id"), userId);
        String key = row.getString("object_key");
        if (!verifier.isVerified(key)) {
            throw new ProtocolException(
                    ErrorCode.NOT_FOUND, "media " + mediaId + " is not attached to a message");
        }
        return presigner
                .presignGetObject(
                        p ->
                                p.signatureDuration(DOWNLOAD_TTL)
                                        .getObjectRequest(
                                                o ->
                                                        o.bucket(bucket)
                                                                .key(
                                                                        MediaVerifier.verifiedKey(
                                                                                key))))
                .url()
                .toString();
    }

    /**
     * The registration of a media id from its projection; one registered a moment ago may still be
     * on its way there, so a miss is asked again for up to {@link #PROJECTION_WAIT}.
     */
    private Row registration(String mediaId) {
        long deadline = System.nanoTime() + PROJECTION_WAIT.toNanos();
        while (true) {
            Row row = cql.execute(select.bind(mediaId)).one();
            if (row != null || System.nanoTime() > deadline || !fresh(mediaId)) {
                return row;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** {@code m<registration time, hex>x<random>}: a lookup can tell a fresh id from an old one. */
    static String idOf(long now) {
        return "m" + Long.toHexString(now) + "x" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Whether the id says it was registered within {@link #PROJECTION_WAIT} (only then wait). */
    private boolean fresh(String mediaId) {
        int x = mediaId.indexOf('x');
        if (!mediaId.startsWith("m") || x < 2) {
            return false;
        }
        try {
            long age = clock.millis() - Long.parseLong(mediaId.substring(1, x), 16);
            return age >= 0 && age <= PROJECTION_WAIT.toMillis();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }
}
