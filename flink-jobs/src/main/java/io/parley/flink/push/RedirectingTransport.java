package io.parley.flink.push;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The HTTP transport firebase-admin sends through, pointed at a configurable FCM endpoint:
 * firebase-admin hard-codes {@value #FCM_ROOT}, so connections to it are opened to the configured
 * root instead (a local receiver, a proxy); every other URL is left alone.
 */
public final class RedirectingTransport {
    static final String FCM_ROOT = "https://fcm.googleapis.com";

    private RedirectingTransport() {}

    public static HttpTransport to(String root) {
        String base = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        return new NetHttpTransport.Builder()
                .setConnectionFactory(
                        url ->
                                (HttpURLConnection)
                                        new URL(rewrite(url.toString(), base)).openConnection())
                .build();
    }

    static String rewrite(String url, String base) {
        return url.startsWith(FCM_ROOT) ? base + url.substring(FCM_ROOT.length()) : url;
    }
}
