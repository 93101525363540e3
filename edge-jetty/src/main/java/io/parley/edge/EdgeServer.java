package io.parley.edge;

import io.parley.edge.auth.TokenService;
import io.parley.edge.delivery.DeliveryListener;
import io.parley.edge.delivery.PendingCalls;
import io.parley.edge.delivery.Publisher;
import io.parley.edge.delivery.UserLog;
import io.parley.edge.http.HttpApi;
import io.parley.edge.limits.Admission;
import io.parley.edge.media.MediaService;
import io.parley.edge.query.HistoryService;
import io.parley.edge.query.SearchService;
import io.parley.edge.query.StatsService;
import io.parley.edge.rooms.RoomService;
import io.parley.edge.session.DeviceService;
import io.parley.edge.session.KeyService;
import io.parley.edge.session.PresenceService;
import io.parley.edge.session.PrivacyService;
import io.parley.edge.session.SessionRegistry;
import io.parley.edge.session.ToDeviceService;
import io.parley.edge.store.Backends;
import io.parley.edge.store.MessageStore;
import io.parley.edge.ws.CatchUp;
import io.parley.edge.ws.CommandHandler;
import io.parley.edge.ws.ConnectionRegistry;
import io.parley.edge.ws.Deliverer;
import io.parley.edge.ws.Gateway;
import io.parley.schemas.frames.FrameCodec;
import io.parley.schemas.frames.FrameLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * One edge gateway: Jetty with the WebSocket endpoint {@code /v1/ws}, the HTTP API and the web
 * client, on HTTP and (with a keystore) HTTPS; wired to the real backends.
 */
public final class EdgeServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EdgeServer.class.getName());

    /** Jetty's own cap on a text message; above the codec's limit so oversize gets too_large. */
    static final long MAX_TEXT_MESSAGE = 1024 * 1024;

    private final EdgeConfig config;
    private final Backends backends;
    private final Server server;
    private final ServerConnector http;
    private final ServerConnector https;
    private final DeliveryListener delivery;
    private final Publisher publisher;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService healthExecutor;
    private final Gateway gateway;

    private static void announceExpiredPresence(PresenceService presence, Clock clock) {
        try {
            presence.announceExpired(clock.millis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence expiry sweep failed", e);
        }
    }

    private EdgeServer(EdgeConfig config) throws Exception {
        this.config = config;
        Clock clock = Clock.systemUTC();
        backends = Backends.connect(config);
        scheduler = Executors.newScheduledThreadPool(2);
        healthExecutor = Executors.newCachedThreadPool();
        publisher = new Publisher(backends.pulsar, clock);
        TokenService tokens =
                new TokenService(
                        config.jwtSecret(), config.jwtPublicKeyPem(), clock, config.tokenPolicy());
        PendingCalls pending = new PendingCalls();
        UserLog userLog = new UserLog(publisher);
        PrivacyService privacy = new PrivacyService(backends.cql, backends.redis, userLog, clock);
        MessageStore store = new MessageStore(backends.cql);
        RoomService rooms =
                new RoomService(
                        backends.cql,
                        backends.redis,
                        store,
                        publisher,
                        pending,
                        privacy,
                        config.gatewayId(),
                        clock);
        SessionRegistry sessions =
                new SessionRegistry(backends.redis, config.gatewayId(), config.sessionTtlMs());
        PresenceService presence =
                new PresenceService(
                        backends.redis, sessions, config.sessionTtlMs(), publisher::signal);
        DeviceService devices =
                new DeviceService(
                        backends.cql,
                        backends.redis,
                        sessions,
                        userLog,
                        event ->
                                publisher
                                        .user(event)
                                        .exceptionally(
                                                e -> {
                                                    LOG.log(
                                                            Level.WARNING,
                                                            "could not log a device as seen",
                                                            e);
                                                    return null;
                                                }),
                        publisher::signal,
                        clock);
        ToDeviceService toDevice =
                new ToDeviceService(
                        backends.redis,
                        publisher::user,
                        publisher::signal,
                        ToDeviceService.of(devices),
                        clock,
                        scheduler);
        MediaService media =
                new MediaService(
                        backends.cql,
                        userLog,
                        backends.s3,
                        backends.presigner,
                        config.s3Bucket(),
                        rooms,
                        clock);
        FrameCodec codec = new FrameCodec(FrameLimits.DEFAULT);
        CatchUp catchUp = new CatchUp(store, scheduler, config.outboundSoftLimit(), 30_000);
        Admission admission = Admission.system(config.limits());
        CommandHandler commands =
                new CommandHandler(
                        config.gatewayId(),
                        codec,
                        rooms,
                        sessions,
                        presence,
                        publisher,
                        media,
                        catchUp,
                        clock,
                        admission,
                        toDevice);
        ConnectionRegistry connections = new ConnectionRegistry();
        EdgeMetrics metrics = new EdgeMetrics();
        gateway =
                new Gateway(
                        connections,
                        commands,
                        sessions,
                        presence,
                        codec,
                        metrics,
                        clock,
                        admission,
                        config.outboundSoftLimit(),
                        config.outboundHardLimit(),
                        toDevice);
        metrics.openConnections(gateway::connectionCount);
        delivery =
                new DeliveryListener(
                        backends.pulsar,
                        config.gatewayId(),
                        connections,
                        new Deliverer(catchUp, privacy),
                        publisher,
                        pending,
                        clock);
        gateway.scheduleHeartbeats(scheduler, config.sessionTtlMs());
        scheduler.scheduleWithFixedDelay(
                () -> publisher.closeIdle(Publisher.IDLE_PRODUCER), 1, 1, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(
                () -> announceExpiredPresence(presence, clock), 1, 1, TimeUnit.SECONDS);

        server = new Server();
        http = new ServerConnector(server);
        http.setHost(config.host());
        http.setPort(config.httpPort());
        server.addConnector(http);
        if (!config.keystorePath().isBlank()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(config.keystorePath());
            ssl.setKeyStorePassword(config.keystorePassword());
            ssl.setKeyStoreType("PKCS12");
            HttpConfiguration httpsConfig = new HttpConfiguration();
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            httpsConfig.addCustomizer(secure);
            https =
                    new ServerConnector(
                            server,
                            new SslConnectionFactory(ssl, "http/1.1"),
                            new HttpConnectionFactory(httpsConfig));
            https.setHost(config.host());
            https.setPort(config.httpsPort());
            server.addConnector(https);
        } else {
            https = null;
        }

        HttpApi api =
                new HttpApi(
                        new HttpApi.Services(
                                tokens,
                                config.devMode(),
                                config.devTokenTtlSeconds(),
                                rooms,
                                new HistoryService(rooms, store),
                                new SearchService(backends.es, rooms),
                                media,
                                devices,
                                new KeyService(backends.redis, userLog, clock),
                                presence,
                                privacy,
                                new StatsService(backends.cql),
                                new HealthCheck(backends, config, healthExecutor),
                                metrics,
                                config.gatewayId(),
                                admission),
                        webClient());
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler ws =
                WebSocketUpgradeHandler.from(
                        server,
                        context,
                        container -> {
                            container.setIdleTimeout(Duration.ofMillis(config.idleTimeoutMs()));
                            container.setMaxTextMessageSize(MAX_TEXT_MESSAGE);
                            container.addMapping(
                                    "/v1/ws", new UpgradeAuthenticator(tokens, devices, gateway));
                        });
        ws.setHandler(api);
        context.setHandler(ws);
        server.setHandler(context);
    }

    private Handler webClient() {
        Path root = config.webRoot().isBlank() ? null : Path.of(config.webRoot());
        ResourceHandler resources = new ResourceHandler();
        if (root != null && Files.isDirectory(root)) {
            resources.setBaseResource(ResourceFactory.of(resources).newResource(root));
        } else {
            var url = EdgeServer.class.getResource("/web/index.html");
            if (url == null) {
                return new Handler.Abstract() {
                    @Override
                    public boolean handle(
                            org.eclipse.jetty.server.Request request,
                            org.eclipse.jetty.server.Response response,
                            org.eclipse.jetty.util.Callback callback) {
                        response.setStatus(404);
                        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                        response.write(
                                true,
                                ByteBuffer.wrap("not found".getBytes(StandardCharsets.UTF_8)),
                                callback);
                        return true;
                    }
                };
            }
            resources.setBaseResource(
                    ResourceFactory.of(resources).newClassLoaderResource("/web/", false));
        }
        resources.setWelcomeFiles("index.html");
        return resources;
    }

    public static EdgeServer start(EdgeConfig config) throws Exception {
        EdgeServer edge = new EdgeServer(config);
        edge.server.start();
        return edge;
    }

    public int httpPort() {
        return http.getLocalPort();
    }

    public int httpsPort() {
        return https == null ? -1 : https.getLocalPort();
    }

    public String gatewayId() {
        return config.gatewayId();
    }

    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
        delivery.close();
        publisher.close();
        scheduler.shutdownNow();
        healthExecutor.shutdownNow();
        backends.close();
    }
}
