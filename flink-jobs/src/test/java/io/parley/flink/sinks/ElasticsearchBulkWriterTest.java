package io.parley.flink.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.OperationType;
import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.JsonpSerializable;
import co.elastic.clients.json.NdJsonpSerializable;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import io.parley.flink.records.SearchOp;
import io.parley.schemas.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElasticsearchBulkWriterTest {
    // the mapper SearchIndex gives its client
    private static final JsonpMapper MAPPER = new JacksonJsonpMapper(Json.MAPPER.copy());

    @Test
    void shouldSendEachOpAsItsBulkActionInTheOrderReceived() {
        List<SearchOp> ops =
                List.of(
                        new SearchOp(SearchOp.Kind.INDEX, "r1", 7, "m7", "alice", "c7", "hi", 1007),
                        SearchOp.update("r1", 7, "hi all"),
                        SearchOp.delete("r1", 7));

        List<BulkOperation> operations = new ArrayList<>();
        for (SearchOp op : ops) {
            operations.add(ElasticsearchBulkWriter.operationOf("idx", op));
        }

        assertThat(ndjson(operations))
                .containsExactly(
                        "{\"index\":{\"_id\":\"r1:7\",\"_index\":\"idx\"}}",
                        "{\"room_id\":\"r1\",\"seq\":7,\"msg_id\":\"m7\",\"sender_id\":\"alice\","
                                + "\"client_msg_id\":\"c7\",\"body\":\"hi\",\"ts\":1007}",
                        "{\"update\":{\"_id\":\"r1:7\",\"_index\":\"idx\"}}",
                        "{\"doc\":{\"body\":\"hi all\"}}",
                        "{\"delete\":{\"_id\":\"r1:7\",\"_index\":\"idx\"}}");
    }

    @Test
    void shouldTakeAnUpdateOfAMissingDocumentAndADeleteOfOneAsDone() {
        BulkResponse response =
                response(
                        item(OperationType.Update, 404, "document_missing_exception"),
                        item(OperationType.Delete, 404, null),
                        item(OperationType.Index, 201, null));

        assertThat(ElasticsearchBulkWriter.failureOf(response)).isEmpty();
    }

    @Test
    void shouldFailTheBulkOnAnyOtherItemError() {
        BulkResponse response =
                response(
                        item(OperationType.Update, 404, "document_missing_exception"),
                        item(OperationType.Index, 400, "strict_dynamic_mapping_exception"));

        assertThat(ElasticsearchBulkWriter.failureOf(response))
                .hasValueSatisfying(
                        failure ->
                                assertThat(failure)
                                        .contains("index")
                                        .contains("strict_dynamic_mapping_exception"));
    }

    @Test
    void shouldFailTheBulkWhenAnUpdateFailsForAnotherReason() {
        BulkResponse response =
                response(item(OperationType.Update, 404, "index_not_found_exception"));

        assertThat(ElasticsearchBulkWriter.failureOf(response)).isPresent();
    }

    private static BulkResponseItem item(OperationType type, int status, String errorType) {
        return BulkResponseItem.of(
                i -> {
                    i.operationType(type).index("idx").id("r1:7").status(status);
                    if (errorType != null) {
                        i.error(e -> e.type(errorType).reason("test"));
                    }
                    return i;
                });
    }

    private static BulkResponse response(BulkResponseItem... items) {
        boolean errors = false;
        for (BulkResponseItem item : items) {
            errors |= item.error() != null;
        }
        boolean anyError = errors;
        return BulkResponse.of(b -> b.errors(anyError).took(1).items(List.of(items)));
    }

    /** The request body as the transport writes it: one JSON document per line. */
    private static List<String> ndjson(List<BulkOperation> operations) {
        List<String> lines = new ArrayList<>();
        collectLines(BulkRequest.of(b -> b.operations(operations)), lines);
        return lines;
    }

    // as ElasticsearchTransportBase: null parts (a delete's document) are skipped, a part that is
    // itself NDJSON (not the value itself) recurses
    private static void collectLines(NdJsonpSerializable value, List<String> lines) {
        Iterator<?> parts = value._serializables();
        while (parts.hasNext()) {
            Object part = parts.next();
            if (part == null) {
                continue;
            }
            if (part instanceof NdJsonpSerializable nested && part != value) {
                collectLines(nested, lines);
                continue;
            }
            StringWriter out = new StringWriter();
            try (JsonGenerator generator = MAPPER.jsonProvider().createGenerator(out)) {
                if (part instanceof JsonpSerializable serializable) {
                    serializable.serialize(generator, MAPPER);
                } else {
                    MAPPER.serialize(part, generator);
                }
            }
            lines.add(out.toString());
        }
    }
}
