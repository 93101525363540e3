package io.parley.edge.query;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.parley.edge.rooms.RoomService;
import io.parley.schemas.frames.ErrorCode;
import io.parley.schemas.frames.ProtocolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/search}: full text over the {@code messages} index, restricted in the query itself
 * to the rooms the caller belongs to (from Cassandra, never from the request).
 */
public final class SearchService {
    public static final String INDEX = "messages";
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private final ElasticsearchClient es;
    private final RoomService rooms;

    public SearchService(ElasticsearchClient es, RoomService rooms) {
        this.es = es;
        this.rooms = rooms;
    }

    public record SearchHit(
            String roomId,
            long seq,
            String msgId,
            String senderId,
            String body,
            long ts,
            String highlight) {}

    public List<SearchHit> search(String userId, String q, String roomId, Integer limit) {
        if (q == null || q.isBlank() || q.length() > 256) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "q must be 1-256 chars");
        }
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "limit must be 1-" + MAX_LIMIT);
        }
        List<String> scope;
        if (roomId != null) {
            rooms.requireMember(roomId, userId);
            scope = List.of(roomId);
        } else {
            scope = rooms.roomIdsOf(userId);
        }
        if (scope.isEmpty()) {
            return List.of();
        }
        List<FieldValue> roomValues = scope.stream().map(FieldValue::of).toList();
        SearchResponse<Map> response;
        try {
            response =
                    es.search(
                            s ->
                                    s.index(INDEX)
                                            .size(n)
                                            .query(
                                                    qq ->
                                                            qq.bool(
                                                                    b ->
                                                                            b.must(
                                                                                            m ->
                                                                                                    m
                                                                                                            .match(
                                                                                                                    mm ->
                                                                                                                            mm.field(
                                                                                                                                            "body")
                                                                                                                                    .query(
                                                                                                                                            q)))
                                                                                    .filter(
                                                                                            f ->
                                                                                                    f
                                                                                                            .terms(
                                                                                                                    t ->
                                                                                                                            t.field(
                                                                                                                                            "room_id")
                                                                                                                                    .terms(
                                                                                                                                            tv ->
                                                                                                                                                    tv
                                                                                                                                                            .value(
                                                                                                                                                                    roomValues))))))
                                            .highlight(h -> h.fields("body", hf -> hf)),
                            Map.class);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "search is unavailable");
        }
        List<SearchHit> hits = new ArrayList<>();
        for (Hit<Map> hit : response.hits().hits()) {
            Map<?, ?> doc = hit.source();
            if (doc == null) {
                continue;
            }
            List<String> hl = hit.highlight().get("body");
            hits.add(
                    new SearchHit(
                            String.valueOf(doc.get("room_id")),
                            ((Number) doc.get("seq")).longValue(),
                            String.valueOf(doc.get("msg_id")),
                            String.valueOf(doc.get("sender_id")),
                            String.valueOf(doc.get("body")),
                            ((Number) doc.get("ts")).longValue(),
                            hl == null || hl.isEmpty() ? null : hl.get(0)));
        }
        return hits;
    }
}
