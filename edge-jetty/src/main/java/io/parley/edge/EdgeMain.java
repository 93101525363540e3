package io.parley.edge;

import io.parley.edge.auth.StartupSecrets;
import java.util.Optional;

/** Starts one edge gateway configured from the environment (see {@link EdgeConfig}). */
public final class EdgeMain {
    private EdgeMain() {}

    public static void main(String[] args) throws Exception {
        EdgeConfig config = EdgeConfig.fromEnv();
        Optional<String> unsafe = StartupSecrets.refusal(config);
        if (unsafe.isPresent()) {
            System.err.println(unsafe.get());
            System.exit(2);
        }
        EdgeServer edge = EdgeServer.start(config);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        edge.close();
                                    } catch (Exception ignored) {
                                        // exiting anyway
                                    }
                                }));
        System.out.printf(
                "parley edge %s listening on http://%s:%d (https %d)%n",
                config.gatewayId(), config.host(), edge.httpPort(), edge.httpsPort());
        edge.join();
    }
}
