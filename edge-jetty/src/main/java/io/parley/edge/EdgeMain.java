package io.parley.edge;

/** Starts one edge gateway configured from the environment (see {@link EdgeConfig}). */
public final class EdgeMain {
    private EdgeMain() {}

    public static void main(String[] args) throws Exception {
        EdgeConfig config = EdgeConfig.fromEnv();
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
