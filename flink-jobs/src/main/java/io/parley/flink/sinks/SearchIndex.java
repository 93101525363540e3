package io.parley.flink.sinks;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.parley.schemas.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * A search index with the definition of {@code messages}: {@code
 * infra/elasticsearch/messages-index.json}, copied into this jar at build time (resource {@value
 * #DEFINITION}), never restated here. Production uses {@value #NAME}; tests use their own names.
 */
public final class SearchIndex implements AutoCloseable {
    public static final String NAME = "messages";
    public static final String DEFINITION = "/elasticsearch/messages-index.json";

    private final String name;
    private final RestClientTransport transport;
    private final ElasticsearchClient client;

    private SearchIndex(String esUrl, String name) {
        this.name = name;
        RestClient rest = RestClient.builder(HttpHost.create(esUrl)).build();
        // Parley's JSON mapping (snake_case, no nulls) for documents; a copy, as the mapper is
        // configured by the client
        this.transport = new RestClientTransport(rest, new JacksonJsonpMapper(Json.MAPPER.copy()));
        this.client = new ElasticsearchClient(transport);
    }

    public static SearchIndex connect(String esUrl, String name) {
        return new SearchIndex(esUrl, name);
    }

    public String name() {
        return name;
    }

    public ElasticsearchClient client() {
        return client;
    }

    public boolean exists() throws IOException {
        return client.indices().exists(e -> e.index(name)).value();
    }

    /** Creates the index with its mapping unless it exists (another process may race us: fine). */
    public void ensureExists() throws IOException {
        if (exists()) {
            return;
        }
        try (InputStream definition = SearchIndex.class.getResourceAsStream(DEFINITION)) {
            if (definition == null) {
                throw new IllegalStateException("missing resource " + DEFINITION);
            }
            client.indices().create(c -> c.index(name).withJson(definition));
        } catch (ElasticsearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
