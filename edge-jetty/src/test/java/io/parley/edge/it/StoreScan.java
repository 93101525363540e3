package io.parley.edge.it;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.edge.store.Backends;
import io.parley.schemas.Json;
import io.parley.schemas.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.Schema;

/**
 * Where a text could be stored or pass on the server: every row of every table of the {@code
 * parley} keyspace, every document of every Elasticsearch index, every message of every topic of
 * the {@code parley} tenant's namespaces (rooms, events, delivery), every push request the local
 * FCM receiver got, and every Redis key's value. Each search names where it found the text.
 */
final class StoreScan {
    static final String PULSAR_ADMIN = "http://127.0.0.1:8080/admin/v2/persistent/";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Backends backends;

    StoreScan(Backends backends) {
        this.backends = backends;
    }

    /** Where {@code text} was found: store -> the first places, empty when nowhere. */
    Map<String, List<String>> find(String text) throws Exception {
        Map<String, List<String>> found = new LinkedHashMap<>();
        found.put("cassandra", cassandra(text));
        found.put("elasticsearch", elasticsearch(text));
        found.put("pulsar", pulsar(text));
        found.put("push", push(text));
        found.put("redis", redis(text));
        found.values().removeIf(List::isEmpty);
        return found;
    }

    List<String> cassandra(String text) {
        List<String> out = new ArrayList<>();
        for (Row t :
                backends.cql.execute(
                        "SELECT table_name FROM system_schema.tables WHERE keyspace_name ="
                                + " 'parley'")) {
            String table = t.getString("table_name");
            for (Row r : backends.cql.execute("SELECT * FROM parley." + table)) {
                if (r.getFormattedContents().contains(text)) {
                    out.add(table);
                    break;
                }
            }
        }
        return out;
    }

    List<String> elasticsearch(String text) throws Exception {
        List<String> out = new ArrayList<>();
        HttpResponse<String> r =
                es("/_all/_search?scroll=1m", Map.of("size", 5000, "sort", List.of("_doc")));
        while (r.statusCode() == 200) {
            JsonNode page = Json.MAPPER.readTree(r.body());
            JsonNode hits = page.path("hits").path("hits");
            if (hits.isEmpty()) {
                break;
            }
            for (JsonNode hit : hits) {
                if (hit.toString().contains(text)) {
                    out.add(hit.path("_index").asText() + "/" + hit.path("_id").asText());
                }
            }
            r =
                    es(
                            "/_search/scroll",
                            Map.of("scroll", "1m", "scroll_id", page.path("_scroll_id").asText()));
        }
        return out;
    }

    List<String> pulsar(String text) throws Exception {
        List<String> out = new ArrayList<>();
        for (String namespace :
                List.of(
                        Topics.ROOMS_NAMESPACE,
                        Topics.EVENTS_NAMESPACE,
                        Topics.DELIVERY_NAMESPACE)) {
            HttpResponse<String> r = get(URI.create(PULSAR_ADMIN + namespace), null);
            for (JsonNode topic : Json.MAPPER.readTree(r.body())) {
                if (contains(topic.asText(), text)) {
                    out.add(topic.asText());
                }
            }
        }
        return out;
    }

    private boolean contains(String topic, String text) throws Exception {
        try (Reader<String> reader =
                backends.pulsar
                        .newReader(Schema.STRING)
                        .topic(topic)
                        .startMessageId(MessageId.earliest)
                        .create()) {
            while (reader.hasMessageAvailable()) {
                Message<String> m = reader.readNext(10, TimeUnit.SECONDS);
                if (m == null) {
                    break;
                }
                if (m.getValue().contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    List<String> push(String text) throws Exception {
        HttpResponse<String> r = get(URI.create(PushIT.RECEIVER), LocalFlinkToken.authorization());
        return r.body().contains(text) ? List.of("local FCM receiver") : List.of();
    }

    List<String> redis(String text) {
        List<String> out = new ArrayList<>();
        redis.clients.jedis.params.ScanParams params =
                new redis.clients.jedis.params.ScanParams().count(1000);
        String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
        do {
            var page = backends.redis.scan(cursor, params);
            for (String key : page.getResult()) {
                String value =
                        switch (backends.redis.type(key)) {
                            case "string" -> backends.redis.get(key);
                            case "hash" -> backends.redis.hgetAll(key).toString();
                            case "set" -> backends.redis.smembers(key).toString();
                            case "zset" -> backends.redis.zrange(key, 0, -1).toString();
                            case "list" -> backends.redis.lrange(key, 0, -1).toString();
                            default -> "";
                        };
                if (key.contains(text) || value.contains(text)) {
                    out.add(key);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
        return out;
    }

    private static HttpResponse<String> es(String path, Object body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:9200" + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
