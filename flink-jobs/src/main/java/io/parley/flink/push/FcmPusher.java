package io.parley.flink.push;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.AndroidConfig;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.FirebaseMessagingException;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.MessagingErrorCode;
import com.google.firebase.messaging.Notification;
import io.parley.schemas.events.PushRequest;
import java.io.IOException;
import java.util.Date;
import java.util.UUID;

/**
 * Sends one push through firebase-admin's {@link FirebaseMessaging}: a compact notification (room,
 * sender, preview, deep link), collapse key per room. With an endpoint configured it talks to that
 * FCM-compatible receiver with {@code accessToken} as its OAuth access token (firebase-admin sends
 * it as {@code Authorization: Bearer <token>}; the local receiver wants the local cluster's token);
 * without one it uses Google application default credentials (a service account,
 * GOOGLE_APPLICATION_CREDENTIALS, whose key firebase-admin trades for access tokens at the key's
 * {@code token_uri}) against real FCM.
 */
public final class FcmPusher {
    /** What became of one push. */
    public enum Outcome {
        SENT,
        INVALID_TOKEN,
        FAILED
    }

    private final FirebaseMessaging messaging;

    public FcmPusher(String projectId, String endpoint, String accessToken) throws IOException {
        FirebaseOptions.Builder options = FirebaseOptions.builder().setProjectId(projectId);
        if (endpoint == null || endpoint.isBlank()) {
            options.setCredentials(GoogleCredentials.getApplicationDefault());
        } else {
            options.setCredentials(
                    GoogleCredentials.create(
                            new AccessToken(accessToken, new Date(Long.MAX_VALUE / 2))));
            options.setHttpTransport(RedirectingTransport.to(endpoint));
        }
        FirebaseApp app = FirebaseApp.initializeApp(options.build(), "parley-" + UUID.randomUUID());
        this.messaging = FirebaseMessaging.getInstance(app);
    }

    public Outcome send(PushRequest push, String token) {
        Message message =
                Message.builder()
                        .setToken(token)
                        .setNotification(
                                Notification.builder()
                                        .setTitle(push.senderId())
                                        .setBody(push.preview())
                                        .build())
                        .putData("room_id", push.roomId())
                        .putData("seq", Long.toString(push.seq()))
                        .putData("sender_id", push.senderId())
                        .putData("link", "parley://rooms/" + push.roomId() + "?seq=" + push.seq())
                        .setAndroidConfig(
                                AndroidConfig.builder().setCollapseKey(push.roomId()).build())
                        .build();
        try {
            messaging.send(message);
            return Outcome.SENT;
        } catch (FirebaseMessagingException e) {
            MessagingErrorCode code = e.getMessagingErrorCode();
            if (code == MessagingErrorCode.UNREGISTERED
                    || code == MessagingErrorCode.INVALID_ARGUMENT) {
                return Outcome.INVALID_TOKEN;
            }
            return Outcome.FAILED;
        }
    }
}
